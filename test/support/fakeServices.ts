import { createChatSession, type ChatSession, type ChatSessionDeps, type SessionTurn } from "../../src/app/chats/session.ts";
import type { TurnReport, TurnResult } from "../../src/app/turns/playTurn.ts";
import type { ModelLoadWatch } from "../../src/app/models.ts";
import type { Chat, ChatMessage } from "../../src/core/chat/types.ts";
import type { SamplerSettings } from "../../src/core/samplers/types.ts";
import { defaultSamplers } from "../../src/core/samplers/validate.ts";
import { turnText, type TurnMode } from "../../src/core/prompt/turn.ts";
import { systemChatEnv } from "../../src/core/chat/operations.ts";
import { builtInPresets } from "../../src/core/samplers/presets.ts";
import { testCharacter } from "./chatFixtures.ts";
import type { ChatRoleplay } from "../../src/app/chats/roleplay.ts";
import { DEFAULT_MEMORY_SETTINGS } from "../../src/core/memory/settings.ts";
import { DEFAULT_REASONING_SETTINGS } from "../../src/core/reasoning/templates.ts";
import { directRegexFinder } from "../../src/core/regexScripts/finder.ts";

/** Roleplay settings as a fresh settings.json gives them: no scripts, no automatic summary. */
export function testRoleplay(change: Partial<ChatRoleplay> = {}): ChatRoleplay {
  return {
    reasoning: DEFAULT_REASONING_SETTINGS, memory: DEFAULT_MEMORY_SETTINGS, regex: { scripts: [], finder: directRegexFinder },
    cardScripts: "none", cardScriptCount: 0, problems: [], ...change,
  };
}

export const testSamplers: SamplerSettings = {
  ...defaultSamplers,
  temperature: 0.8, topK: 40, topP: 0.95, minP: 0.05, repeatPenalty: 1.1, repeatLastN: 64, frequencyPenalty: 0, presencePenalty: 0,
  dryMultiplier: 0, dryBase: 1.75, dryAllowedLength: 2, dryLastN: 0, drySequenceBreakers: [], xtcProbability: 0, xtcThreshold: 0.1, seed: -1, maxTokens: 200,
};

/** What a scripted turn was asked: the chat as sent (the person's message on it), the mode, the samplers. */
export interface TurnRequestSeen {
  mode: TurnMode;
  messages: ChatMessage[];
  samplers: SamplerSettings;
  signal?: AbortSignal;
}

export interface ScriptedSessionOptions {
  /** The generation waits after the first chunk until released or stopped (to test stop). */
  hold?: boolean;
  /** Every turn fails with this message. */
  fail?: string;
  messages?: ChatMessage[];
  draft?: string;
  characterName?: string;
  personaName?: string;
  /** The chat's own sampler settings (over the defaults). */
  samplers?: Partial<SamplerSettings>;
  /** A turn waits for the model this watches to load (and fails with its reason), as the app's does. */
  models?: ModelLoadWatch;
  /** Replaces parts of the session's surroundings (save, branch, export, books...). */
  deps?: Partial<ChatSessionDeps>;
  /** Each turn's reasoning chunks, streamed before its reply (none by default). */
  thoughts?: string[][];
  /** The roleplay settings (testRoleplay's by default). */
  roleplay?: ChatRoleplay;
  /** What each turn reports (the prompt panel, the status line); a plain scripted report by default. */
  report?: TurnReport;
}

let chats = 0;

/**
 * A real chat session (src/app) over an in-memory chat, whose turns are scripted: each
 * reply is a list of chunks, streamed as the engine streams. `saved` holds every chat
 * the session saved, the last one last.
 */
export function scriptedSession(replies: string[][], opts: ScriptedSessionOptions = {}) {
  const requests: TurnRequestSeen[] = [];
  const saved: Chat[] = [];
  let release: () => void = () => {};
  const characterName = opts.characterName ?? "Mira";
  const persona = { name: opts.personaName ?? "You", description: "" };
  const now = new Date().toISOString();
  const chat: Chat = {
    id: `chat${++chats}`, title: `${characterName} chat`, characterId: characterName.toLowerCase(), characterName, createdAt: now, updatedAt: now,
    messages: opts.messages ?? [], settings: opts.samplers ? { samplers: opts.samplers } : {}, variables: {},
    ...(opts.draft !== undefined && { draft: opts.draft }),
  };
  const run = async (turn: SessionTurn): Promise<TurnResult> => {
    requests.push({ mode: turn.mode, messages: turn.chat.messages, samplers: turn.settings.samplers, ...(turn.signal && { signal: turn.signal }) });
    await opts.models?.loading()?.done;
    if (opts.fail) throw new Error(opts.fail);
    const chunks = replies[requests.length - 1] ?? ["…"];
    let text = "";
    let stopReason: "eos" | "abort" = "eos";
    const thought = (opts.thoughts?.[requests.length - 1] ?? []);
    for (const chunk of thought) turn.onReasoning?.(chunk);
    for (const [i, chunk] of chunks.entries()) {
      text += chunk;
      turn.onText?.(chunk);
      if (i === 0 && opts.hold) {
        await new Promise<void>((resolve) => {
          release = resolve;
          turn.signal?.addEventListener("abort", () => resolve());
        });
      }
      if (turn.signal?.aborted) {
        stopReason = "abort";
        break;
      }
    }
    const speaker = turn.mode === "impersonate" ? turn.persona.name : turn.character.name;
    const written = turn.mode === "continue" ? text.trimEnd() : turnText(turn.mode, text, speaker);
    const tokens = chunks.length;
    return {
      text: written,
      ...(thought.length > 0 && { reasoning: { text: thought.join("").trim(), durationMs: 1200, type: "parsed" as const } }),
      generation: { stopReason, tokens, tokensPerSecond: stopReason === "abort" ? 10 : 42 },
      report: opts.report ?? { template: "ChatML (scripted)", promptTokens: 12, evaluatedTokens: 12, sections: [], lore: [], plan: [] },
      timings: { promptTokens: 12, evaluatedPromptTokens: 12, reusedPromptTokens: 0 },
      template: "chatml",
      loreEntries: [],
    };
  };
  const session: ChatSession = createChatSession({
    chat,
    character: testCharacter({ name: characterName }),
    characterId: chat.characterId,
    persona,
    notice: null,
    bookNotes: [],
    env: systemChatEnv,
    save: async (next) => void saved.push(next),
    flush: async () => {},
    presets: builtInPresets.slice(),
    defaultPreset: undefined,
    personas: () => [{ name: "Ada", description: "" }, { name: "Sir Galahad", description: "" }],
    books: [],
    bookTiers: [],
    loadBooks: async () => ({ books: [], tiers: [], problems: [] }),
    available: [],
    availableBooks: async () => [],
    loreSettings: {},
    prompts: {},
    run,
    roleplay: opts.roleplay ?? testRoleplay(),
    answerCardScripts: async (allow) => testRoleplay({ ...opts.roleplay, cardScripts: allow ? "allowed" : "declined" }),
    summarize: async (request) => {
      const index = Math.max(0, request.chat.messages.length - 2);
      return { written: true, due: { due: true, messagesSince: 0, wordsSince: 0, reason: "asked for" }, summary: `Summary of ${request.chat.messages.length} messages`, index, prompt: "", tokens: 5, stopReason: "eos" };
    },
    create: async () => {},
    exportChat: async (_chat, _user, path) => path ?? "/exports/chat.jsonl",
    ...opts.deps,
  });
  return { session, requests, saved, release: () => release() };
}

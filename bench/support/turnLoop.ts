/**
 * The scripted roleplay of scriptedChat.ts played turn by turn on real llama.cpp
 * through taproom's own turn (playChatTurn: lore activation, prompt, KV cache), with
 * the scripted replies put in place of the one token generated, so every strategy sees
 * the same chat. Per turn: prompt tokens, the tokens new in the turn (messages the
 * previous prompt did not have, and the reply prefix), tokens evaluated, and the
 * engine's explanation of where evaluation began.
 */
import type { Chat, ChatMessage } from "../../src/core/chat/types.ts";
import type { BuiltPrompt, PromptSection } from "../../src/core/prompt/types.ts";
import { defaultEntry, type Lorebook } from "../../src/core/lorebook/model.ts";
import { newPromptTokens, type ReprocessCause } from "../../src/core/promptCache/explain.ts";
import { promptLayout, type PromptLayout } from "../../src/core/promptCache/layout.ts";
import { resolveSamplers } from "../../src/core/samplers/validate.ts";
import type { TurnSettings } from "../../src/engine/chatTurn.ts";
import type { LoadedModel } from "../../src/engine/generation/loadModel.ts";
import { playChatTurn } from "../../src/app/turns/playTurn.ts";
import { assistantMessage, benchCharacter, benchLorebook, benchPersona, scriptedReply, userMessage } from "./scriptedChat.ts";

const POSITION = { before_char: 0, after_char: 1, an_top: 2, an_bottom: 3, at_depth: 4, before_examples: 5, after_examples: 6, outlet: 7 } as const;

/** The bench's entries as a SillyTavern World Info book, at the positions the entries name. */
export function benchBook(options: { keywordEntries?: boolean } = {}): Lorebook {
  const entries = options.keywordEntries === false ? benchLorebook.filter((e) => e.constant) : benchLorebook;
  return {
    name: "bench",
    extra: {},
    entries: entries.map((e, i) => ({
      ...defaultEntry(i),
      comment: e.id,
      key: e.keys,
      content: e.content,
      constant: e.constant ?? false,
      position: POSITION[e.position],
      depth: e.depth,
      order: 100 + i,
    })),
  };
}

export interface Strategy {
  name: string;
  /** Prompt settings: trimming step, reserve, boundary hold. */
  prompt: Partial<TurnSettings>;
  contextShift: boolean;
  /** Keep blocks that moved and evaluate a block that came in place (taproom's default). */
  splice: boolean;
}

/** taproom's defaults. */
export const TAPROOM: Strategy = { name: "taproom", prompt: {}, contextShift: true, splice: true };

/** taproom with splicing off: erase-and-shift reuse only. */
export const TAPROOM_NO_SPLICE: Strategy = { name: "taproom, splice off", prompt: {}, contextShift: true, splice: false };

/**
 * SillyTavern's text-completion prompt on a prefix-caching server (llama-server with
 * cache_prompt): the same text and lore positions, history trimmed one message at a
 * time against the budget the lore leaves, and only the common token prefix reused.
 */
export const SILLYTAVERN: Strategy = {
  name: "SillyTavern + llama-server",
  prompt: { trimFreeFraction: 0, insertionReserve: 0, holdTrimBoundary: false },
  contextShift: false,
  splice: false,
};

export interface TurnFigures {
  promptTokens: number;
  newTokens: number;
  evaluated: number;
  reused: number;
  cause: ReprocessCause | "unreported";
  reason: string;
  reprocessed: number;
  /** Prompt tokens evaluated, by what they were: earlier messages, lore and notes injected into the history, anything else. */
  again: Record<Again, number>;
  /**
   * The fewest tokens any KV reuse could evaluate without changing what a token attends
   * to beyond erasing blocks (ContextShift): from the first section that is not found, in
   * order, among the previous prompt's sections (section token counts, so within a few tokens;
   * messages are never edited in the bench).
   */
  floor: number;
  promptMs: number;
}

export type Again = "new" | "messages" | "injected" | "other";

const TAIL = new Set(["reply_prefix", "post_history"]);

function kindOf(s: PromptSection, seen: ReadonlySet<string>): Again {
  if (s.kind === "history") return s.messageId && seen.has(s.messageId) ? "messages" : "new";
  if (TAIL.has(s.kind)) return "new";
  return /depth/.test(s.label) ? "injected" : "other";
}

/** The evaluated tokens (the token ranges given) by kind of section. */
export function evaluatedByKind(prompt: BuiltPrompt, ranges: ReadonlyArray<{ start: number; end: number }>, previous: BuiltPrompt | undefined): Record<Again, number> {
  const seen = new Set(previous?.sections.flatMap((s) => (s.messageId ? [s.messageId] : [])) ?? []);
  const out: Record<Again, number> = { new: 0, messages: 0, injected: 0, other: 0 };
  let at = 0;
  for (const s of prompt.sections) {
    const start = at;
    at += s.tokens;
    for (const r of ranges) out[kindOf(s, seen)] += Math.max(0, Math.min(at, r.end) - Math.max(start, r.start));
  }
  return out;
}

/** Tokens from the first section that is not, in order, among the previous prompt's (see TurnFigures.floor). */
export function floorTokens(prompt: BuiltPrompt, previous: BuiltPrompt | undefined): number {
  const old = previous?.sections ?? [];
  let k = 0;
  let i = 0;
  // A message is matched by id: the last one's text ends differently once another follows it.
  const same = (a: PromptSection, b: PromptSection) => (a.messageId !== undefined ? a.messageId === b.messageId : a.text === b.text);
  for (; i < prompt.sections.length; i++) {
    const section = prompt.sections[i]!;
    while (k < old.length && !same(section, old[k]!)) k++;
    if (k === old.length) break;
    k++;
  }
  return Math.max(1, prompt.sections.slice(i).reduce((sum, s) => sum + s.tokens, 0));
}

/** The prompt's evaluated token ranges: blocks a splice put in place, then the tail. */
function evaluatedRanges(promptTokens: number, evaluated: number, inserted: ReadonlyArray<{ at: number; tokens: number }>): Array<{ start: number; end: number }> {
  const insertedTokens = inserted.reduce((sum, r) => sum + r.tokens, 0);
  return [...inserted.map((r) => ({ start: r.at, end: r.at + r.tokens })), { start: promptTokens - (evaluated - insertedTokens), end: promptTokens }];
}

export interface LoopOptions {
  strategy: Strategy;
  turns: number;
  /** The model for a turn (the same one each turn, or a fresh load: one process per turn). */
  model: (turn: number) => Promise<LoadedModel>;
  /** Called when the turn is over, e.g. to unload a per-turn model. */
  done?: (model: LoadedModel) => Promise<void>;
  chatId?: string;
  /** The chat so far (a long chat reopened); a new one with the greeting otherwise. */
  chat?: Chat;
  /** Lore entries by position; the bench's book by default. */
  book?: Lorebook;
  firstTurn?: number;
}

const now = new Date("2026-01-01T12:00:00Z");

export function benchChat(id: string, messages: ChatMessage[]): Chat {
  return {
    id, title: "bench", characterId: "bench", characterName: benchCharacter.name, createdAt: now.toISOString(), updatedAt: now.toISOString(),
    messages, settings: { instructTemplate: "chatml" }, variables: {},
  };
}

export async function playLoop(options: LoopOptions): Promise<{ figures: TurnFigures[]; chat: Chat }> {
  const { strategy } = options;
  let chat = options.chat ?? benchChat(options.chatId ?? "bench", [assistantMessage(-1, benchCharacter.first_mes)]);
  const books = [options.book ?? benchBook()];
  // One token is generated (the scripted reply replaces it), so no room is kept for a reply.
  const settings: TurnSettings = {
    samplers: resolveSamplers({ temperature: 0, maxTokens: 1 }),
    systemPrompt: "Write {{char}}'s next reply in this roleplay with {{user}}.",
    ...strategy.prompt,
  };
  const figures: TurnFigures[] = [];
  let previous: PromptLayout | undefined;
  let previousPrompt: BuiltPrompt | undefined;
  const first = options.firstTurn ?? 0;
  for (let turn = first; turn < first + options.turns; turn++) {
    chat = { ...chat, messages: [...chat.messages, userMessage(turn)] };
    const model = await options.model(turn);
    model.usePromptCache({ contextShift: strategy.contextShift, splice: strategy.splice });
    const played = await playChatTurn({
      model, chat, character: benchCharacter, persona: benchPersona, books,
      settings,
      mode: "reply",
      env: { now: () => now.toISOString(), newId: () => `r${turn}` },
    });
    await options.done?.(model);
    const { prompt } = played.turn;
    const reuse = played.turn.reuse;
    const layout = promptLayout({ prompt, template: "chatml", messages: chat.messages });
    figures.push({
      promptTokens: played.turn.timings.promptTokens,
      newTokens: previous ? newPromptTokens(prompt, previous) : reuse?.newTokens ?? played.turn.timings.promptTokens,
      evaluated: played.turn.timings.evaluatedPromptTokens,
      reused: played.turn.timings.reusedPromptTokens,
      cause: reuse?.cause ?? "unreported",
      reason: reuse?.reason ?? "",
      reprocessed: reuse?.reprocessed ?? 0,
      again: evaluatedByKind(prompt, evaluatedRanges(played.turn.timings.promptTokens, played.turn.timings.evaluatedPromptTokens, reuse?.inserted ?? []), previousPrompt),
      floor: floorTokens(prompt, previousPrompt),
      promptMs: played.turn.timings.promptMs ?? 0,
    });
    previous = layout;
    previousPrompt = prompt;
    // The scripted reply replaces the token generated, so every strategy sees the same chat.
    const replied = played.chat.messages.slice(0, -1);
    chat = { ...played.chat, messages: [...replied, assistantMessage(turn, scriptedReply(turn))] };
  }
  return { figures, chat };
}

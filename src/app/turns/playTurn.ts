/**
 * One turn on the engine: activate the chat's lore, build the prompt, let the model
 * write, and hand back the text with what the chat keeps of the turn (lore timers,
 * {{setvar}} values) and what the panels show of it. Applying it to the chat is
 * core/chat's applyTurn; saving is the chat session's.
 */
import type { Character } from "../../core/cards/character.ts";
import { applyTurn, currentSwipe, type ChatEnv } from "../../core/chat/operations.ts";
import type { Persona } from "../../core/chat/persona.ts";
import type { Chat, GenerationInfo } from "../../core/chat/types.ts";
import type { ReuseExplanation } from "../../core/promptCache/explain.ts";
import { activateLoreForChat } from "../../core/lorebook/forChat.ts";
import { withRegexAnswers, type RegexMatcher } from "../../core/lorebook/regexAnswers.ts";
import { sharedRegexMatcher } from "../../engine/lore/regexWorker.ts";
import type { ActivateLoreResult, LoreSettings } from "../../core/lorebook/activate.ts";
import type { Lorebook } from "../../core/lorebook/model.ts";
import { generationTypeOf, type TurnMode } from "../../core/prompt/turn.ts";
import type { GroupPromptContext } from "../../core/prompt/types.ts";
import type { ExtensionPrompt, PromptRegex } from "../../core/prompt/types.ts";
import type { Reasoning } from "../../core/chat/types.ts";
import { runChatTurn, type ChatTurnResult, type TurnModel, type TurnSettings, type TurnTimings } from "../../engine/chatTurn.ts";

/** What the last turn sent and why: the model, prompt and lore panels. */
export interface TurnReport {
  template: string;
  promptTokens: number;
  /** Prompt tokens llama.cpp really evaluated; the rest came from the KV cache. */
  evaluatedTokens: number;
  /** Milliseconds spent evaluating the prompt (to the first reply token). */
  promptMs?: number;
  tokensPerSecond?: number;
  /** Each section of the prompt as sent (its text, when the report carries it). */
  sections: Array<{ kind: string; label: string; tokens: number; text?: string }>;
  /** What gave way to fit the prompt's budget. */
  fit?: { budget: number; droppedMessages: number; examplesDropped: boolean };
  lore: Array<{
    title: string; fired: boolean; outcome: string; detail: string; tokens: number | null;
    /** Which entry: an untitled one is told apart by these. */
    book?: string; uid?: number; keys?: string[];
  }>;
  /** Lore tokens counted against the World Info budget, and that budget. */
  loreBudget?: { used: number; budget: number };
  /** Why the model was loaded as it was (the planner's words). */
  plan: string[];
  /** What the KV cache reused, what was evaluated, and why evaluation began where it did. */
  reuse?: ReuseExplanation;
}

export interface TurnInput {
  model: TurnModel;
  chat: Chat;
  character: Character;
  persona: Persona;
  books: Lorebook[];
  /** Each book's tier (0 the chat's, 1 the character's, 2 global), as booksForCharacter gives them. */
  bookTiers?: number[];
  /** World Info activation settings (the user's); defaults where left out. */
  loreSettings?: Partial<LoreSettings>;
  settings: TurnSettings;
  mode: TurnMode;
  /** A group chat's turn: `character` is the member speaking (core/group). */
  group?: GroupPromptContext;
  signal?: AbortSignal;
  onText?: (chunk: string) => void;
  /** The reply's reasoning as it streams, apart from its text. */
  onReasoning?: (chunk: string) => void;
  /** The chat's regex scripts (see ChatTurnInput.regex). */
  regex?: PromptRegex;
  /** The chat's summary and other extension blocks for the prompt. */
  extensionPrompts?: ExtensionPrompt[];
  /** The planner's reasons for the model's load, for the report. */
  plan?: string[];
  /** Where regex keys run: the process's worker by default (engine/lore/regexWorker.ts), never this thread. */
  regexMatcher?: RegexMatcher;
}

/** What one turn wrote and how: everything applyTurn needs, and what the panels and `--json` show. */
export interface TurnResult {
  /** The new text: the reply, the words added to a continued message, the impersonated line. */
  text: string;
  /** What the model thought before it wrote `text` (for continue: the message's reasoning as it now stands). */
  reasoning?: Reasoning;
  generation: GenerationInfo;
  loreState?: unknown;
  variables?: Record<string, string>;
  /** Null when nothing was sent (stopped while the model was still loading). */
  report: TurnReport | null;
  timings: TurnTimings;
  /** The instruct template's name. */
  template: string;
  /** Ids of the lore entries that went into the prompt. */
  loreEntries: string[];
  /**
   * Where the prompt's kept history began, for the chat to hold next turn (setKeptFrom):
   * a message id, null when no message was kept; absent when the boundary is not held.
   */
  keptFrom?: string | null;
}

export interface PlayedChatTurn {
  /** The chat with the turn applied: a new reply, a new swipe, a longer reply, or a draft. */
  chat: Chat;
  turn: ChatTurnResult;
  lore: ActivateLoreResult;
  result: TurnResult;
}

function reportOf(turn: ChatTurnResult, lore: ActivateLoreResult, plan: string[], books: Lorebook[]): TurnReport {
  const { prompt, timings } = turn;
  const keys = new Map(books.flatMap((b) => b.entries.map((e) => [`${b.name}/${e.uid}`, e.key.slice(0, 3)] as const)));
  const keysOf = (book: string, uid: number) => keys.get(`${book}/${uid}`) ?? [];
  return {
    template: turn.template.note,
    promptTokens: timings.promptTokens,
    evaluatedTokens: timings.evaluatedPromptTokens,
    ...(timings.promptMs !== undefined && { promptMs: timings.promptMs }),
    ...(turn.generation.tokensPerSecond !== undefined && { tokensPerSecond: turn.generation.tokensPerSecond }),
    sections: prompt.sections.map(({ kind, label, tokens, text }) => ({ kind, label, tokens, text })),
    fit: { budget: prompt.budget, droppedMessages: prompt.droppedMessages, examplesDropped: prompt.examplesDropped },
    lore: lore.verdicts.map((v) => ({ title: v.comment, fired: v.fired, outcome: v.outcome, detail: v.detail, tokens: v.tokens, book: v.book, uid: v.uid, keys: keysOf(v.book, v.uid) })),
    loreBudget: { used: lore.tokensUsed, budget: lore.budget },
    plan,
    ...(turn.reuse && { reuse: turn.reuse }),
  };
}

async function run(input: TurnInput): Promise<{ turn: ChatTurnResult; lore: ActivateLoreResult; result: TurnResult }> {
  const { model, character, mode } = input;
  const lore = await withRegexAnswers((regex) => activateLoreForChat({
    // SillyTavern's budget is a share of the context left after the reply's tokens.
    books: input.books, ...(input.bookTiers && { tiers: input.bookTiers }), chat: input.chat,
    contextSize: Math.max(1, model.contextSize - input.settings.samplers.maxTokens), tokenize: (t) => model.countTokens(t),
    character, personaName: input.persona.name, generationType: generationTypeOf(mode), ...(input.loreSettings && { settings: input.loreSettings }),
    regex,
  }), input.regexMatcher ?? sharedRegexMatcher());
  const turn = await runChatTurn({
    model,
    chat: input.chat,
    character,
    persona: input.persona,
    lore: lore.insertions,
    loreTitles: new Map(lore.verdicts.map((v) => [`${v.book}/${v.uid}`, v.comment.trim() || `${v.book} #${v.uid}`])),
    settings: input.settings,
    mode,
    ...(input.group && { group: input.group }),
    ...(input.signal && { signal: input.signal }),
    ...(input.onText && { onText: input.onText }),
    ...(input.onReasoning && { onReasoning: input.onReasoning }),
    ...(input.regex && { regex: input.regex }),
    ...(input.extensionPrompts && { extensionPrompts: input.extensionPrompts }),
  });
  // A continuation's text is the whole message: the chat keeps only what was added.
  const last = input.chat.messages.at(-1);
  const before = mode === "continue" && last ? currentSwipe(last).text : "";
  const text = turn.text.startsWith(before) ? turn.text.slice(before.length) : turn.text;
  const result: TurnResult = {
    text,
    ...(turn.reasoning && { reasoning: turn.reasoning }),
    generation: turn.generation,
    loreState: lore.state,
    variables: turn.variables,
    report: reportOf(turn, lore, input.plan ?? [], input.books),
    timings: turn.timings,
    template: turn.template.template.name,
    loreEntries: lore.insertions.map((i) => i.entryId),
    ...(input.settings.holdTrimBoundary !== false && { keptFrom: turn.prompt.firstKeptMessageId ?? null }),
  };
  return { turn, lore, result };
}

/** One turn: lore, prompt, generation. Nothing is applied or saved. */
export async function runTurn(input: TurnInput): Promise<TurnResult> {
  return (await run(input)).result;
}

/** One whole turn applied to the chat it was played on (saving is the caller's). */
export async function playChatTurn(input: TurnInput & { env: ChatEnv }): Promise<PlayedChatTurn> {
  const { turn, lore, result } = await run(input);
  const name = input.mode === "impersonate" ? input.persona.name : input.character.name;
  const chat = applyTurn(input.chat, { ...result, mode: input.mode, name, env: input.env });
  return { chat, turn, lore, result };
}

import type { Character } from "../cards/character.ts";
import type { Chat } from "../chat/types.ts";
import { activateLore, type ActivateLoreResult, type GenerationType, type LoreSettings, type LoreState } from "./activate.ts";
import type { Lorebook } from "./model.ts";
import type { RegexAnswers } from "./regexAnswers.ts";
import { expandMacros } from "../prompt/macros.ts";

export interface ChatLoreOptions {
  books: Lorebook[];
  /** Each book's tier (chat, character, global), parallel to `books`; see ActivateLoreOptions.tiers. */
  tiers?: number[];
  chat: Chat;
  contextSize: number;
  tokenize: (text: string) => number;
  settings?: Partial<LoreSettings>;
  /** How keys' macros expand; by default `{{char}}`/`{{user}}` (and `<BOT>`/`<USER>`) name the character and persona. */
  expandMacros?: (s: string) => string;
  /** The persona's name, for `{{user}}` in keys; "User" when not given. */
  personaName?: string;
  /** The chat's character: its name and tags for entries' character filters, its greetings for `@@is_greeting`. */
  character?: Pick<Character, "name" | "tags" | "first_mes" | "alternate_greetings">;
  /**
   * What starts this generation; default "normal". A swipe (or regenerate) redoes the
   * last reply: as in SillyTavern that reply is not scanned, so the new candidate sees
   * the lore (and timed effects) the first one saw.
   */
  generationType?: GenerationType;
  /** Answers for regex keys: run through `withRegexAnswers` (regexAnswers.ts). */
  regex?: RegexAnswers;
}

function isLoreState(value: unknown): value is LoreState {
  const v = value as LoreState | undefined;
  const map = (m: unknown) => m === undefined || (typeof m === "object" && m !== null);
  return typeof v === "object" && v !== null && typeof v.sticky === "object" && v.sticky !== null && typeof v.cooldown === "object" && v.cooldown !== null
    && map(v.started) && map(v.versions);
}

/**
 * Which of the card's greetings the chat opened with, counted as `@@is_greeting` does
 * (0 = first_mes, 1.. = alternate_greetings): found by the opening message's text, so
 * a chat whose first message is no greeting has none.
 */
export function openingGreetingIndex(chat: Chat, character: Pick<Character, "first_mes" | "alternate_greetings">): number | undefined {
  const first = chat.messages[0];
  if (!first || first.role !== "assistant") return undefined;
  const text = first.swipes[first.swipeIndex]?.text;
  if (text === undefined || text.trim() === "") return undefined;
  const at = [character.first_mes, ...character.alternate_greetings].indexOf(text);
  return at < 0 ? undefined : at;
}

/**
 * Macros in lorebook keys, expanded as in the prompt: `{{char}}` is the character, `{{user}}`
 * the persona. A key is only read, so `{{setvar}}` in one changes nothing and rolls are fixed.
 */
export function loreKeyMacros(names: { char: string; user: string }, chatId: string, variables: Record<string, string> = {}): (key: string) => string {
  return (key) => expandMacros(key, { char: names.char, user: names.user, chatId, variables: { ...variables }, now: () => new Date(), random: () => 0 });
}

/**
 * Lore for the next turn of a chat: the shown swipe of each visible message is
 * scanned, and the chat's timed-effect state carries over. The seed comes from the
 * chat and its length, so a regenerated reply sees the same rolls.
 */
export function activateLoreForChat(options: ChatLoreOptions): ActivateLoreResult {
  const { chat, character } = options;
  const generationType = options.generationType ?? "normal";
  const visible = chat.messages.filter((m) => !m.hidden);
  if ((generationType === "swipe" || generationType === "regenerate") && visible.at(-1)?.role === "assistant") visible.pop();
  const messages = visible.map((m) => ({ name: m.name, text: m.swipes[m.swipeIndex]?.text ?? "", role: m.role }));
  let seed = messages.length;
  for (const ch of chat.id) seed = (seed * 31 + ch.charCodeAt(0)) >>> 0;
  const greetingIndex = character && openingGreetingIndex(chat, character);
  return activateLore({
    books: options.books,
    ...(options.tiers && { tiers: options.tiers }),
    messages,
    contextSize: options.contextSize,
    tokenize: options.tokenize,
    ...(options.settings && { settings: options.settings }),
    ...(isLoreState(chat.loreState) && { state: chat.loreState }),
    expandMacros: options.expandMacros ?? loreKeyMacros({ char: character?.name ?? "", user: options.personaName ?? "User" }, chat.id, chat.variables),
    ...(character && { character: { name: character.name, tags: character.tags } }),
    ...(greetingIndex !== undefined && { greetingIndex }),
    generationType,
    seed,
    ...(options.regex && { regex: options.regex }),
  });
}

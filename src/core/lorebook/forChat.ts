import type { Chat } from "../chat/types.ts";
import { activateLore, type ActivateLoreResult, type LoreSettings, type LoreState } from "./activate.ts";
import type { Lorebook } from "./model.ts";

export interface ChatLoreOptions {
  books: Lorebook[];
  chat: Chat;
  contextSize: number;
  tokenize: (text: string) => number;
  settings?: Partial<LoreSettings>;
  expandMacros?: (s: string) => string;
  /**
   * A swipe regenerates the last reply: as in SillyTavern that reply is not scanned,
   * so the new candidate sees the lore (and timed effects) the first one saw.
   */
  regenerating?: boolean;
}

function isLoreState(value: unknown): value is LoreState {
  const v = value as LoreState | undefined;
  return typeof v === "object" && v !== null && typeof v.sticky === "object" && v.sticky !== null && typeof v.cooldown === "object" && v.cooldown !== null
    && (v.started === undefined || (typeof v.started === "object" && v.started !== null));
}

/**
 * Lore for the next turn of a chat: the shown swipe of each visible message is
 * scanned, and the chat's timed-effect state carries over. The seed comes from the
 * chat and its length, so a regenerated reply sees the same rolls.
 */
export function activateLoreForChat(options: ChatLoreOptions): ActivateLoreResult {
  const { chat } = options;
  const visible = chat.messages.filter((m) => !m.hidden);
  if (options.regenerating && visible.at(-1)?.role === "assistant") visible.pop();
  const messages = visible.map((m) => ({ name: m.name, text: m.swipes[m.swipeIndex]?.text ?? "" }));
  let seed = messages.length;
  for (const ch of chat.id) seed = (seed * 31 + ch.charCodeAt(0)) >>> 0;
  return activateLore({
    books: options.books,
    messages,
    contextSize: options.contextSize,
    tokenize: options.tokenize,
    ...(options.settings && { settings: options.settings }),
    ...(isLoreState(chat.loreState) && { state: chat.loreState }),
    ...(options.expandMacros && { expandMacros: options.expandMacros }),
    seed,
  });
}

/**
 * One chat turn's prompt, from the chat as saved: which messages the model sees for
 * each mode, and how the generated text becomes a message's text.
 */
import type { ChatMessage } from "../chat/types.ts";
import type { GenerationType } from "../lorebook/filters.ts";
import { messageText } from "./build.ts";

export type TurnMode = "reply" | "swipe" | "continue" | "impersonate";

export class TurnModeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TurnModeError";
  }
}

/**
 * The history the prompt is built from. A swipe regenerates the last reply, so the
 * prompt stops before it; continue needs a last message to extend.
 */
export function historyForTurn(messages: ChatMessage[], mode: TurnMode): ChatMessage[] {
  const visible = messages.filter((m) => !m.hidden);
  const last = visible[visible.length - 1];
  if (mode === "swipe") {
    if (!last || last.role !== "assistant") throw new TurnModeError("nothing to swipe: the last message is not a reply");
    return visible.slice(0, -1);
  }
  if (mode === "continue" && !last) throw new TurnModeError("nothing to continue: the chat is empty");
  return visible;
}

/** The prompt-building mode for a turn mode: a swipe is a fresh reply. */
export function promptMode(mode: TurnMode): "reply" | "continue" | "impersonate" {
  return mode === "swipe" ? "reply" : mode;
}

/** The SillyTavern generation type a turn is, for lorebook entries' `triggers`. */
export function generationTypeOf(mode: TurnMode): GenerationType {
  return mode === "reply" ? "normal" : mode;
}

/**
 * The text a turn produced, as it goes into the chat: a reply or impersonation loses
 * the space after `Name:` and a repeated `Name:`; a continuation is appended to the
 * message it extends, exactly as generated.
 */
export function turnText(mode: TurnMode, generated: string, speaker: string, continued?: ChatMessage): string {
  if (mode === "continue") return (continued ? messageText(continued) : "") + generated.trimEnd();
  let text = generated.trim();
  if (speaker && text.startsWith(`${speaker}:`)) text = text.slice(speaker.length + 1).trim();
  return text;
}

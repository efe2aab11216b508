/**
 * What the screen shows of a message: its text (and reasoning) through the display-only
 * scripts, as SillyTavern's messageFormatting does. The stored text is never changed.
 */
import type { ChatMessage } from "../chat/types.ts";
import type { RegexCall } from "./run.ts";
import { RegexPlacement } from "./script.ts";

export type ScriptRun = (text: string, placement: number, call: RegexCall) => string;

export interface Displayed {
  text: string;
  reasoning: string;
}

/** Where a message's text runs through scripts: the person's input, a narrator's (slash command) text, or the AI's. */
export function placementOf(message: ChatMessage): number {
  if (message.role === "user") return RegexPlacement.USER_INPUT;
  if (message.role === "system") return RegexPlacement.SLASH_COMMAND;
  return RegexPlacement.AI_OUTPUT;
}

/**
 * The message at `index` as drawn. Depth counts the visible messages from the newest (0);
 * a hidden message has none, and is shown as stored (SillyTavern formats it as a system
 * message, which display scripts skip).
 */
export function displayMessage(messages: readonly ChatMessage[], index: number, run: ScriptRun): Displayed {
  const message = messages[index]!;
  const swipe = message.swipes[message.swipeIndex];
  const text = swipe?.text ?? "";
  const reasoning = swipe?.reasoning ? (swipe.reasoning.displayText ?? swipe.reasoning.text) : "";
  if (message.hidden) return { text, reasoning };
  let after = 0;
  for (let i = index + 1; i < messages.length; i++) if (!messages[i]!.hidden) after++;
  const call = { isMarkdown: true, depth: after, characterOverride: message.name };
  return {
    text: run(text, placementOf(message), call),
    reasoning: reasoning ? run(reasoning, RegexPlacement.REASONING, call) : "",
  };
}

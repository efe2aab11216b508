/**
 * How much of a chat the transcript prints: the screen and a few screens of scrollback,
 * counted back from the newest message. Opening a 2,000-message chat then costs what a
 * short one does; earlier messages are printed on request (PgUp) or picked (Ctrl+K).
 */
import type { ChatMessage } from "../../core/chat/types.ts";

/** Screens of scrollback printed above the live region. */
const SCREENS = 5;
const MIN_ROWS = 120;

/** Rows of scrollback the printed transcript aims for on a terminal of `rows` rows. */
export function scrollbackRows(rows: number): number {
  return Math.max(MIN_ROWS, rows * SCREENS);
}

/** Terminal rows a printed message takes, estimated cheaply: its name, its wrapped lines, the gap below. */
export function messageRows(message: ChatMessage, columns: number): number {
  const text = message.swipes[message.swipeIndex]?.text ?? "";
  const width = Math.max(10, columns);
  let rows = 2;
  for (const line of text.split("\n")) rows += Math.max(1, Math.ceil(line.length / width));
  return rows;
}

/**
 * The first message to print so that the messages from it up to `end` (exclusive) take
 * about `budget` rows: at least one message, and never earlier than the chat's start.
 */
export function tailStart(messages: ChatMessage[], end: number, budget: number, columns: number): number {
  let used = 0;
  let start = Math.min(end, messages.length);
  while (start > 0) {
    const rows = messageRows(messages[start - 1]!, columns);
    if (used > 0 && used + rows > budget) break;
    used += rows;
    start--;
  }
  return start;
}

import type { ChatMessage } from "../../../core/chat/types.ts";
import { tailStart } from "../transcriptTail.ts";
import type { ChatKeyEvent } from "./chatKeyEvent.ts";

export interface EarlierContext {
  messages: ChatMessage[];
  /** The first message printed now. */
  printedFrom: number;
  /** Rows of earlier messages one press prints. */
  pageRows: number;
  columns: number;
  printFrom(from: number): void;
  notify(message: string): void;
}

/** PgUp: the transcript is printed again, starting a few screens earlier. */
export function earlierKey(event: ChatKeyEvent, ctx: EarlierContext): boolean {
  if (!event.key.pageUp) return false;
  if (ctx.printedFrom === 0) {
    ctx.notify("The whole chat is printed: scroll up in your terminal");
    return true;
  }
  const from = tailStart(ctx.messages, ctx.printedFrom, ctx.pageRows, ctx.columns);
  ctx.printFrom(from);
  ctx.notify(from === 0 ? "The whole chat is printed: scroll up in your terminal" : `Printed from message ${from + 1} of ${ctx.messages.length}: scroll up in your terminal; PgUp prints more`);
  return true;
}

import type { ChatKeyEvent } from "./chatKeyEvent.ts";

export interface DeleteConfirmContext {
  /** The message waiting for y/n, or null when none is. */
  pending: number | null;
  /** The message marked in select mode, or null outside it. */
  selected: number | null;
  messageCount: number;
  clearPending(): void;
  deleteAt(index: number): void;
  select(index: number | null): void;
  notify(message: string): void;
}

/** While a delete waits for y/n every key answers it: y deletes, anything else keeps. */
export function deleteConfirmKeys(event: ChatKeyEvent, ctx: DeleteConfirmContext): boolean {
  if (ctx.pending === null) return false;
  ctx.clearPending();
  if (event.char === "y" || event.char === "Y") {
    ctx.deleteAt(ctx.pending);
    // Select mode stays on, on the message now at that place (or the new last one).
    if (ctx.selected !== null) ctx.select(ctx.messageCount > 1 ? Math.min(ctx.selected, ctx.messageCount - 2) : null);
  } else ctx.notify("Kept");
  return true;
}

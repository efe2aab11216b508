import type { ChatKeyEvent } from "./chatKeyEvent.ts";

export interface StopKeyContext {
  /** Stops the reply being written; false when none is. */
  stopReply(): boolean;
  quitArmed: boolean;
  setQuitArmed(armed: boolean): void;
  quit(): void;
  notify(message: string): void;
}

/**
 * Ctrl+C stops a reply; with none, the first press arms quitting and the second quits.
 * Any other key disarms it (and is left to the next handler).
 */
export function stopKey(event: ChatKeyEvent, ctx: StopKeyContext): boolean {
  if (event.action !== "stop") {
    ctx.setQuitArmed(false);
    return false;
  }
  if (ctx.stopReply()) return true;
  if (ctx.quitArmed) {
    ctx.quit();
    return true;
  }
  ctx.setQuitArmed(true);
  ctx.notify("Press Ctrl+C again to quit");
  return true;
}

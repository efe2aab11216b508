import type { ChatMessage } from "../../../core/chat/types.ts";
import type { ChatKeyEvent } from "./chatKeyEvent.ts";

export interface ChatActionContext {
  inputEmpty: boolean;
  /** The message being edited in the input, or null. */
  editing: number | null;
  messageCount: number;
  /** The last message when it is a reply. */
  lastReply: ChatMessage | undefined;
  busy(): boolean;
  notify(message: string): void;
  swipe(direction: -1 | 1): void;
  /** Generates a new swipe of the last reply. */
  swipeNew(): void;
  askDelete(index: number): void;
  continueReply(): void;
  impersonate(): void;
  startEdit(index: number): void;
  stopEditing(): void;
  editOutside(index: number): void;
  leave(): void;
  /** Unfolds every message's reasoning, or folds it again. */
  toggleReasoning(): void;
}

/**
 * The chat's own actions on its messages and the screen. Swipes and Ctrl+D act only on an
 * empty input; otherwise the arrows move the cursor (the next handler's job).
 */
export function chatActionKeys(event: ChatKeyEvent, ctx: ChatActionContext): boolean {
  const last = ctx.messageCount - 1;
  switch (event.action) {
    case "swipeLeft":
      if (!ctx.inputEmpty) return false;
      ctx.swipe(-1);
      return true;
    case "swipeRight": {
      if (!ctx.inputEmpty) return false;
      const reply = ctx.lastReply;
      if (reply && reply.swipeIndex === reply.swipes.length - 1) ctx.swipeNew();
      else ctx.swipe(1);
      return true;
    }
    case "deleteLast":
      if (ctx.inputEmpty && !ctx.busy() && ctx.messageCount > 0) ctx.askDelete(last);
      return true;
    case "continue":
      ctx.continueReply();
      return true;
    case "impersonate":
      ctx.impersonate();
      return true;
    case "edit":
      if (ctx.editing !== null) {
        ctx.stopEditing();
        ctx.notify("Edit cancelled (your text stays in the input)");
      } else if (ctx.busy() || ctx.messageCount === 0) ctx.notify("Nothing to edit yet");
      else ctx.startEdit(last);
      return true;
    case "editExternal":
      if (ctx.busy() || ctx.messageCount === 0) ctx.notify("Nothing to edit yet");
      else ctx.editOutside(last);
      return true;
    case "reasoning":
      ctx.toggleReasoning();
      return true;
    case "home":
      if (ctx.busy()) ctx.notify("A reply is being written: Ctrl+C stops it first");
      else ctx.leave();
      return true;
    default:
      return false;
  }
}

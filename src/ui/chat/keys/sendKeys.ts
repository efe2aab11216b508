import { commonPrefix } from "../../commands/index.ts";
import { displayText } from "../../../core/text/sanitize.ts";
import type { ChatKeyEvent } from "./chatKeyEvent.ts";

export interface SendKeyContext {
  inputText: string;
  /** The message whose text is in the input, being edited, or null. */
  editing: number | null;
  loadingModel: boolean;
  busy(): boolean;
  /** Empties the input and keeps the text in its history. */
  submitted(text: string): void;
  stopEditing(): void;
  editAt(index: number, text: string): void;
  runCommand(line: string): void;
  send(text: string): void;
  messageCount: number;
  /** The character speaks next without a new message from the person (SillyTavern's empty send). */
  replyNow(): void;
  notify(message: string): void;
}

/** Enter: saves an edit, runs a /command, sends the text, or on an empty input asks for a reply. */
export function sendKey(event: ChatKeyEvent, ctx: SendKeyContext): boolean {
  if (event.action !== "send") return false;
  const text = ctx.inputText;
  const asksReply = text === "" && ctx.editing === null && ctx.messageCount > 0;
  if (!text.trim() && !asksReply) return true;
  if (ctx.loadingModel) {
    ctx.notify("A model is loading: Enter sends once it is ready");
    return true;
  }
  if (ctx.busy()) return true;
  if (asksReply) {
    ctx.replyNow();
    return true;
  }
  ctx.submitted(text);
  if (ctx.editing !== null) {
    ctx.stopEditing();
    ctx.editAt(ctx.editing, text);
  } else if (text.startsWith("/")) ctx.runCommand(text);
  else ctx.send(text);
  return true;
}

export interface CompleteKeyContext {
  inputText: string;
  /** Whole-line completions of what is typed. */
  completions(line: string): string[];
  setInput(text: string): void;
  notify(message: string): void;
}

/** Tab: completes a /command or its argument as far as the choices agree, and lists them. */
export function completeKey(event: ChatKeyEvent, ctx: CompleteKeyContext): boolean {
  if (event.action !== "complete") return false;
  const line = ctx.inputText;
  const options = ctx.completions(line);
  const prefix = commonPrefix(options);
  if (prefix.length > line.length) ctx.setInput(prefix);
  if (options.length > 1) {
    const names = options.slice(0, 8).map((o) => (line.includes(" ") ? o.slice(o.indexOf(" ") + 1) : o).trim());
    ctx.notify(displayText(names.join(", ") + (options.length > 8 ? `, and ${options.length - 8} more` : "")));
  }
  return true;
}

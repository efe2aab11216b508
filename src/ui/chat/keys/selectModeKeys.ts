import { moveSelection } from "../../components/listWindow.ts";
import type { ChatKeyEvent } from "./chatKeyEvent.ts";

export interface SelectModeContext {
  /** The message marked, or null outside select mode. */
  selected: number | null;
  messageCount: number;
  busy(): boolean;
  select(index: number | null): void;
  startEdit(index: number): void;
  editOutside(index: number): void;
  askDelete(index: number): void;
  branchAt(index: number): void;
}

/** Messages PgUp/PgDn move the mark by in select mode. */
const PAGE = 10;

/** Select mode: the arrows move over messages and letters act on the one marked; it takes every key. */
export function selectModeKeys(event: ChatKeyEvent, ctx: SelectModeContext): boolean {
  const { selected } = ctx;
  if (selected === null) return false;
  const { char, key } = event;
  if (key.escape) ctx.select(null);
  else if (key.upArrow) ctx.select(moveSelection(ctx.messageCount, selected, -1));
  else if (key.downArrow) ctx.select(moveSelection(ctx.messageCount, selected, 1));
  else if (key.pageUp) ctx.select(moveSelection(ctx.messageCount, selected, -PAGE));
  else if (key.pageDown) ctx.select(moveSelection(ctx.messageCount, selected, PAGE));
  else if (ctx.busy()) return true;
  else if (char === "e") {
    ctx.select(null);
    ctx.startEdit(selected);
  } else if (char === "v") {
    ctx.select(null);
    ctx.editOutside(selected);
  } else if (char === "d") ctx.askDelete(selected);
  else if (char === "b") {
    ctx.select(null);
    ctx.branchAt(selected);
  }
  return true;
}

export interface StartSelectContext {
  inputEmpty: boolean;
  messageCount: number;
  busy(): boolean;
  closePanel(): void;
  select(index: number): void;
  notify(message: string | null): void;
}

/** Ctrl+K: select mode, on the last message. */
export function startSelectKey(event: ChatKeyEvent, ctx: StartSelectContext): boolean {
  if (event.action !== "select") return false;
  if (!ctx.inputEmpty) ctx.notify("Empty the input to pick a message");
  else if (ctx.busy()) ctx.notify("A reply is being written: Ctrl+C stops it first");
  else if (ctx.messageCount === 0) ctx.notify("No messages yet");
  else {
    ctx.closePanel();
    ctx.select(ctx.messageCount - 1);
    ctx.notify(null);
  }
  return true;
}

import type { TurnPanelView } from "../../panels/TurnPanel.tsx";
import type { ChatKeyEvent } from "./chatKeyEvent.ts";

export interface TurnPanelContext {
  open: boolean;
  view: TurnPanelView;
  offset: number;
  /** The last offset that still fills the panel, and the lines one page moves. */
  maxOffset(): number;
  page(): number;
  inputEmpty: boolean;
  setView(view: TurnPanelView): void;
  setOffset(offset: number): void;
}

/** The arrows' actions belong to the panel while it is open; other bound keys keep theirs. */
const panelOwnActions = new Set<string>(["historyPrev", "historyNext"]);

/** The open prompt panel: ↑↓ and PgUp/PgDn scroll it, `t` (input empty) switches between the summary and the full text. */
export function turnPanelKeys(event: ChatKeyEvent, ctx: TurnPanelContext): boolean {
  if (!ctx.open || (event.action !== null && !panelOwnActions.has(event.action))) return false;
  const { char, key } = event;
  const step = key.upArrow ? -1 : key.downArrow ? 1 : key.pageUp ? -ctx.page() : key.pageDown ? ctx.page() : 0;
  if (step !== 0) {
    ctx.setOffset(Math.min(Math.max(0, ctx.offset + step), ctx.maxOffset()));
    return true;
  }
  if (char === "t" && ctx.inputEmpty && !key.ctrl && !key.meta) {
    ctx.setView(ctx.view === "text" ? "summary" : "text");
    ctx.setOffset(0);
    return true;
  }
  return false;
}

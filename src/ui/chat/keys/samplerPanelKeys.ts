import type { SamplerSettings } from "../../../core/samplers/types.ts";
import { moveSelection } from "../../components/listWindow.ts";
import { samplerRows, stepSampler } from "../../panels/samplerPanel.ts";
import type { ChatKeyEvent } from "./chatKeyEvent.ts";

export interface SamplerPanelContext {
  open: boolean;
  row: number;
  setRow(row: number): void;
  samplers: SamplerSettings;
  changeSamplers(change: Partial<SamplerSettings>): void;
  nextPreset(): void;
}

/**
 * The open sampler panel: Up/Down pick a row, Left/Right (or -/+) step its value, p the
 * next preset. Other keys (typing included) go on to the chat.
 */
/** Actions bound to keys the panel uses for itself (the arrows); every other bound key keeps its action. */
const panelOwnActions = new Set<string>(["swipeLeft", "swipeRight", "historyPrev", "historyNext"]);

export function samplerPanelKeys(event: ChatKeyEvent, ctx: SamplerPanelContext): boolean {
  if (!ctx.open || (event.action !== null && !panelOwnActions.has(event.action))) return false;
  if (event.key.ctrl || event.key.meta) return false;
  const { char, key } = event;
  if (key.upArrow || key.downArrow) {
    ctx.setRow(moveSelection(samplerRows.length, ctx.row, key.upArrow ? -1 : 1));
    return true;
  }
  const direction = key.leftArrow || char === "-" ? -1 : key.rightArrow || char === "+" || char === "=" ? 1 : 0;
  if (direction !== 0) {
    const change = stepSampler(ctx.samplers, samplerRows[ctx.row]!, direction);
    if (change) ctx.changeSamplers(change);
    return true;
  }
  if (char === "p") {
    ctx.nextPreset();
    return true;
  }
  return false;
}

import type { KeyAction } from "../../app/keybindings.ts";
import type { ChatKeyEvent } from "./chatKeyEvent.ts";

/** What takes the live region's room: one panel or overlay at a time. */
export type ChatPanel = "help" | "turn" | "lore" | "samplers" | "model" | "members";

export interface PanelContext {
  panel: ChatPanel | null;
  inputEmpty: boolean;
  setPanel(panel: ChatPanel | null): void;
}

/** A bare Esc (or half an escape sequence over SSH) only closes overlays. */
export function closePanelKey(event: ChatKeyEvent, ctx: PanelContext): boolean {
  if (!event.key.escape) return false;
  ctx.setPanel(null);
  return true;
}

const toggles: Partial<Record<KeyAction, ChatPanel>> = { help: "help", inspect: "turn", modelPanel: "model", lore: "lore", samplers: "samplers" };

/** Each panel's key opens it in place of any other and closes it again; `?` is typed text unless the input is empty. */
export function panelToggleKeys(event: ChatKeyEvent, ctx: PanelContext): boolean {
  const name = event.action ? toggles[event.action] : undefined;
  if (!name || (name === "help" && !ctx.inputEmpty)) return false;
  ctx.setPanel(ctx.panel === name ? null : name);
  return true;
}

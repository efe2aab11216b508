import type { Key } from "ink";
import type { KeyAction } from "../../app/keybindings.ts";

/** One key press as the chat screen's key handlers see it. */
export interface ChatKeyEvent {
  char: string;
  key: Key;
  /** What the keybindings make of it, if anything. */
  action: KeyAction | null;
}

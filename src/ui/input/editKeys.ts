import type { Key } from "ink";
import type { InputAction } from "./inputReducer.ts";

/**
 * The text-editing part of a key press (cursor moves, Backspace, typed or pasted
 * text) as input actions; other keys give null so the screen decides what they do.
 */
export function editActions(char: string, key: Key): InputAction[] | null {
  if (key.leftArrow) return [{ type: "left" }];
  if (key.rightArrow) return [{ type: "right" }];
  if (key.home) return [{ type: "home" }];
  if (key.end) return [{ type: "end" }];
  if (key.backspace || key.delete) return [{ type: "backspace" }];
  // Held or fast Backspace (tmux, SSH) can arrive as one read of several DEL bytes.
  if (/^[\x7f\b]+$/.test(char)) return Array.from(char, () => ({ type: "backspace" as const }));
  if (key.ctrl || key.meta || key.return || key.tab || key.escape || key.upArrow || key.downArrow) return null;
  return char ? [{ type: "insert", text: char }] : null;
}

import type { Key } from "ink";
import type { InputAction } from "./inputReducer.ts";
import { typedActions } from "./typedActions.ts";

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
  if (key.ctrl && char === "u") return [{ type: "deleteToLineStart" }];
  if (key.ctrl && char === "w") return [{ type: "deleteWordBack" }];
  if (key.ctrl || key.meta || key.return || key.tab || key.escape || key.upArrow || key.downArrow) return null;
  return char ? typedActions(char) : null;
}

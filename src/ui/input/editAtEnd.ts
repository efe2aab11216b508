import type { Key } from "ink";
import { editActions } from "./editKeys.ts";
import { emptyInput, inputReducer } from "./inputReducer.ts";

/**
 * A one-line field edited at its end (the cursor is drawn there): typing, Backspace,
 * Ctrl+U and Ctrl+W, several in one read; a pasted line break or stray control is dropped.
 */
export function editAtEnd(text: string, char: string, key: Key): string {
  const moves = new Set(["left", "right", "home", "end"]);
  const edits = (editActions(char.replace(/[\r\n]+/g, ""), key) ?? []).filter((a) => !moves.has(a.type));
  return edits.reduce(inputReducer, { ...emptyInput, text, cursor: text.length }).text;
}

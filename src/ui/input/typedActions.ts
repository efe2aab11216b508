import type { InputAction } from "./inputReducer.ts";

/** The line-editing control bytes a terminal sends, as readline users know them. */
const controlEdits: Record<string, InputAction> = {
  "\x7f": { type: "backspace" },
  "\b": { type: "backspace" },
  "\x15": { type: "deleteToLineStart" },
  "\x17": { type: "deleteWordBack" },
};

/**
 * What one read of typed text does to an input. Ink splits a read only at escape
 * sequences, so fast keys over SSH or tmux (letters, Backspace, Ctrl+U in one read)
 * arrive as one string: each is applied in order, none is dropped.
 */
export function typedActions(input: string): InputAction[] {
  const actions: InputAction[] = [];
  for (const part of input.split(/([\x7f\b\x15\x17])/)) {
    const control = controlEdits[part];
    if (control) actions.push(control);
    else if (part) actions.push({ type: "insert", text: part });
  }
  return actions;
}

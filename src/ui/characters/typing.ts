import { inputReducer, type InputAction, type InputState } from "../input/inputReducer.ts";

/**
 * What one read of typed text does to an input. Fast typing over SSH or tmux can put
 * Backspace (DEL or BS) in the same read as letters: each is applied in order.
 */
export function typedActions(input: string): InputAction[] {
  const actions: InputAction[] = [];
  for (const part of input.split(/([\x7f\b])/)) {
    if (part === "\x7f" || part === "\b") actions.push({ type: "backspace" });
    else if (part) actions.push({ type: "insert", text: part });
  }
  return actions;
}

export type FieldInputAction = InputAction | { type: "moveTo"; cursor: number };

/** The chat input's reducer plus a cursor jump, for moving up and down the rows of a long field. */
export function fieldInputReducer(state: InputState, action: FieldInputAction): InputState {
  if (action.type !== "moveTo") return inputReducer(state, action);
  return { ...state, cursor: Math.min(Math.max(0, action.cursor), state.text.length) };
}

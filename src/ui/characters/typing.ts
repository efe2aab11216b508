import { inputReducer, type InputAction, type InputState } from "../input/inputReducer.ts";

export type FieldInputAction = InputAction | { type: "moveTo"; cursor: number };

/** The chat input's reducer plus a cursor jump, for moving up and down the rows of a long field. */
export function fieldInputReducer(state: InputState, action: FieldInputAction): InputState {
  if (action.type !== "moveTo") return inputReducer(state, action);
  return { ...state, cursor: Math.min(Math.max(0, action.cursor), state.text.length) };
}

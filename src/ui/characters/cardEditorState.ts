/**
 * The card editor's whole state as one pure reducer, read by its key handler through one
 * ref (useSyncReducer): a key pressed before the next render sees every change before it.
 */
import type { CardFieldKey, CardFields } from "../../core/cards/cardFields.ts";
import { emptyInput, type InputState } from "../input/inputReducer.ts";
import { fieldInputReducer, type FieldInputAction } from "./typing.ts";

export type EditorNotice = { text: string; error?: boolean } | null;

export interface CardEditorState {
  /** The fields as last saved (or as opened). */
  saved: CardFields;
  fields: CardFields;
  selected: number;
  /** The field whose text is in the input. */
  editing: CardFieldKey | null;
  input: InputState;
  /** Esc with unsaved changes asked: s saves, d discards. */
  confirmLeave: boolean;
  saving: boolean;
  /** Saved at least once: the list selects the card on the way back. */
  savedOnce: boolean;
  notice: EditorNotice;
  quitArmed: boolean;
}

type Settable = Pick<CardEditorState, "selected" | "confirmLeave" | "saving" | "notice" | "quitArmed">;

export type CardEditorAction =
  | { type: "input"; action: FieldInputAction }
  /** The field's text goes into the input to be edited there. */
  | { type: "startEdit"; field: CardFieldKey }
  /** The input's text is kept as the field's (not yet saved). */
  | { type: "keepEdit" }
  | { type: "saved"; fields: CardFields }
  | { type: "set"; patch: Partial<Settable> };

export function initialCardEditor(fields: CardFields, notice: string | null): CardEditorState {
  return {
    saved: fields, fields, selected: 0, editing: null, input: emptyInput, confirmLeave: false, saving: false, savedOnce: false,
    notice: notice ? { text: notice } : null, quitArmed: false,
  };
}

export function cardEditorReducer(state: CardEditorState, action: CardEditorAction): CardEditorState {
  switch (action.type) {
    case "input":
      return { ...state, input: fieldInputReducer(state.input, action.action) };
    case "startEdit":
      return { ...state, editing: action.field, input: fieldInputReducer(state.input, { type: "set", text: state.fields[action.field] }), notice: null };
    case "keepEdit":
      return state.editing ? { ...state, fields: { ...state.fields, [state.editing]: state.input.text }, editing: null } : state;
    case "saved":
      return { ...state, saved: action.fields, fields: action.fields, savedOnce: true };
    case "set":
      return { ...state, ...action.patch };
  }
}

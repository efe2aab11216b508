/**
 * The Characters screen's whole state as one pure reducer. Its key handler reads the
 * latest state through one ref (useSyncReducer): keys faster than a render never act on
 * a stale list, selection or mode.
 */
import type { CardDetail, CardSummary, TrashedCard } from "../../app/library.ts";
import { emptyInput, inputReducer, type InputAction, type InputState } from "../input/inputReducer.ts";
import { filterCards, sortCards, type CardSort } from "./characterList.ts";

export type CharactersMode = "browse" | "search" | "import" | "confirmDelete" | "confirmCopy" | "greetings" | "edit" | "busy";
export type CharactersNotice = { text: string; error?: boolean } | null;

export interface CharactersState {
  /** Null until the library has been read. */
  listing: CardSummary[] | null;
  loadError: string | null;
  /** Files in the library that could not be read. */
  problems: number;
  trashed: TrashedCard[];
  query: InputState;
  path: InputState;
  sort: CardSort;
  selectedId: string | null;
  /** Cards read in full for the preview, or why one could not be. */
  details: Map<string, CardDetail | string>;
  mode: CharactersMode;
  greetingIndex: number;
  /** The card open in the editor. */
  editing: CardDetail | null;
  notice: CharactersNotice;
  quitArmed: boolean;
}

type Settable = Pick<CharactersState, "sort" | "selectedId" | "mode" | "greetingIndex" | "editing" | "notice" | "quitArmed">;

export type CharactersAction =
  | { type: "loaded"; cards: CardSummary[]; problems: number; trashed: TrashedCard[]; select?: string }
  | { type: "loadFailed"; message: string }
  | { type: "detail"; id: string; detail: CardDetail | string }
  | { type: "query"; action: InputAction }
  | { type: "path"; action: InputAction }
  | { type: "set"; patch: Partial<Settable> };

export const initialCharacters: CharactersState = {
  listing: null,
  loadError: null,
  problems: 0,
  trashed: [],
  query: emptyInput,
  path: emptyInput,
  sort: "name",
  selectedId: null,
  details: new Map(),
  mode: "browse",
  greetingIndex: 0,
  editing: null,
  notice: null,
  quitArmed: false,
};

export function charactersReducer(state: CharactersState, action: CharactersAction): CharactersState {
  switch (action.type) {
    case "loaded":
      // Details are read again: a card may have changed under the same id.
      return {
        ...state, listing: action.cards, problems: action.problems, trashed: action.trashed, details: new Map(), loadError: null,
        ...(action.select !== undefined && { selectedId: action.select }),
      };
    case "loadFailed":
      return { ...state, loadError: action.message };
    case "detail":
      return { ...state, details: new Map(state.details).set(action.id, action.detail) };
    case "query":
      return { ...state, query: inputReducer(state.query, action.action) };
    case "path":
      return { ...state, path: inputReducer(state.path, action.action) };
    case "set":
      return { ...state, ...action.patch };
  }
}

/** What the list shows: the filtered, sorted cards and the selected one (the first when the selection is filtered out). */
export function charactersView(state: Pick<CharactersState, "listing" | "query" | "sort" | "selectedId" | "details">) {
  const visible = sortCards(filterCards(state.listing ?? [], state.query.text), state.sort);
  const foundAt = visible.findIndex((c) => c.id === state.selectedId);
  const index = foundAt === -1 ? 0 : foundAt;
  const selected = visible[index];
  return { visible, index, selected, detail: selected ? state.details.get(selected.id) : undefined };
}

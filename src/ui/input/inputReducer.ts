/**
 * The chat input's state as a pure reducer: keys go here, never to handlers that
 * close over state (fast keys saw stale state in Ink). Editing is by grapheme so
 * emoji and combined characters delete whole.
 */
export interface InputState {
  text: string;
  /** Cursor as an offset in UTF-16 units, always on a grapheme boundary. */
  cursor: number;
  history: string[];
  /** Index into history while browsing it; null when editing a fresh line. */
  historyIndex: number | null;
  /** The unsent line kept while browsing history. */
  draft: string;
}

export type InputAction =
  | { type: "insert"; text: string }
  | { type: "newline" }
  | { type: "backspace" }
  | { type: "delete" }
  /** Ctrl+U: from the start of the cursor's line to the cursor; at a line's start, everything before the cursor. */
  | { type: "deleteToLineStart" }
  /** Ctrl+W: the word before the cursor, and the spaces after it. */
  | { type: "deleteWordBack" }
  | { type: "left" }
  | { type: "right" }
  | { type: "home" }
  | { type: "end" }
  | { type: "historyPrev" }
  | { type: "historyNext" }
  | { type: "set"; text: string }
  /** Puts text back after a failed send, unless the person has typed something since. */
  | { type: "restore"; text: string }
  | { type: "submitted"; text: string };

export const emptyInput: InputState = { text: "", cursor: 0, history: [], historyIndex: null, draft: "" };

const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** Offsets of every grapheme boundary in text, 0 and text.length included. */
export function graphemeBoundaries(text: string): number[] {
  const bounds = [0];
  for (const s of segmenter.segment(text)) bounds.push(s.index + s.segment.length);
  return bounds;
}

function previousBoundary(text: string, cursor: number): number {
  const bounds = graphemeBoundaries(text);
  let prev = 0;
  for (const b of bounds) {
    if (b >= cursor) break;
    prev = b;
  }
  return prev;
}

function nextBoundary(text: string, cursor: number): number {
  for (const b of graphemeBoundaries(text)) if (b > cursor) return b;
  return text.length;
}

const bracketedPaste = /\x1b?\[20[01]~/g;
// CSI remnants that arrive as text when an escape sequence is split across reads.
const csiRemnant = /\x1b\[[0-9;?]*[A-Za-z~]|\x1b/g;

/** Text as typed or pasted: paste markers and escape remnants out, CR/CRLF to LF, tabs expanded. */
export function cleanInputText(raw: string): string {
  return raw
    .replace(bracketedPaste, "")
    .replace(csiRemnant, "")
    .replace(/\r\n?/g, "\n")
    .replace(/\t/g, "    ")
    .replace(/[\x00-\x08\x0b-\x1f\x7f]/g, "");
}

/** The start of the cursor's line (lastIndexOf treats -1 as 0, so the text's start is its own case). */
function lineStart(text: string, cursor: number): number {
  return cursor === 0 ? 0 : text.lastIndexOf("\n", cursor - 1) + 1;
}

/** Where the word before cursor starts, skipping the spaces after it first (readline's Ctrl+W, within the line). */
function wordStartBefore(text: string, cursor: number): number {
  let at = cursor;
  while (at > 0 && text[at - 1] !== "\n" && /\s/.test(text[at - 1]!)) at--;
  while (at > 0 && !/\s/.test(text[at - 1]!)) at--;
  return at;
}

function edit(state: InputState, text: string, cursor: number): InputState {
  return { ...state, text, cursor, historyIndex: null };
}

export function inputReducer(state: InputState, action: InputAction): InputState {
  const { text, cursor } = state;
  switch (action.type) {
    case "insert": {
      const add = cleanInputText(action.text);
      if (!add) return state;
      return edit(state, text.slice(0, cursor) + add + text.slice(cursor), cursor + add.length);
    }
    case "newline":
      return edit(state, `${text.slice(0, cursor)}\n${text.slice(cursor)}`, cursor + 1);
    case "backspace": {
      if (cursor === 0) return state;
      const at = previousBoundary(text, cursor);
      return edit(state, text.slice(0, at) + text.slice(cursor), at);
    }
    case "delete": {
      if (cursor >= text.length) return state;
      return edit(state, text.slice(0, cursor) + text.slice(nextBoundary(text, cursor)), cursor);
    }
    case "deleteToLineStart": {
      // A second press clears the lines above too: a 40-line paste goes in two presses, not eighty.
      const start = lineStart(text, cursor) === cursor ? 0 : lineStart(text, cursor);
      return start === cursor ? state : edit(state, text.slice(0, start) + text.slice(cursor), start);
    }
    case "deleteWordBack": {
      const start = wordStartBefore(text, cursor);
      return start === cursor ? state : edit(state, text.slice(0, start) + text.slice(cursor), start);
    }
    case "left":
      return { ...state, cursor: previousBoundary(text, cursor) };
    case "right":
      return { ...state, cursor: nextBoundary(text, cursor) };
    case "home":
      return { ...state, cursor: lineStart(text, cursor) };
    case "end": {
      const nl = text.indexOf("\n", cursor);
      return { ...state, cursor: nl === -1 ? text.length : nl };
    }
    case "historyPrev": {
      if (state.history.length === 0) return state;
      const index = state.historyIndex === null ? state.history.length - 1 : Math.max(0, state.historyIndex - 1);
      const line = state.history[index] ?? "";
      const draft = state.historyIndex === null ? text : state.draft;
      return { ...state, text: line, cursor: line.length, historyIndex: index, draft };
    }
    case "historyNext": {
      if (state.historyIndex === null) return state;
      const index = state.historyIndex + 1;
      if (index >= state.history.length) {
        return { ...state, text: state.draft, cursor: state.draft.length, historyIndex: null, draft: "" };
      }
      const line = state.history[index] ?? "";
      return { ...state, text: line, cursor: line.length, historyIndex: index };
    }
    case "set":
      return edit(state, action.text, action.text.length);
    case "restore":
      return state.text === "" ? edit(state, action.text, action.text.length) : state;
    case "submitted": {
      const history = action.text.trim() && state.history.at(-1) !== action.text ? [...state.history, action.text] : state.history;
      return { text: "", cursor: 0, history, historyIndex: null, draft: "" };
    }
  }
}

/** What the person has typed and not sent: the line kept aside while history is browsed, else the input. */
export function unsentText(state: InputState): string {
  return state.historyIndex === null ? state.text : state.draft;
}

/** Multi-character input with a line break is a paste, never a send. */
export function isPaste(input: string): boolean {
  return input.length > 1 && /[\r\n]/.test(input);
}

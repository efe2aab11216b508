/**
 * The input's text laid out in terminal rows, so a long paste shows a window around the
 * cursor instead of pushing the live region past the terminal's height.
 */
import { listWindow } from "../components/listWindow.ts";

export interface InputRow {
  /** UTF-16 offsets of the row's text in the input. */
  start: number;
  end: number;
  /** The last row of a line: a cursor at `end` is drawn on it. */
  lineEnd: boolean;
}

const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });
// East Asian wide and emoji ranges: two columns in a terminal.
const wide = /^[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6\u{1F300}-\u{1FAFF}\u{20000}-\u{3FFFD}]/u;

export function graphemeColumns(grapheme: string): number {
  return wide.test(grapheme) ? 2 : 1;
}

/** Rows of at most `width` columns; every line break starts a row. */
export function inputRows(text: string, width: number): InputRow[] {
  const rows: InputRow[] = [];
  const cols = Math.max(1, width);
  let offset = 0;
  for (const line of text.split("\n")) {
    let start = offset;
    let used = 0;
    for (const { segment, index } of segmenter.segment(line)) {
      const w = graphemeColumns(segment);
      if (used + w > cols && used > 0) {
        rows.push({ start, end: offset + index, lineEnd: false });
        start = offset + index;
        used = 0;
      }
      used += w;
    }
    rows.push({ start, end: offset + line.length, lineEnd: true });
    offset += line.length + 1;
  }
  return rows;
}

export function cursorRow(rows: InputRow[], cursor: number): number {
  const at = rows.findIndex((r) => cursor >= r.start && (cursor < r.end || (cursor === r.end && r.lineEnd)));
  return at < 0 ? rows.length - 1 : at;
}

export interface InputWindow {
  rows: InputRow[];
  cursorRow: number;
  /** Rows of the input not shown above and below the window. */
  hiddenAbove: number;
  hiddenBelow: number;
}

/** At most `maxRows` rows around the cursor (counting the lines that say how many are hidden). */
export function inputWindow(text: string, cursor: number, width: number, maxRows: number): InputWindow {
  const all = inputRows(text, width);
  const at = cursorRow(all, cursor);
  if (all.length <= maxRows) return { rows: all, cursorRow: at, hiddenAbove: 0, hiddenBelow: 0 };
  // Two rows go to the "more above/below" lines.
  const [start, end] = listWindow(all.length, at, Math.max(1, maxRows - 2));
  return { rows: all.slice(start, end), cursorRow: at - start, hiddenAbove: start, hiddenBelow: all.length - end };
}

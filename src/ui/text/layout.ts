/**
 * Text laid out in terminal columns: every width the UI computes comes from here, and
 * every width here comes from string-width, the measure Ink itself draws with (wide CJK,
 * emoji with their modifiers and flags take two columns; combining marks none). Text is
 * wrapped here, before drawing, where a screen must know how many rows it takes.
 */
import stringWidth from "string-width";
import { listWindow } from "../components/listWindow.ts";

const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** Columns a text takes in a terminal. */
export function textWidth(text: string): number {
  return stringWidth(text);
}

/** One drawn row: its text and where it sits in the source (UTF-16 offsets). */
export interface TextRow {
  text: string;
  start: number;
  end: number;
  /** The last row of a source line: a cursor at `end` is drawn on it, not on the next. */
  lineEnd: boolean;
}

/** "words" breaks after a space where it can (prose); "anywhere" fills each row (the chat's input). */
export type WrapMode = "words" | "anywhere";

/**
 * Rows of at most `width` columns. A newline always breaks; a grapheme is never split,
 * and a grapheme wider than the row still gets a row of its own.
 */
export function wrapRows(text: string, width: number, mode: WrapMode = "words"): TextRow[] {
  const w = Math.max(1, width);
  const rows: TextRow[] = [];
  let offset = 0;
  for (const line of text.split("\n")) {
    const graphemes = [...segmenter.segment(line)].map((g) => ({ index: g.index, segment: g.segment, width: stringWidth(g.segment) }));
    let start = 0;
    let used = 0;
    let lastBreak = -1;
    for (let i = 0; i < graphemes.length; i++) {
      const g = graphemes[i]!;
      if (used + g.width > w && i > start) {
        const cut = mode === "words" && lastBreak > start ? lastBreak : i;
        const from = graphemes[start]!.index;
        const to = graphemes[cut]!.index;
        rows.push({ text: line.slice(from, to), start: offset + from, end: offset + to, lineEnd: false });
        start = cut;
        used = 0;
        for (let j = start; j < i; j++) used += graphemes[j]!.width;
        lastBreak = -1;
      }
      used += g.width;
      if (g.segment === " ") lastBreak = i + 1;
    }
    const from = graphemes[start]?.index ?? 0;
    rows.push({ text: line.slice(from), start: offset + from, end: offset + line.length, lineEnd: true });
    offset += line.length + 1;
  }
  return rows;
}

/** The row a cursor is drawn on: at a line's end it stays on that line, at a soft break it starts the next row. */
export function cursorRow(rows: TextRow[], cursor: number): number {
  const at = rows.findIndex((r) => cursor >= r.start && (cursor < r.end || (cursor === r.end && r.lineEnd)));
  return at < 0 ? rows.length - 1 : at;
}

/** The text cut to at most `width` columns, "…" marking a cut. */
export function truncateToWidth(text: string, width: number): string {
  if (stringWidth(text) <= width) return text;
  let out = "";
  let used = 0;
  for (const { segment } of segmenter.segment(text)) {
    const w = stringWidth(segment);
    if (used + w > width - 1) break;
    out += segment;
    used += w;
  }
  return `${out}…`;
}

/** At most `maxRows` word-wrapped rows; the last says "…" when text was left out. */
export function clampText(text: string, width: number, maxRows: number): string[] {
  if (maxRows <= 0) return [];
  const rows = wrapRows(text, width).map((r) => r.text);
  if (rows.length <= maxRows) return rows;
  const kept = rows.slice(0, maxRows);
  const last = kept[maxRows - 1] ?? "";
  kept[maxRows - 1] = truncateToWidth(`${last.trimEnd()}…`, width);
  return kept;
}

/** The cursor moved up or down a drawn row, keeping its column as near as the row allows. */
export function moveByRow(text: string, cursor: number, width: number, delta: number, mode: WrapMode = "words"): number {
  const rows = wrapRows(text, width, mode);
  const at = cursorRow(rows, cursor);
  const target = rows[at + delta];
  const from = rows[at];
  if (!target || !from) return cursor;
  const column = stringWidth(text.slice(from.start, cursor));
  let offset = target.start;
  let used = 0;
  for (const { segment } of segmenter.segment(text.slice(target.start, target.end))) {
    const w = stringWidth(segment);
    if (used + w > column) break;
    used += w;
    offset += segment.length;
  }
  // The end of a soft-wrapped row is the start of the next: stay on this row.
  if (offset === target.end && !target.lineEnd && offset > target.start) offset -= 1;
  return offset;
}

/** The rows an input box draws: a window around the cursor, and how many rows it leaves out. */
export interface TextWindow {
  rows: TextRow[];
  /** The cursor's row within `rows`. */
  cursorRow: number;
  hiddenAbove: number;
  hiddenBelow: number;
}

/**
 * At most `maxRows` rows around the cursor. When text is left out, two of the rows go to
 * the lines saying how much ("↑ 3 more rows"), unless `marks` is false.
 */
export function textWindow(text: string, cursor: number, width: number, maxRows: number, options: { mode?: WrapMode; marks?: boolean } = {}): TextWindow {
  const all = wrapRows(text, width, options.mode ?? "anywhere");
  const at = cursorRow(all, cursor);
  if (all.length <= maxRows) return { rows: all, cursorRow: at, hiddenAbove: 0, hiddenBelow: 0 };
  const room = options.marks === false ? Math.max(1, maxRows) : Math.max(1, maxRows - 2);
  const [start, end] = listWindow(all.length, at, room);
  return { rows: all.slice(start, end), cursorRow: at - start, hiddenAbove: start, hiddenBelow: all.length - end };
}

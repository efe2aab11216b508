import { listWindow } from "../components/listWindow.ts";

// Card text is clamped to the rows a screen has, so it must be wrapped here first:
// Ink wraps too, but its row count is not known before drawing.

const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });
const WIDE = /\p{Extended_Pictographic}|[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{20000}-\u{3fffd}]/u;
const ZERO = /^[\u0300-\u036f\u200b-\u200d\ufe00-\ufe0f]+$/u;

/** Columns a grapheme takes in a terminal (wide CJK and emoji take two). */
export function graphemeWidth(g: string): number {
  if (ZERO.test(g)) return 0;
  return WIDE.test(g) ? 2 : 1;
}

export function textWidth(text: string): number {
  let w = 0;
  for (const { segment } of segmenter.segment(text)) w += graphemeWidth(segment);
  return w;
}

/** A wrapped row and where it starts in the source text (UTF-16 offset). */
export interface WrappedRow {
  text: string;
  start: number;
  end: number;
}

/**
 * Wraps text into rows of at most `width` columns, breaking after spaces where it can
 * and inside a word when a word is longer than a row. Newlines always break.
 */
export function wrapRows(text: string, width: number): WrappedRow[] {
  const w = Math.max(1, width);
  const rows: WrappedRow[] = [];
  let offset = 0;
  for (const line of text.split("\n")) {
    const graphemes = [...segmenter.segment(line)];
    let start = 0;
    let used = 0;
    let lastBreak = -1;
    for (let i = 0; i < graphemes.length; i++) {
      const g = graphemes[i]!;
      const gw = graphemeWidth(g.segment);
      if (used + gw > w && i > start) {
        const cut = lastBreak > start ? lastBreak : i;
        const from = graphemes[start]!.index;
        const to = graphemes[cut]!.index;
        rows.push({ text: line.slice(from, to), start: offset + from, end: offset + to });
        start = cut;
        used = 0;
        for (let j = start; j < i; j++) used += graphemeWidth(graphemes[j]!.segment);
        lastBreak = -1;
      }
      used += gw;
      if (g.segment === " ") lastBreak = i + 1;
    }
    const from = graphemes[start]?.index ?? 0;
    rows.push({ text: line.slice(from), start: offset + from, end: offset + line.length });
    offset += line.length + 1;
  }
  return rows;
}

/** At most `maxRows` wrapped rows; the last says "…" when text was left out. */
export function clampText(text: string, width: number, maxRows: number): string[] {
  if (maxRows <= 0) return [];
  const rows = wrapRows(text, width).map((r) => r.text);
  if (rows.length <= maxRows) return rows;
  const kept = rows.slice(0, maxRows);
  const last = kept[maxRows - 1] ?? "";
  kept[maxRows - 1] = (textWidth(last) >= width ? last.slice(0, -1) : last) + "…";
  return kept;
}

/** The wrapped row the cursor is drawn on; a cursor on a soft break belongs to the next row. */
function cursorRow(rows: WrappedRow[], cursor: number): number {
  let at = rows.findIndex((r) => cursor >= r.start && cursor <= r.end);
  if (at >= 0 && cursor === rows[at]!.end && rows[at + 1]?.start === cursor) at += 1;
  return at < 0 ? rows.length - 1 : at;
}

/** The cursor moved up or down a drawn row, keeping its column as near as the row allows. */
export function moveByRow(text: string, cursor: number, width: number, delta: number): number {
  const rows = wrapRows(text, width);
  const at = cursorRow(rows, cursor);
  const target = rows[at + delta];
  const from = rows[at];
  if (!target || !from) return cursor;
  const column = textWidth(text.slice(from.start, cursor));
  let offset = target.start;
  let used = 0;
  for (const { segment } of segmenter.segment(text.slice(target.start, target.end))) {
    const w = graphemeWidth(segment);
    if (used + w > column) break;
    used += w;
    offset += segment.length;
  }
  // The end of a soft-wrapped row is the start of the next: stay on this row.
  if (offset === target.end && rows[at + delta + 1]?.start === offset && offset > target.start) offset -= 1;
  return offset;
}

/**
 * The part of an input's text to draw in `height` rows so the cursor stays visible:
 * the rows around the cursor joined by newlines, the cursor moved to match, and how
 * many rows were left out above and below.
 */
export function inputWindow(text: string, cursor: number, width: number, height: number): { text: string; cursor: number; above: number; below: number } {
  const rows = wrapRows(text, width);
  const at = cursorRow(rows, cursor);
  const [start, end] = listWindow(rows.length, at, height);
  const shown = rows.slice(start, end);
  let out = "";
  let newCursor = 0;
  shown.forEach((row, i) => {
    if (i > 0) out += "\n";
    if (start + i === at) newCursor = out.length + (cursor - row.start);
    out += row.text;
  });
  return { text: out, cursor: newCursor, above: start, below: Math.max(0, rows.length - start - shown.length) };
}

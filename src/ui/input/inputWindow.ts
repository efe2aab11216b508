import type { InputState } from "./inputReducer.ts";

/**
 * The part of a long input that fits in `rows` rows of `width` columns, around the
 * cursor: the text is cut into rows (at new lines and every `width` characters) and
 * only the rows near the cursor are kept, with the cursor moved to match.
 */
export function inputWindow(state: InputState, rows: number, width: number): { state: InputState; above: number; below: number } {
  const w = Math.max(1, width);
  const starts: Array<[number, number]> = [];
  let offset = 0;
  for (const line of state.text.split("\n")) {
    const chars = Array.from(line);
    let at = offset;
    if (chars.length === 0) starts.push([at, at]);
    for (let i = 0; i < chars.length; i += w) {
      const piece = chars.slice(i, i + w).join("");
      starts.push([at, at + piece.length]);
      at += piece.length;
    }
    offset += line.length + 1;
  }
  const max = Math.max(1, rows);
  if (starts.length <= max) return { state, above: 0, below: 0 };
  let row = starts.findIndex(([s, e], i) => state.cursor >= s && (state.cursor < e || (state.cursor === e && starts[i + 1]?.[0] !== e)));
  if (row < 0) row = starts.length - 1;
  const first = Math.min(Math.max(0, row - Math.floor(max / 2)), starts.length - max);
  const shown = starts.slice(first, first + max);
  const text = shown.map(([s, e]) => state.text.slice(s, e)).join("\n");
  let cursor = 0;
  for (let i = 0; i < shown.length; i++) {
    const [s, e] = shown[i]!;
    if (first + i === row) {
      cursor += state.cursor - s;
      break;
    }
    cursor += e - s + 1;
  }
  return { state: { ...state, text, cursor }, above: first, below: starts.length - first - max };
}

import { textWidth } from "../text/layout.ts";

/**
 * A footer of key hints ("n new · q quit") broken into rows of `width` columns only
 * between hints: a narrow terminal shows every hint, none cut off, none split from its key,
 * and no row starts with the separator's space.
 */
export function keyHintRows(hints: string | string[], width: number): string {
  const parts = typeof hints === "string" ? hints.split(" · ") : hints;
  const rows: string[] = [];
  for (const part of parts) {
    const row = rows.at(-1);
    if (row !== undefined && textWidth(`${row} · ${part}`) <= width) rows[rows.length - 1] = `${row} · ${part}`;
    else rows.push(part);
  }
  return rows.join("\n");
}

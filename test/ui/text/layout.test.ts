import { test } from "node:test";
import assert from "node:assert/strict";
import { clampText, cursorRow, moveByRow, textWidth, textWindow, truncateToWidth, wrapRows } from "../../../src/ui/text/layout.ts";
import { inertForEditing } from "../../../src/core/text/sanitize.ts";

const texts = (text: string, width: number, mode?: "words" | "anywhere") => wrapRows(text, width, mode).map((r) => r.text);

test("prose wraps at spaces within the width, long words are cut, newlines always break", () => {
  assert.deepEqual(texts("the lamp is lit tonight", 10), ["the lamp ", "is lit ", "tonight"]);
  assert.deepEqual(texts("abcdefghij", 4), ["abcd", "efgh", "ij"]);
  assert.deepEqual(texts("one\n\ntwo", 10), ["one", "", "two"]);
});

test("the input fills each row: it breaks at the width, not at spaces, and starts anew at each line break", () => {
  assert.deepEqual(texts("abcdef\n漢字漢字\n", 4, "anywhere"), ["abcd", "ef", "漢字", "漢字", ""]);
  assert.deepEqual(texts("ab cdef", 4, "anywhere"), ["ab c", "def"]);
});

test("widths are the terminal's: wide CJK, emoji with modifiers and flags take two columns, graphemes are never split", () => {
  assert.equal(textWidth("灯台👍🏽a"), 7);
  assert.equal(textWidth("🇯🇵"), 2, "a flag is one two-column character");
  assert.equal(textWidth("e\u0301"), 1, "a combining accent takes no column");
  assert.deepEqual(texts("灯台守の夜", 4), ["灯台", "守の", "夜"]);
  assert.deepEqual(texts("👍🏽👍🏽👍🏽", 4), ["👍🏽👍🏽", "👍🏽"]);
  assert.deepEqual(texts("🇯🇵🇫🇷🇩🇪", 4, "anywhere"), ["🇯🇵🇫🇷", "🇩🇪"]);
});

test("clamped text keeps at most the rows given and marks what was left out; truncation counts columns", () => {
  assert.deepEqual(clampText("a b c d e f", 4, 2), ["a b ", "c d…"]);
  assert.deepEqual(clampText("short", 10, 3), ["short"]);
  assert.deepEqual(clampText("anything", 10, 0), []);
  assert.equal(truncateToWidth("漢字漢字", 5), "漢字…");
  assert.equal(truncateToWidth("fits", 4), "fits");
});

test("the cursor's row: at a line's end it stays on that line, at a wrap it goes to the next row", () => {
  const rows = wrapRows("abcdef\nxy", 4, "anywhere");
  assert.equal(cursorRow(rows, 6), 1, "end of 'ef'");
  assert.equal(cursorRow(rows, 4), 1, "the wrap point belongs to the row it starts");
  assert.equal(cursorRow(rows, 9), 2);
});

test("a long text shows a window around the cursor with how much is hidden; two rows go to the marks", () => {
  const text = "x".repeat(5000);
  const end = textWindow(text, text.length, 76, 6);
  assert.equal(end.rows.length, 4);
  assert.equal(end.hiddenAbove, Math.ceil(5000 / 76) - 4);
  assert.equal(end.hiddenBelow, 0);
  const start = textWindow(text, 0, 76, 6);
  assert.equal(start.cursorRow, 0);
  assert.equal(start.hiddenAbove, 0);
  assert.equal(textWindow("short", 5, 76, 6).rows.length, 1);
  const lines = Array.from({ length: 20 }, (_, i) => `line ${i}`).join("\n");
  const unmarked = textWindow(lines, lines.length, 30, 5, { mode: "words", marks: false });
  assert.deepEqual([unmarked.rows.length, unmarked.rows.at(-1)?.text, unmarked.hiddenAbove, unmarked.hiddenBelow], [5, "line 19", 15, 0]);
  // A cursor on a soft break is drawn at the start of the next row.
  const soft = textWindow("abcd efgh", 5, 5, 3, { mode: "words" });
  assert.deepEqual(soft.rows.map((r) => r.text), ["abcd ", "efgh"]);
  assert.equal(soft.cursorRow, 1);
});

test("CJK text in an editor takes rows by its columns, not its characters", () => {
  const text = "漢字漢字漢字漢字";
  const view = textWindow(text, text.length, 4, 10, { mode: "words" });
  assert.deepEqual(view.rows.map((r) => r.text), ["漢字", "漢字", "漢字", "漢字"]);
  assert.equal(view.cursorRow, 3);
});

test("text being edited shows control characters inert, one mark each, so the cursor still lines up", () => {
  const raw = "a\x1b]0;x\x07b\u202e\u{e0041}c";
  const shown = inertForEditing(raw);
  assert.equal(shown, "a\ufffd]0;x\ufffdb\ufffd\ufffd\ufffdc");
  assert.equal(shown.length, raw.length);
});

test("up and down move the cursor a drawn row, keeping its column where the row is long enough", () => {
  const text = "abcd efgh ij\nxy";
  // Rows at width 5: "abcd ", "efgh ", "ij", "xy".
  assert.equal(moveByRow(text, 2, 5, 1), 7);
  assert.equal(moveByRow(text, 7, 5, 1), 12, "a short row puts the cursor at its end");
  assert.equal(moveByRow(text, 12, 5, 1), 15);
  assert.equal(moveByRow(text, 15, 5, -1), 12);
  assert.equal(moveByRow(text, 7, 5, -1), 2);
  assert.equal(moveByRow(text, 2, 5, -1), 2, "the first row stays put");
  assert.equal(moveByRow(text, 4, 5, 1), 9, "the end of a row stays on the row below");
});

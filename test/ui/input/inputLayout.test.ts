import { test } from "node:test";
import assert from "node:assert/strict";
import { cursorRow, inputRows, inputWindow } from "../../../src/ui/input/inputLayout.ts";

test("rows break at the width, count wide characters as two columns, and start anew at each line break", () => {
  const rows = inputRows("abcdef\n漢字漢字\n", 4);
  const text = "abcdef\n漢字漢字\n";
  assert.deepEqual(rows.map((r) => text.slice(r.start, r.end)), ["abcd", "ef", "漢字", "漢字", ""]);
  assert.equal(inputRows("👍🏽👍🏽👍🏽", 4).length, 2, "an emoji with a skin tone is one two-column character");
});

test("the cursor's row: at a line's end it stays on that line, at a wrap it goes to the next row", () => {
  const rows = inputRows("abcdef\nxy", 4);
  assert.equal(cursorRow(rows, 6), 1, "end of 'ef'");
  assert.equal(cursorRow(rows, 4), 1, "the wrap point belongs to the row it starts");
  assert.equal(cursorRow(rows, 9), 2);
});

test("a long paste shows a window around the cursor with how much is hidden", () => {
  const text = "x".repeat(5000);
  const end = inputWindow(text, text.length, 76, 6);
  assert.equal(end.rows.length, 4);
  assert.equal(end.hiddenAbove, Math.ceil(5000 / 76) - 4);
  assert.equal(end.hiddenBelow, 0);
  const start = inputWindow(text, 0, 76, 6);
  assert.equal(start.cursorRow, 0);
  assert.equal(start.hiddenAbove, 0);
  assert.equal(inputWindow("short", 5, 76, 6).rows.length, 1);
});

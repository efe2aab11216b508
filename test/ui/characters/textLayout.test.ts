import { test } from "node:test";
import assert from "node:assert/strict";
import { clampText, inputWindow, moveByRow, textWidth, wrapRows } from "../../../src/ui/characters/textLayout.ts";
import { inertForEditing } from "../../../src/core/text/sanitize.ts";

test("text wraps at spaces within the width, long words are cut, newlines always break", () => {
  assert.deepEqual(wrapRows("the lamp is lit tonight", 10).map((r) => r.text), ["the lamp ", "is lit ", "tonight"]);
  assert.deepEqual(wrapRows("abcdefghij", 4).map((r) => r.text), ["abcd", "efgh", "ij"]);
  assert.deepEqual(wrapRows("one\n\ntwo", 10).map((r) => r.text), ["one", "", "two"]);
});

test("wide characters and emoji count two columns; graphemes are never split", () => {
  assert.equal(textWidth("灯台👍🏽a"), 7);
  assert.deepEqual(wrapRows("灯台守の夜", 4).map((r) => r.text), ["灯台", "守の", "夜"]);
  assert.deepEqual(wrapRows("👍🏽👍🏽👍🏽", 4).map((r) => r.text), ["👍🏽👍🏽", "👍🏽"]);
});

test("clamped text keeps at most the rows given and marks what was left out", () => {
  assert.deepEqual(clampText("a b c d e f", 4, 2), ["a b ", "c d…"]);
  assert.deepEqual(clampText("short", 10, 3), ["short"]);
  assert.deepEqual(clampText("anything", 10, 0), []);
});

test("the input window follows the cursor through a long text and maps it into the rows drawn", () => {
  const text = Array.from({ length: 20 }, (_, i) => `line ${i}`).join("\n");
  const atEnd = inputWindow(text, text.length, 30, 5);
  assert.equal(atEnd.text.split("\n").length, 5);
  assert.equal(atEnd.text.split("\n").at(-1), "line 19");
  assert.equal(atEnd.cursor, atEnd.text.length);
  assert.deepEqual([atEnd.above, atEnd.below], [15, 0]);
  const atStart = inputWindow(text, 2, 30, 5);
  assert.equal(atStart.text.slice(0, atStart.cursor), "li");
  assert.deepEqual([atStart.above, atStart.below], [0, 15]);
  // A cursor on a soft break is drawn at the start of the next row.
  const soft = inputWindow("abcd efgh", 5, 5, 3);
  assert.equal(soft.text, "abcd \nefgh");
  assert.equal(soft.text.slice(soft.cursor), "efgh");
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

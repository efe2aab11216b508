import { test } from "node:test";
import assert from "node:assert/strict";
import { inputWindow } from "../../../src/ui/input/inputWindow.ts";

const at = (text: string, cursor: number) => ({ text, cursor, history: [], historyIndex: null, draft: "" });

test("a long input shows only the rows around the cursor, cut at new lines and at the width", () => {
  const end = inputWindow(at("abcdefghij", 10), 2, 3);
  assert.deepEqual([end.state.text, end.state.cursor, end.above, end.below], ["ghi\nj", 5, 2, 0]);
  const top = inputWindow(at("a\nb\nc\nd\ne", 0), 2, 3);
  assert.deepEqual([top.state.text, top.state.cursor, top.above, top.below], ["a\nb", 0, 0, 3]);
  const mid = inputWindow(at("a\nb\nc\nd\ne", 4), 3, 3);
  assert.deepEqual([mid.state.text, mid.state.cursor], ["b\nc\nd", 2]);
  const short = at("fits", 2);
  assert.equal(inputWindow(short, 5, 80).state, short, "what fits is left alone");
});

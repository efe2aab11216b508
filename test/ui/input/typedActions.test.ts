import { test } from "node:test";
import assert from "node:assert/strict";
import { typedActions } from "../../../src/ui/input/typedActions.ts";
import { emptyInput, inputReducer } from "../../../src/ui/input/inputReducer.ts";

const typed = (state: typeof emptyInput, text: string) => typedActions(text).reduce(inputReducer, state);
const holding = (text: string) => inputReducer(emptyInput, { type: "set", text });

test("Backspace in the same read as letters deletes in order", () => {
  const start = holding("5");
  assert.equal(typed(start, "\x7fQuince").text, "Quince");
  assert.equal(typed(start, "ab\x7f\x7f\x7fc").text, "c");
  assert.equal(typed(start, "\b\b").text, "");
  assert.deepEqual(typedActions(""), []);
});

test("Ctrl+U and Ctrl+W read together with Backspace (a busy tmux or SSH link) each do their edit", () => {
  // tmux delivered C-u then BSpace in one read: the line is cleared, nothing is typed, no key is lost.
  assert.equal(typed(holding("hello there"), "\x15\x7f").text, "");
  assert.equal(typed(holding("hello there"), "\x17\x7f").text, "hello");
  assert.equal(typed(holding("one two"), "\x17three").text, "one three");
});

test("other control bytes in a read are never typed", () => {
  assert.equal(typed(emptyInput, "a\x01b\x1bc\x00").text, "abc");
});

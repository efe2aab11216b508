import { test } from "node:test";
import assert from "node:assert/strict";
import { typedActions } from "../../../src/ui/characters/typing.ts";
import { emptyInput, inputReducer } from "../../../src/ui/input/inputReducer.ts";

test("Backspace in the same read as letters deletes in order", () => {
  const typed = (state: typeof emptyInput, text: string) => typedActions(text).reduce(inputReducer, state);
  const start = inputReducer(emptyInput, { type: "set", text: "5" });
  assert.equal(typed(start, "\x7fQuince").text, "Quince");
  assert.equal(typed(start, "ab\x7f\x7f\x7fc").text, "c");
  assert.equal(typed(start, "\b\b").text, "");
  assert.deepEqual(typedActions(""), []);
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { inputKeys } from "../../../../src/ui/chat/keys/inputKeys.ts";
import { emptyInput, inputReducer, type InputAction, type InputState } from "../../../../src/ui/input/inputReducer.ts";
import type { ChatKeyEvent } from "../../../../src/ui/chat/keys/chatKeyEvent.ts";
import { press, typed } from "../../../support/keyPress.ts";

/** The input after these key presses, through the real reducer. */
function after(events: ChatKeyEvent[], start: InputState = emptyInput): { state: InputState; taken: boolean[] } {
  let state = start;
  const edit = (action: InputAction) => void (state = inputReducer(state, action));
  const taken = events.map((e) => inputKeys(e, { edit }));
  return { state, taken };
}

test("typed text goes in at the cursor, moved with Left/Right/Home/End", () => {
  const { state } = after([typed("world"), press("home"), typed("hello "), press("end"), typed("!"), press("left"), press("left"), typed("s")]);
  assert.equal(state.text, "hello worlsd!");
});

test("Backspace, and a burst of DEL bytes read at once, remove that many characters", () => {
  assert.equal(after([typed("abcdef"), press("backspace")]).state.text, "abcde");
  assert.equal(after([typed("abcdef"), typed("\x7f\x7f\x7f")]).state.text, "abc");
});

test("Alt+Enter and Ctrl+J add a line; Up and Down walk the sent lines", () => {
  assert.equal(after([typed("a"), press("alt+enter"), typed("b"), press("ctrl+j"), typed("c")]).state.text, "a\nb\nc");
  const withHistory = inputReducer(after([typed("first")]).state, { type: "submitted", text: "first" });
  assert.equal(after([press("up")], withHistory).state.text, "first");
  assert.equal(after([press("up"), press("down")], withHistory).state.text, "");
});

test("unbound control keys, Enter and Tab are not typed", () => {
  const { state, taken } = after([press("ctrl+x"), press("alt+z"), press("enter"), press("tab")]);
  assert.equal(state.text, "");
  assert.deepEqual(taken, [false, false, false, false]);
});

test("Ctrl+U clears to the line's start and Ctrl+W deletes a word, as in a shell", () => {
  assert.equal(after([typed("look at this"), press("ctrl+w")]).state.text, "look at ");
  assert.equal(after([typed("look at this"), press("ctrl+u")]).state.text, "");
  assert.equal(after([typed("hello there"), typed("\x15\x7f")]).state.text, "", "one read of Ctrl+U and Backspace");
});

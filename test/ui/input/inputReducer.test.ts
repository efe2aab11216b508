import { test } from "node:test";
import assert from "node:assert/strict";
import { emptyInput, inputReducer, isPaste, cleanInputText, unsentText, type InputAction, type InputState } from "../../../src/ui/input/inputReducer.ts";

function run(actions: InputAction[], start: InputState = emptyInput): InputState {
  return actions.reduce(inputReducer, start);
}

test("backspace removes a whole emoji, never half a surrogate pair", () => {
  const s = run([{ type: "insert", text: "a👍b" }, { type: "backspace" }, { type: "backspace" }]);
  assert.equal(s.text, "a");
  assert.equal(s.cursor, 1);
});

test("a family emoji and a combined accent delete as one character", () => {
  assert.equal(run([{ type: "insert", text: "x👨‍👩‍👧" }, { type: "backspace" }]).text, "x");
  assert.equal(run([{ type: "insert", text: "café" }, { type: "backspace" }]).text, "caf");
});

test("cursor moves by grapheme over CJK and emoji, and inserts in the middle", () => {
  const s = run([{ type: "insert", text: "日本👍" }, { type: "left" }, { type: "left" }, { type: "insert", text: "X" }]);
  assert.equal(s.text, "日X本👍");
  const d = run([{ type: "home" }, { type: "delete" }], s);
  assert.equal(d.text, "X本👍");
});

test("newline inserts a line break; home and end stay on the current line", () => {
  const s = run([{ type: "insert", text: "ab" }, { type: "newline" }, { type: "insert", text: "cd" }, { type: "home" }]);
  assert.equal(s.text, "ab\ncd");
  assert.equal(s.cursor, 3);
  assert.equal(run([{ type: "end" }], { ...s, cursor: 0 }).cursor, 2);
});

test("paste keeps its lines, drops bracketed-paste markers and escape remnants", () => {
  assert.equal(isPaste("line1\nline2"), true);
  assert.equal(isPaste("abc\r"), true);
  assert.equal(isPaste("a"), false);
  const s = run([{ type: "insert", text: "\x1b[200~one\r\ntwo\tx\x1b[201~" }]);
  assert.equal(s.text, "one\ntwo    x");
  assert.equal(cleanInputText("[A\x1b[Bok"), "[Aok");
});

test("history recalls sent lines and restores the draft", () => {
  let s = run([{ type: "submitted", text: "first" }, { type: "submitted", text: "second" }, { type: "insert", text: "draft" }]);
  s = run([{ type: "historyPrev" }], s);
  assert.equal(s.text, "second");
  s = run([{ type: "historyPrev" }, { type: "historyPrev" }], s);
  assert.equal(s.text, "first");
  s = run([{ type: "historyNext" }, { type: "historyNext" }], s);
  assert.equal(s.text, "draft");
  assert.equal(s.historyIndex, null);
});

test("the unsent text is the typed line, also while sent lines are browsed over it", () => {
  let s = run([{ type: "submitted", text: "sent before" }, { type: "insert", text: "half-typed" }]);
  assert.equal(unsentText(s), "half-typed");
  s = inputReducer(s, { type: "historyPrev" });
  assert.equal(s.text, "sent before");
  assert.equal(unsentText(s), "half-typed");
  s = inputReducer(s, { type: "insert", text: "!" });
  assert.equal(unsentText(s), "sent before!", "a recalled line that is changed is what was typed");
});

test("Ctrl+U deletes from the start of the cursor's line to the cursor; pressed again, the lines above (a 40-line paste in two presses)", () => {
  const at = (text: string, cursor: number) => ({ ...inputReducer(emptyInput, { type: "set", text }), cursor });
  assert.deepEqual(pick(inputReducer(at("first\nsecond line", 13), { type: "deleteToLineStart" })), { text: "first\nline", cursor: 6 });
  assert.deepEqual(pick(inputReducer(at("hello there", 11), { type: "deleteToLineStart" })), { text: "", cursor: 0 });
  assert.deepEqual(pick(inputReducer(at("a\nb", 2), { type: "deleteToLineStart" })), { text: "b", cursor: 0 }, "at a line's start, the lines above go");
  const paste = Array.from({ length: 40 }, (_, i) => `pasted line ${i + 1}`).join("\n");
  let cleared = at(paste, paste.length);
  let presses = 0;
  while (cleared.text !== "" && presses < 80) (cleared = inputReducer(cleared, { type: "deleteToLineStart" })), presses++;
  assert.equal(presses, 2, "a 40-line paste is cleared by two presses");
  const top = at("\nsecond", 0);
  assert.equal(inputReducer(top, { type: "deleteToLineStart" }), top, "at the very start, before a line break, nothing changes");
  assert.equal(inputReducer(top, { type: "home" }).cursor, 0);
});

test("Ctrl+W deletes the word before the cursor and the spaces after it, not across a line break", () => {
  const at = (text: string, cursor: number) => ({ ...inputReducer(emptyInput, { type: "set", text }), cursor });
  assert.deepEqual(pick(inputReducer(at("say hello  ", 11), { type: "deleteWordBack" })), { text: "say ", cursor: 4 });
  assert.deepEqual(pick(inputReducer(at("*waves* hi", 7), { type: "deleteWordBack" })), { text: " hi", cursor: 0 });
  assert.deepEqual(pick(inputReducer(at("one\n  two", 9), { type: "deleteWordBack" })), { text: "one\n  ", cursor: 6 });
  assert.deepEqual(pick(inputReducer(at("one\n  ", 6), { type: "deleteWordBack" })), { text: "one\n", cursor: 4 });
});

function pick(state: InputState) {
  return { text: state.text, cursor: state.cursor };
}

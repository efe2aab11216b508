import { test } from "node:test";
import assert from "node:assert/strict";
import { selectModeKeys, startSelectKey, type SelectModeContext, type StartSelectContext } from "../../../../src/ui/chat/keys/selectModeKeys.ts";
import { press, recorder } from "../../../support/keyPress.ts";

function context(selected: number | null, busy = false, messageCount = 5) {
  const r = recorder();
  const ctx: SelectModeContext = {
    selected, messageCount, busy: () => busy, select: r.fn("select"), startEdit: r.fn("startEdit"),
    editOutside: r.fn("editOutside"), askDelete: r.fn("askDelete"), branchAt: r.fn("branchAt"),
  };
  return { ctx, calls: r.calls };
}

test("outside select mode no key is taken", () => {
  const { ctx, calls } = context(null);
  assert.equal(selectModeKeys(press("up"), ctx), false);
  assert.deepEqual(calls, []);
});

test("Up and Down move the mark, held within the messages; Esc leaves", () => {
  const cases: Array<[number, string, number | null]> = [[2, "up", 1], [0, "up", 0], [2, "down", 3], [4, "down", 4], [2, "esc", null]];
  for (const [from, key, to] of cases) {
    const { ctx, calls } = context(from);
    assert.equal(selectModeKeys(press(key), ctx), true);
    assert.deepEqual(calls, [["select", to]], `${key} from ${from}`);
  }
});

test("e, v and b leave select mode and act on the marked message; d asks first and stays", () => {
  const cases: Array<[string, unknown[][]]> = [
    ["e", [["select", null], ["startEdit", 2]]],
    ["v", [["select", null], ["editOutside", 2]]],
    ["b", [["select", null], ["branchAt", 2]]],
    ["d", [["askDelete", 2]]],
  ];
  for (const [letter, expected] of cases) {
    const { ctx, calls } = context(2);
    assert.equal(selectModeKeys(press(letter), ctx), true);
    assert.deepEqual(calls, expected, letter);
  }
});

test("while busy the letters do nothing, the arrows still move, and other keys never reach the input", () => {
  const busy = context(2, true);
  assert.equal(selectModeKeys(press("e"), busy.ctx), true);
  assert.equal(selectModeKeys(press("x"), busy.ctx), true);
  assert.deepEqual(busy.calls, []);
  selectModeKeys(press("up"), busy.ctx);
  assert.deepEqual(busy.calls, [["select", 1]]);
});

function startContext(inputEmpty: boolean, busy: boolean, messageCount: number) {
  const r = recorder();
  const ctx: StartSelectContext = { inputEmpty, messageCount, busy: () => busy, closePanel: r.fn("closePanel"), select: r.fn("select"), notify: r.fn("notify") };
  return { ctx, calls: r.calls };
}

test("Ctrl+K marks the last message and closes any panel", () => {
  const { ctx, calls } = startContext(true, false, 3);
  assert.equal(startSelectKey(press("ctrl+k"), ctx), true);
  assert.deepEqual(calls, [["closePanel"], ["select", 2], ["notify", null]]);
});

test("Ctrl+K says why when it cannot start: typed text, a reply running, no messages", () => {
  const cases: Array<[boolean, boolean, number, string]> = [
    [false, false, 3, "Empty the input to pick a message"],
    [true, true, 3, "A reply is being written: Ctrl+C stops it first"],
    [true, false, 0, "No messages yet"],
  ];
  for (const [inputEmpty, busy, count, message] of cases) {
    const { ctx, calls } = startContext(inputEmpty, busy, count);
    assert.equal(startSelectKey(press("ctrl+k"), ctx), true);
    assert.deepEqual(calls, [["notify", message]]);
  }
  assert.equal(startSelectKey(press("k"), startContext(true, false, 3).ctx), false);
});

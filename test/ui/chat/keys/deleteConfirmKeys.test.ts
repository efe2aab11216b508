import { test } from "node:test";
import assert from "node:assert/strict";
import { deleteConfirmKeys, type DeleteConfirmContext } from "../../../../src/ui/chat/keys/deleteConfirmKeys.ts";
import { press, recorder } from "../../../support/keyPress.ts";

function context(pending: number | null, selected: number | null, messageCount: number) {
  const r = recorder();
  const ctx: DeleteConfirmContext = { pending, selected, messageCount, clearPending: r.fn("clearPending"), deleteAt: r.fn("deleteAt"), select: r.fn("select"), notify: r.fn("notify") };
  return { ctx, calls: r.calls };
}

test("with no delete waiting, keys pass through untouched", () => {
  const { ctx, calls } = context(null, null, 3);
  assert.equal(deleteConfirmKeys(press("y"), ctx), false);
  assert.deepEqual(calls, []);
});

test("y and Y delete the message waiting", () => {
  for (const answer of ["y", "Y"]) {
    const { ctx, calls } = context(1, null, 3);
    assert.equal(deleteConfirmKeys(press(answer), ctx), true);
    assert.deepEqual(calls, [["clearPending"], ["deleteAt", 1]]);
  }
});

test("any other key keeps the message, Enter and arrows included", () => {
  for (const answer of ["n", "enter", "down", "ctrl+d"]) {
    const { ctx, calls } = context(1, null, 3);
    assert.equal(deleteConfirmKeys(press(answer), ctx), true);
    assert.deepEqual(calls, [["clearPending"], ["notify", "Kept"]], answer);
  }
});

test("in select mode the mark stays in place after a delete, or moves to the new last message, or leaves with the last one", () => {
  const middle = context(1, 1, 3);
  deleteConfirmKeys(press("y"), middle.ctx);
  assert.deepEqual(middle.calls.at(-1), ["select", 1]);
  const last = context(2, 2, 3);
  deleteConfirmKeys(press("y"), last.ctx);
  assert.deepEqual(last.calls.at(-1), ["select", 1]);
  const only = context(0, 0, 1);
  deleteConfirmKeys(press("y"), only.ctx);
  assert.deepEqual(only.calls.at(-1), ["select", null]);
});

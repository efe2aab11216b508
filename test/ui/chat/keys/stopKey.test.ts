import { test } from "node:test";
import assert from "node:assert/strict";
import { stopKey, type StopKeyContext } from "../../../../src/ui/chat/keys/stopKey.ts";
import { press, recorder } from "../../../support/keyPress.ts";

function context(replying: boolean, quitArmed: boolean) {
  const r = recorder();
  const ctx: StopKeyContext = { stopReply: r.fn("stopReply", replying), quitArmed, setQuitArmed: r.fn("setQuitArmed"), quit: r.fn("quit"), notify: r.fn("notify") };
  return { ctx, calls: r.calls };
}

test("Ctrl+C stops a reply being written and does not arm quitting", () => {
  const { ctx, calls } = context(true, false);
  assert.equal(stopKey(press("ctrl+c"), ctx), true);
  assert.deepEqual(calls, [["stopReply"]]);
});

test("Ctrl+C with no reply arms quitting and says so; the second press quits", () => {
  const first = context(false, false);
  assert.equal(stopKey(press("ctrl+c"), first.ctx), true);
  assert.deepEqual(first.calls, [["stopReply"], ["setQuitArmed", true], ["notify", "Press Ctrl+C again to quit"]]);
  const second = context(false, true);
  assert.equal(stopKey(press("ctrl+c"), second.ctx), true);
  assert.deepEqual(second.calls, [["stopReply"], ["quit"]]);
});

test("any other key disarms quitting and is left to the other handlers", () => {
  const { ctx, calls } = context(false, true);
  assert.equal(stopKey(press("a"), ctx), false);
  assert.deepEqual(calls, [["setQuitArmed", false]]);
});

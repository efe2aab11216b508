import { test } from "node:test";
import assert from "node:assert/strict";
import { chatActionKeys, type ChatActionContext } from "../../../../src/ui/chat/keys/chatActionKeys.ts";
import type { ChatMessage } from "../../../../src/core/chat/types.ts";
import { press, recorder } from "../../../support/keyPress.ts";

const reply = (swipes: number, swipeIndex: number): ChatMessage => ({
  id: "a1", role: "assistant", name: "Mira", swipes: Array.from({ length: swipes }, (_, i) => ({ text: `take ${i}`, sentAt: "" })), swipeIndex,
});

function context(options: { inputEmpty?: boolean; editing?: number; messageCount?: number; lastReply?: ChatMessage; busy?: boolean } = {}) {
  const r = recorder();
  const ctx: ChatActionContext = {
    inputEmpty: options.inputEmpty ?? true, editing: options.editing ?? null, messageCount: options.messageCount ?? 3, lastReply: options.lastReply,
    busy: () => options.busy ?? false, notify: r.fn("notify"), swipe: r.fn("swipe"), swipeNew: r.fn("swipeNew"), askDelete: r.fn("askDelete"),
    continueReply: r.fn("continueReply"), impersonate: r.fn("impersonate"), startEdit: r.fn("startEdit"), stopEditing: r.fn("stopEditing"),
    editOutside: r.fn("editOutside"), leave: r.fn("leave"), toggleReasoning: r.fn("toggleReasoning"),
  };
  return { ctx, calls: r.calls };
}

test("Left and Right swipe on an empty input; Right past the last swipe writes a new one", () => {
  const cases: Array<[string, ChatMessage, unknown[]]> = [
    ["left", reply(2, 1), ["swipe", -1]],
    ["right", reply(2, 0), ["swipe", 1]],
    ["right", reply(2, 1), ["swipeNew"]],
  ];
  for (const [key, last, expected] of cases) {
    const { ctx, calls } = context({ lastReply: last });
    assert.equal(chatActionKeys(press(key), ctx), true);
    assert.deepEqual(calls, [expected]);
  }
});

test("with text typed, Left, Right and Ctrl+D are left alone or do nothing", () => {
  const typing = context({ inputEmpty: false, lastReply: reply(1, 0) });
  assert.equal(chatActionKeys(press("left"), typing.ctx), false);
  assert.equal(chatActionKeys(press("right"), typing.ctx), false);
  assert.equal(chatActionKeys(press("ctrl+d"), typing.ctx), true);
  assert.deepEqual(typing.calls, []);
});

test("Ctrl+D asks to delete the last message, unless a reply runs or there is none", () => {
  const idle = context({ messageCount: 3 });
  chatActionKeys(press("ctrl+d"), idle.ctx);
  assert.deepEqual(idle.calls, [["askDelete", 2]]);
  for (const options of [{ busy: true }, { messageCount: 0 }]) {
    const { ctx, calls } = context(options);
    assert.equal(chatActionKeys(press("ctrl+d"), ctx), true);
    assert.deepEqual(calls, []);
  }
});

test("Ctrl+E edits the last message, or cancels the edit under way", () => {
  const start = context({ messageCount: 4 });
  chatActionKeys(press("ctrl+e"), start.ctx);
  assert.deepEqual(start.calls, [["startEdit", 3]]);
  const cancel = context({ editing: 1 });
  chatActionKeys(press("ctrl+e"), cancel.ctx);
  assert.deepEqual(cancel.calls, [["stopEditing"], ["notify", "Edit cancelled (your text stays in the input)"]]);
  const nothing = context({ messageCount: 0 });
  chatActionKeys(press("ctrl+e"), nothing.ctx);
  chatActionKeys(press("alt+e"), nothing.ctx);
  assert.deepEqual(nothing.calls, [["notify", "Nothing to edit yet"], ["notify", "Nothing to edit yet"]]);
});

test("Alt+E opens the last message in the editor; Alt+C continues; Alt+I impersonates", () => {
  const { ctx, calls } = context({ messageCount: 2 });
  chatActionKeys(press("alt+e"), ctx);
  chatActionKeys(press("alt+c"), ctx);
  chatActionKeys(press("alt+i"), ctx);
  assert.deepEqual(calls, [["editOutside", 1], ["continueReply"], ["impersonate"]]);
});

test("Ctrl+O goes home, but not while a reply is being written", () => {
  const idle = context();
  chatActionKeys(press("ctrl+o"), idle.ctx);
  assert.deepEqual(idle.calls, [["leave"]]);
  const busy = context({ busy: true });
  chatActionKeys(press("ctrl+o"), busy.ctx);
  assert.deepEqual(busy.calls, [["notify", "A reply is being written: Ctrl+C stops it first"]]);
});

test("keys that are not chat actions go on", () => {
  const { ctx, calls } = context();
  for (const key of ["a", "enter", "up", "tab"]) assert.equal(chatActionKeys(press(key), ctx), false, key);
  assert.deepEqual(calls, []);
});

test("Alt+R folds or unfolds the reasoning, whatever the input holds", () => {
  const { ctx, calls } = context({ inputEmpty: false });
  assert.equal(chatActionKeys(press("alt+r"), ctx), true);
  assert.deepEqual(calls, [["toggleReasoning"]]);
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { chatScreenReducer, initialChatScreen, shownMessages, type ChatScreenAction, type ChatScreenState } from "../../../src/ui/chat/chatScreenState.ts";
import type { ChatMessage } from "../../../src/core/chat/types.ts";
import { testSamplers } from "../../support/fakeServices.ts";

const at = "2026-01-01T00:00:00Z";
const said = (id: string, role: "user" | "assistant", text: string, swipes: string[] = [text]): ChatMessage => ({ id, role, name: role === "user" ? "You" : "Mira", swipes: swipes.map((t) => ({ text: t, sentAt: at })), swipeIndex: swipes.indexOf(text) });
const start = (messages: ChatMessage[] = []) => initialChatScreen({ messages, draft: "", notice: null, samplers: testSamplers, presetName: null, persona: "You" });
const run = (actions: ChatScreenAction[], s: ChatScreenState = start()) => actions.reduce(chatScreenReducer, s);
const texts = (messages: ChatMessage[]) => messages.map((m) => m.swipes[m.swipeIndex]?.text);

test("a reply shows the sent message and the text being written at once, then the chat the turn returned", () => {
  const writing = run([{ type: "turnStart", mode: "reply", name: "Mira", user: { name: "You", text: "hi" }, at }, { type: "turnText", text: "Hel" }]);
  assert.deepEqual(texts(shownMessages(writing)), ["hi", "Hel"]);
  assert.equal(writing.committed, 0);
  const done = run([{ type: "turnEnd", messages: [said("u1", "user", "hi"), said("a1", "assistant", "Hello")] }], writing);
  assert.equal(done.turn, null);
  assert.deepEqual(texts(shownMessages(done)), ["hi", "Hello"]);
  const next = run([{ type: "turnStart", mode: "reply", name: "Mira", user: { name: "You", text: "again" }, at }], done);
  assert.equal(next.committed, 2, "everything before a new message from the person is final");
});

test("a swipe is written as a new swipe of the last reply; a continuation onto its text", () => {
  const s = start([said("u1", "user", "hi"), said("a1", "assistant", "Hello")]);
  const swiping = run([{ type: "turnStart", mode: "swipe", name: "Mira", at }, { type: "turnText", text: "Hey" }], s);
  const last = shownMessages(swiping).at(-1)!;
  assert.deepEqual([last.swipes.map((x) => x.text), last.swipeIndex], [["Hello", "Hey"], 1]);
  const continuing = run([{ type: "turnStart", mode: "continue", name: "Mira", at }], s);
  assert.equal(continuing.turn?.text, "Hello", "a continuation starts from the message's text");
  assert.deepEqual(texts(shownMessages(run([{ type: "turnText", text: "Hello, friend" }], continuing))), ["hi", "Hello, friend"]);
  assert.equal(shownMessages(run([{ type: "turnStart", mode: "impersonate", name: "You", at }], s)), s.messages, "an impersonation writes into the input, not the chat");
});

test("a failed turn leaves the chat as it was and says why", () => {
  const s = run([{ type: "turnStart", mode: "reply", name: "Mira", user: { name: "You", text: "hi" }, at }, { type: "turnFailed", message: "model not loaded" }]);
  assert.deepEqual(shownMessages(s), []);
  assert.equal(s.notice, "model not loaded");
});

test("changing a printed message asks for a reprint (a delete also prints one fewer); a live one does not", () => {
  const s = start([said("a0", "assistant", "Welcome."), said("u1", "user", "hi")]);
  const edited = run([{ type: "changed", messages: [said("a0", "assistant", "Hey"), s.messages[1]!], index: 0, change: "edited" }], s);
  assert.deepEqual([edited.reprint, edited.notice], [1, "Message edited"]);
  const deleted = run([{ type: "changed", messages: [s.messages[1]!], index: 0, change: "deleted" }], s);
  assert.deepEqual([deleted.committed, deleted.reprint, deleted.notice], [s.committed - 1, 1, "Message deleted"]);
  const live = run([{ type: "changed", messages: [s.messages[0]!], index: 1, change: "deleted" }], s);
  assert.deepEqual([live.committed, live.reprint], [s.committed, 0]);
});

test("opening a panel resets the prompt panel's view in the same step", () => {
  const s = run([{ type: "panel", panel: "turn" }, { type: "set", patch: { turnView: "text", turnOffset: 5 } }, { type: "panel", panel: "samplers" }]);
  assert.deepEqual([s.panel, s.turnView, s.turnOffset], ["samplers", "summary", 0]);
});

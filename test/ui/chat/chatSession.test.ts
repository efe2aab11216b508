import { test } from "node:test";
import assert from "node:assert/strict";
import { chatSessionReducer, initialSession, type ChatSessionAction, type ChatSessionState } from "../../../src/ui/chat/chatSession.ts";

const at = "2026-01-01T00:00:00Z";
const run = (actions: ChatSessionAction[], s: ChatSessionState = initialSession([])) => actions.reduce(chatSessionReducer, s);

const exchange: ChatSessionAction[] = [
  { type: "send", id: "u1", name: "You", text: "hi", at },
  { type: "replyStart", id: "a1", name: "Mira", at },
  { type: "replyText", text: "Hel" },
  { type: "replyEnd", text: "Hello", generation: { stopReason: "eos" } },
];

test("a reply streams into a new message; the messages before the send are committed", () => {
  const s = run(exchange);
  assert.deepEqual(s.messages.map((m) => m.swipes[m.swipeIndex]?.text), ["hi", "Hello"]);
  assert.equal(s.committed, 0);
  assert.equal(s.streaming, null);
  const next = run([{ type: "send", id: "u2", name: "You", text: "again", at }], s);
  assert.equal(next.committed, 2);
});

test("a swipe adds a candidate; left and right move between them within bounds", () => {
  let s = run([...exchange, { type: "swipeStart", at }, { type: "replyText", text: "Hey" }, { type: "replyEnd", text: "Hey!", generation: {} }]);
  assert.equal(s.messages[1]?.swipes.length, 2);
  assert.equal(s.messages[1]?.swipeIndex, 1);
  s = run([{ type: "swipe", direction: -1 }, { type: "swipe", direction: -1 }], s);
  assert.equal(s.messages[1]?.swipeIndex, 0);
  s = run([{ type: "swipe", direction: 1 }, { type: "swipe", direction: 1 }], s);
  assert.equal(s.messages[1]?.swipeIndex, 1);
});

test("a failed reply removes the empty message and shows why", () => {
  const s = run([{ type: "send", id: "u1", name: "You", text: "hi", at }, { type: "replyStart", id: "a1", name: "Mira", at }, { type: "replyFailed", message: "model not loaded" }]);
  assert.equal(s.messages.length, 1);
  assert.equal(s.notice, "model not loaded");
});

test("only messages not yet printed for good can be deleted", () => {
  const s = run(exchange);
  const d = run([{ type: "deleteLast" }], s);
  assert.equal(d.messages.length, 1);
  const committed = initialSession(s.messages);
  assert.equal(run([{ type: "deleteLast" }], committed).messages.length, 2);
});

test("a failed send can take the unanswered message out (its text returns to the input)", () => {
  const s = run([{ type: "send", id: "u1", name: "You", text: "hi", at }, { type: "replyStart", id: "a1", name: "Mira", at }, { type: "replyFailed", message: "x", dropUserMessage: true }]);
  assert.equal(s.messages.length, 0);
});

test("continue streams onto the last message; edit replaces the shown swipe's text", () => {
  let s = run([...exchange, { type: "continueStart" }]);
  assert.equal(s.streaming?.text, "Hello");
  s = run([{ type: "replyText", text: "Hello, friend" }, { type: "replyEnd", text: "Hello, friend", generation: {} }], s);
  assert.equal(s.messages[1]?.swipes[0]?.text, "Hello, friend");
  s = run([{ type: "editLast", text: "Hi" }], s);
  assert.equal(s.messages[1]?.swipes[0]?.text, "Hi");
  assert.equal(s.messages[1]?.swipes.length, 1);
});

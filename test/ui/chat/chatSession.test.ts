import { test } from "node:test";
import assert from "node:assert/strict";
import { chatSessionReducer, initialSession, settledMessages, type ChatSessionAction, type ChatSessionState } from "../../../src/ui/chat/chatSession.ts";

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

test("any message can be deleted; deleting a printed one asks for a reprint, a live one does not", () => {
  const s = run(exchange);
  const live = run([{ type: "deleteAt", index: 1 }], s);
  assert.equal(live.messages.length, 1);
  assert.equal(live.reprint, s.reprint);
  const committed = initialSession(s.messages);
  const printed = run([{ type: "deleteAt", index: 0 }], committed);
  assert.deepEqual(printed.messages.map((m) => m.id), [s.messages[1]!.id]);
  assert.equal(printed.committed, committed.committed - 1, "one fewer printed message");
  assert.equal(printed.reprint, committed.reprint + 1);
  assert.equal(run([{ type: "deleteAt", index: 7 }], committed), committed, "an index past the end changes nothing");
});

test("editing a printed message replaces its shown swipe and asks for a reprint", () => {
  const committed = initialSession(run(exchange).messages);
  const edited = run([{ type: "editAt", index: 0, text: "Hey" }], committed);
  assert.equal(edited.messages[0]?.swipes[0]?.text, "Hey");
  assert.equal(edited.messages[1], committed.messages[1], "other messages keep their identity");
  assert.equal(edited.reprint, 1);
  assert.equal(edited.notice, "Message edited");
});

test("the messages to save mid-reply keep the streamed text; a reply with none yet is left out", () => {
  const started = run([{ type: "send", id: "u1", name: "You", text: "hi", at }, { type: "replyStart", id: "a1", name: "Mira", at }]);
  assert.deepEqual(settledMessages(started).map((m) => m.id), ["u1"]);
  const partway = run([{ type: "replyText", text: "Once upon" }], started);
  assert.equal(settledMessages(partway).at(-1)?.swipes[0]?.text, "Once upon");
  const done = run([{ type: "replyEnd", text: "Once upon a time", generation: {} }], partway);
  assert.equal(settledMessages(done), done.messages);
  const swiping = run([{ type: "swipeStart", at }], done);
  assert.deepEqual(settledMessages(swiping).at(-1)?.swipes.map((x) => x.text), ["Once upon a time"]);
  assert.equal(settledMessages(swiping).at(-1)?.swipeIndex, 0);
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
  s = run([{ type: "editAt", index: 1, text: "Hi" }], s);
  assert.equal(s.messages[1]?.swipes[0]?.text, "Hi");
  assert.equal(s.messages[1]?.swipes.length, 1);
});

import { test } from "node:test";
import assert from "node:assert/strict";
import type { ChatMessage } from "../../../src/core/chat/types.ts";
import { messageRows, scrollbackRows, tailStart } from "../../../src/ui/chat/transcriptTail.ts";
import { chatScreenReducer, initialChatScreen } from "../../../src/ui/chat/chatScreenState.ts";

const message = (text: string, id = "m"): ChatMessage => ({ id, role: "user", name: "You", swipes: [{ text, sentAt: "" }], swipeIndex: 0 });

test("a message takes its name, its wrapped lines and a gap", () => {
  assert.equal(messageRows(message("short"), 80), 3);
  assert.equal(messageRows(message("x".repeat(161)), 80), 5);
  assert.equal(messageRows(message("a\n\nb"), 80), 5);
});

test("the tail starts where the budget of rows runs out, keeps at least one message, and stops at the chat's start", () => {
  const chat = Array.from({ length: 100 }, (_, i) => message(`line ${i}`, `m${i}`));
  assert.equal(tailStart(chat, 100, 30, 80), 90, "ten messages of three rows");
  assert.equal(tailStart(chat, 50, 30, 80), 40, "counted back from the end given");
  assert.equal(tailStart(chat, 100, 1, 80), 99, "one message even when it does not fit");
  assert.equal(tailStart(chat, 5, 1000, 80), 0);
  assert.equal(tailStart([message("x".repeat(100_000))], 1, 10, 80), 0);
});

test("scrollback is five screens, at least 120 rows", () => {
  assert.equal(scrollbackRows(24), 120);
  assert.equal(scrollbackRows(60), 300);
});

test("a chat opens printing only its tail; an earlier start prints again; deleting a left-out message keeps the tail in place", () => {
  const messages = Array.from({ length: 2000 }, (_, i) => message(`line ${i}`, `m${i}`));
  const start = { messages, draft: "", notice: null, samplers: {} as never, presetName: null, persona: "You", terminal: { rows: 24, columns: 80 } };
  const state = initialChatScreen(start);
  assert.equal(state.committed, 1999);
  assert.equal(state.printedFrom, 1999 - 40);
  const earlier = chatScreenReducer(state, { type: "printFrom", from: 1900 });
  assert.equal(earlier.printedFrom, 1900);
  assert.equal(earlier.reprint, state.reprint + 1);
  const deleted = chatScreenReducer(state, { type: "changed", messages: messages.slice(1), index: 0, change: "deleted" });
  assert.equal(deleted.printedFrom, state.printedFrom - 1);
  assert.equal(deleted.committed, 1998);
});

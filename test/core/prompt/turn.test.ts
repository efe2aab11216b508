import { test } from "node:test";
import assert from "node:assert/strict";
import { historyForTurn, promptMode, turnText, TurnModeError } from "../../../src/core/prompt/index.ts";
import { message, messages } from "./fixture.ts";

test("a swipe leaves out the reply it replaces; continue and reply see everything", () => {
  const chat = [...messages, message(3, "assistant", "Seraphina", "You are safe.")];
  assert.deepEqual(historyForTurn(chat, "swipe").map((m) => m.id), ["1", "2"]);
  assert.deepEqual(historyForTurn(chat, "continue").map((m) => m.id), ["1", "2", "3"]);
  assert.deepEqual(historyForTurn(chat, "reply").map((m) => m.id), ["1", "2", "3"]);
  assert.equal(promptMode("swipe"), "reply");
  assert.throws(() => historyForTurn(messages, "swipe"), TurnModeError);
  assert.throws(() => historyForTurn([], "continue"), /nothing to continue/);
});

test("generated text becomes the message text", () => {
  assert.equal(turnText("reply", " Hello there.\n", "Seraphina"), "Hello there.");
  assert.equal(turnText("reply", " Seraphina: Hello.", "Seraphina"), "Hello.");
  assert.equal(turnText("impersonate", " I look around.", "Ann"), "I look around.");
  assert.equal(turnText("continue", " the forest.\n", "Seraphina", message(3, "assistant", "Seraphina", "You are in")), "You are in the forest.");
});

import { test } from "node:test";
import assert from "node:assert/strict";
import {
  DEFAULT_MEMORY_SETTINGS, DEFAULT_SUMMARY_PROMPT, formatMemory, latestMemory, rawSummaryText, readMemorySettings, restorePreviousMemory, setMemory,
  SILLYTAVERN_DEFAULT_SUMMARY_PROMPT, summaryDue, summaryInstruction, withoutStaleMemory, type MemorySettings,
} from "../../../src/core/memory/index.ts";
import type { Chat, ChatMessage } from "../../../src/core/chat/types.ts";
import { testEnv } from "../../support/chatFixtures.ts";

const on: MemorySettings = { ...DEFAULT_MEMORY_SETTINGS, enabled: true };

function msg(i: number, text = `message ${i}`): ChatMessage {
  return { id: `m${i}`, role: i % 2 ? "user" : "assistant", name: i % 2 ? "Sam" : "Alice", swipes: [{ text, sentAt: "" }], swipeIndex: 0 };
}

function chatOf(messages: ChatMessage[]): Chat {
  return { id: "c", title: "t", characterId: "a", characterName: "Alice", createdAt: "", updatedAt: "", messages, settings: {}, variables: {} };
}

test("worked example M1: every 10 messages, summaries land on indices 8, 17 and 26", () => {
  const env = testEnv();
  let chat = chatOf([]);
  const landed: number[] = [];
  for (let i = 0; i < 30; i++) {
    chat = { ...chat, messages: [...chat.messages, msg(i)] };
    if (summaryDue(chat.messages, on).due) {
      chat = setMemory(chat, `summary ${landed.length + 1}`, env);
      landed.push(latestMemory(chat.messages).index);
    }
  }
  assert.deepEqual(landed, [8, 17, 26]);
  assert.equal(latestMemory(chat.messages).text, "summary 3");
});

test("worked example M2: enough words since the last summary make it due before the interval", () => {
  const long = Array.from({ length: 100 }, (_, i) => `w${i}`).join(" ");
  const messages = [...Array.from({ length: 12 }, (_, i) => msg(i)), ...Array.from({ length: 4 }, (_, i) => msg(12 + i, long))];
  messages[11] = { ...messages[11]!, memory: "old" };
  const due = summaryDue(messages, { ...on, promptForceWords: 300 });
  assert.deepEqual([due.due, due.messagesSince, due.wordsSince], [true, 4, 400]);
  assert.equal(summaryDue(messages, on).due, false, "4 messages of 10");
});

test("automatic updates wait for enabled, unfrozen settings and a non-zero interval; a forced one does not", () => {
  const messages = Array.from({ length: 12 }, (_, i) => msg(i));
  assert.equal(summaryDue(messages, DEFAULT_MEMORY_SETTINGS).due, false);
  assert.equal(summaryDue(messages, { ...on, memoryFrozen: true }).due, false);
  assert.equal(summaryDue(messages, { ...on, promptInterval: 0 }).due, false);
  assert.equal(summaryDue(messages.slice(0, 3), { ...DEFAULT_MEMORY_SETTINGS, memoryFrozen: true }, { force: true }).due, true);
  assert.equal(summaryDue([], on, { force: true }).due, false);
});

test("the summary in use is the newest before the last message; edits go on the one before the last; restore takes it off", () => {
  const env = testEnv();
  let chat = chatOf([msg(0), msg(1), msg(2), msg(3)]);
  chat = setMemory(chat, "first", env, 1);
  chat = setMemory(chat, "edited by hand", env);
  assert.equal(chat.messages[2]!.memory, "edited by hand");
  assert.deepEqual(latestMemory(chat.messages), { text: "edited by hand", index: 2 });
  const onLast = setMemory(chat, "on the last", env, 3);
  assert.equal(latestMemory(onLast.messages).text, "edited by hand", "the very last message is left out");
  chat = restorePreviousMemory(chat, env);
  assert.deepEqual(latestMemory(chat.messages), { text: "first", index: 1 });
  assert.equal(setMemory(chatOf([msg(0)]), "x", env).messages[0]!.memory, "x", "one message: the first");
});

test("worked example M3: a summary on the last message goes when its text changes", () => {
  const before = { ...msg(5), memory: "sum" };
  assert.equal(withoutStaleMemory({ ...before, swipes: [...before.swipes, { text: "regenerated", sentAt: "" }], swipeIndex: 1 }, before).memory, undefined);
  assert.equal(withoutStaleMemory(before, before).memory, "sum");
});

test("the summary goes in through its template; an empty summary puts nothing in", () => {
  assert.equal(formatMemory("  Sam met Alice. ", "[Summary: {{summary}}]"), "[Summary: Sam met Alice.]");
  assert.equal(formatMemory("x", ""), "Summary: x");
  assert.equal(formatMemory("  ", "[Summary: {{summary}}]"), "");
  assert.equal(formatMemory("$& $1", "[{{summary}}]"), "[$& $1]", "the text goes in as written");
});

test("settings: SillyTavern's keys read as it writes them (a position as text), its default prompt is taproom's default", () => {
  const read = readMemorySettings({ position: "1", depth: 4, prompt: SILLYTAVERN_DEFAULT_SUMMARY_PROMPT, promptMinWords: 25, source: "extras" });
  assert.deepEqual([read.position, read.depth, read.prompt, read.source], [1, 4, DEFAULT_SUMMARY_PROMPT, "extras"]);
  assert.throws(() => readMemorySettings({ position: 5 }), /memory\.position must be one of -1, 0, 1, 2/);
  assert.throws(() => readMemorySettings({ enabled: "yes" }), /memory\.enabled must be true or false/);
  assert.match(summaryInstruction(read), /at most 200 words/);
});

test("the raw builder: the last summary and the messages after it, the last one left out, as many as fit", () => {
  const messages = [msg(0), { ...msg(1), memory: "Before." }, msg(2), { ...msg(3), role: "system" as const }, msg(4), msg(5), msg(6)];
  const all = rawSummaryText(messages, on, () => true);
  assert.equal(all.text, "Before.\n\nAlice:\nmessage 2\n\nAlice:\nmessage 4\n\nSam:\nmessage 5");
  assert.equal(all.lastUsed, 5);
  assert.equal(rawSummaryText(messages, { ...on, maxMessagesPerRequest: 1 }, () => true).lastUsed, 2);
  assert.equal(rawSummaryText(messages, on, (t) => t.length < 120).lastUsed, -1, "nothing fits beside the instruction");
});

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createChat, sendUserMessage } from "../../../src/core/chat/operations.ts";
import { formatChatJsonl, parseChatJsonl } from "../../../src/core/chat/jsonl.ts";
import type { Chat } from "../../../src/core/chat/types.ts";
import { DEFAULT_MEMORY_SETTINGS, latestMemory, memoryPrompts, setMemory, type MemorySettings } from "../../../src/core/memory/index.ts";
import { resolveSamplers } from "../../../src/core/samplers/validate.ts";
import { loadModel, type LoadedModel } from "../../../src/engine/generation/loadModel.ts";
import { playChatTurn } from "../../../src/app/turns/playTurn.ts";
import { summarizeChat } from "../../../src/engine/summarize.ts";
import { card, persona } from "../../core/prompt/fixture.ts";
import { testEnv } from "../../support/chatFixtures.ts";
import { writeTinyChatModel } from "../../support/tinyGguf.ts";

let model: LoadedModel;
const samplers = resolveSamplers({ temperature: 0, maxTokens: 20 });
const memory: MemorySettings = { ...DEFAULT_MEMORY_SETTINGS, enabled: true, promptInterval: 4 };

before(async () => {
  const dir = await mkdtemp(join(tmpdir(), "taproom-summary-"));
  model = await loadModel({ path: await writeTinyChatModel(join(dir, "tiny.gguf")), gpu: "cpu", threads: 1, contextSize: 2048 });
});

after(async () => {
  await model.unload();
});

test("a summary update: written by the loaded model from the chat's own cached prompt, stored in the chat, and it costs the KV cache exactly one miss", async () => {
  const env = testEnv();
  const character = card();
  let chat: Chat = createChat({ character, characterId: "s", env });
  const turn = async (line: string) => {
    chat = sendUserMessage(chat, { text: line, name: persona.name, env });
    const played = await playChatTurn({ model, chat, character, persona, books: [], settings: { samplers }, mode: "reply", env, extensionPrompts: memoryPrompts(chat.messages, memory) });
    chat = played.chat;
    return played.turn;
  };
  await turn("Where am I?");
  await turn("Who are you?");
  assert.equal(chat.messages.length, 5);
  assert.equal((await summarizeChat({ model, chat, character, persona, settings: { samplers }, memory: { ...memory, promptInterval: 10 } })).written, false, "not due yet");

  const summarized = await summarizeChat({ model, chat, character, persona, settings: { samplers }, memory });
  assert.ok(summarized.written);
  assert.equal(summarized.summary, "Hi, Bryn.", "the tiny model's answer to anything");
  assert.equal(summarized.index, 3, "on the message before the last");
  assert.ok(summarized.prompt.includes("<|im_start|>system\nSet the roleplay aside for a moment."), "the instruction ends the chat's own prompt");
  assert.ok(summarized.reuse && summarized.reuse.reused > summarized.reuse.evaluated, `the request reused the chat's cached prompt (${summarized.reuse?.reused} reused, ${summarized.reuse?.evaluated} evaluated)`);
  chat = setMemory(chat, summarized.summary, env, summarized.index);

  const updated = await turn("Can I stay?");
  assert.ok(updated.prompt.text.includes("\n[Summary: Hi, Bryn.]\n"), "the summary is in the prompt after the story string");
  assert.equal(updated.reuse?.cause, "summary");
  assert.equal(updated.reuse?.reason, "the chat's first summary went into the prompt");
  assert.equal(updated.reuse?.section, "summary");
  assert.ok(updated.reuse!.reprocessed > 0);
  const afterwards = await turn("Thank you.");
  assert.equal(afterwards.reuse?.cause, "new-messages", `then the cache holds again: ${afterwards.reuse?.reason}`);
  assert.equal(afterwards.reuse?.reprocessed, 0);
  assert.ok(afterwards.prompt.text.includes("[Summary: Hi, Bryn.]"));

  const back = parseChatJsonl({ text: formatChatJsonl(chat), file: "c.jsonl", env: testEnv() });
  assert.equal(latestMemory(back.messages).text, "Hi, Bryn.", "the summary survives SillyTavern's JSONL as extra.memory");
  assert.match(formatChatJsonl(chat), /"extra":\{"memory":"Hi, Bryn\."\}/);
});

test("the raw builder sends the messages since the last summary alone, and stores the summary on the last one it took", async () => {
  const env = testEnv();
  const character = card();
  let chat: Chat = createChat({ character, characterId: "s", env });
  for (const line of ["Where am I?", "Who are you?"]) chat = sendUserMessage(chat, { text: line, name: persona.name, env });
  const raw = await summarizeChat({ model, chat, character, persona, settings: { samplers }, memory: { ...memory, prompt_builder: 1 }, force: true });
  assert.ok(raw.written);
  assert.equal(raw.index, 1);
  assert.ok(raw.prompt.startsWith("<|im_start|>system\nSet the roleplay aside"), raw.prompt);
  assert.ok(raw.prompt.includes("Seraphina:\nWelcome.\n\nAnn:\nWhere am I?"));
  assert.ok(!raw.prompt.includes("Who are you?"), "the very last message is left out");
  assert.ok(raw.prompt.endsWith("<|im_end|>\n<|im_start|>assistant\n"));
});

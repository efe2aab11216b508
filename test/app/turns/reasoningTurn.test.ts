import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { appendAssistantReply, createChat, currentSwipe, sendUserMessage } from "../../../src/core/chat/operations.ts";
import { formatChatJsonl, parseChatJsonl } from "../../../src/core/chat/jsonl.ts";
import type { Chat } from "../../../src/core/chat/types.ts";
import { DEFAULT_REASONING_SETTINGS, markersToTry } from "../../../src/core/reasoning/index.ts";
import { resolveSamplers } from "../../../src/core/samplers/validate.ts";
import { loadModel, type LoadedModel } from "../../../src/engine/generation/loadModel.ts";
import { playChatTurn } from "../../../src/app/turns/playTurn.ts";
import { card, persona } from "../../core/prompt/fixture.ts";
import { testEnv } from "../../support/chatFixtures.ts";
import { writeThinkingModel } from "../../support/tinyGguf.ts";

let model: LoadedModel;
const samplers = resolveSamplers({ temperature: 0, maxTokens: 40 });
const reasoning = DEFAULT_REASONING_SETTINGS;

before(async () => {
  const dir = await mkdtemp(join(tmpdir(), "taproom-thinking-"));
  model = await loadModel({ path: await writeThinkingModel(join(dir, "thinking.gguf")), gpu: "cpu", threads: 1, contextSize: 1024 });
});

after(async () => {
  await model.unload();
});

const prompt = "<|im_start|>user\nEvening.<|im_end|>\n<|im_start|>assistant\n";

test("a thinking model's block streams apart from the reply, and a stop string inside the reasoning does not cut it", async () => {
  const raw = await model.generate({ prompt, stops: [], samplers });
  assert.equal(raw.text, "<think>Wave</think>Hi, Bryn.", "the model thinks first (markers are single tokens)");
  const thoughts: string[] = [];
  const replies: string[] = [];
  const split = await model.generate({
    prompt, stops: ["av"], samplers, reasoning: { markers: markersToTry(reasoning) },
    onReasoning: (t) => thoughts.push(t), onText: (t) => replies.push(t),
  });
  assert.equal(split.text, "Hi, Bryn.");
  assert.equal(split.stopReason, "eos", "the stop string was only in the reasoning");
  assert.equal(split.reasoning?.text, "Wave");
  assert.ok(split.reasoning!.durationMs! >= 0 && split.reasoning!.durationMs! <= split.durationMs);
  assert.equal(thoughts.join(""), "Wave");
  assert.ok(thoughts.length >= 2, "streamed token by token");
  assert.equal(replies.join(""), "Hi, Bryn.");
  const unsplit = await model.generate({ prompt, stops: ["av"], samplers });
  assert.equal(unsplit.text, "<think>W", "without splitting, the same stop string cuts the reasoning");
});

test("a reply's reasoning is stored apart (extra.reasoning in SillyTavern's JSONL), each swipe has its own, and stays out of the next prompt", async () => {
  const env = testEnv();
  const character = card();
  let chat: Chat = sendUserMessage(createChat({ character, characterId: "s", env }), { text: "Evening.", name: persona.name, env });
  const thoughts: string[] = [];
  const replied = await playChatTurn({ model, chat, character, persona, books: [], settings: { samplers, reasoning }, mode: "reply", env, onReasoning: (t) => thoughts.push(t) });
  chat = replied.chat;
  const last = currentSwipe(chat.messages.at(-1)!);
  assert.equal(last.text, "Hi, Bryn.");
  assert.equal(last.reasoning?.text, "Wave");
  assert.equal(last.reasoning?.type, "parsed");
  assert.equal(typeof last.reasoning?.durationMs, "number");
  assert.equal(thoughts.join(""), "Wave");
  const exported = formatChatJsonl(chat).trim().split("\n").map((l) => JSON.parse(l) as { mes: string; extra?: Record<string, unknown> });
  assert.equal(exported.at(-1)!.mes, "Hi, Bryn.");
  assert.equal(exported.at(-1)!.extra?.reasoning, "Wave");
  assert.equal(exported.at(-1)!.extra?.reasoning_type, "parsed");
  const back = parseChatJsonl({ text: formatChatJsonl(chat), file: "c.jsonl", env: testEnv() });
  assert.deepEqual(currentSwipe(back.messages.at(-1)!).reasoning, last.reasoning);

  const swiped = await playChatTurn({ model, chat, character, persona, books: [], settings: { samplers, reasoning }, mode: "swipe", env });
  assert.deepEqual(swiped.chat.messages.at(-1)!.swipes.map((s) => [s.text, s.reasoning?.text]), [["Hi, Bryn.", "Wave"], ["Hi, Bryn.", "Wave"]]);

  chat = sendUserMessage(chat, { text: "Stay.", name: persona.name, env });
  const next = await playChatTurn({ model, chat, character, persona, books: [], settings: { samplers, reasoning }, mode: "reply", env });
  assert.doesNotMatch(next.turn.prompt.text, /Wave/, "kept out of the prompt by default");
  const withIt = await playChatTurn({ model, chat, character, persona, books: [], settings: { samplers, reasoning: { ...reasoning, add_to_prompts: true } }, mode: "reply", env });
  assert.ok(withIt.turn.prompt.text.includes("Seraphina: <think>\nWave\n</think>\n\nHi, Bryn."), withIt.turn.prompt.text);
});

test("continue: reasoning is never reply text; a message left inside its block thinks on, then replies", async () => {
  const env = testEnv();
  const character = card();
  const base = sendUserMessage(createChat({ character, characterId: "s", env }), { text: "Evening.", name: persona.name, env });
  const begun = appendAssistantReply(base, { text: "Hi,", name: character.name, env, reasoning: { text: "Wave", type: "parsed" } });
  const more = await playChatTurn({ model, chat: begun, character, persona, books: [], settings: { samplers, reasoning }, mode: "continue", env });
  assert.ok(more.turn.prompt.text.endsWith("<think>\nWave\n</think>\n\nHi,"), "the continued message carries its reasoning");
  assert.deepEqual([currentSwipe(more.chat.messages.at(-1)!).text, currentSwipe(more.chat.messages.at(-1)!).reasoning?.text], ["Hi, Bryn.", "Wave"]);
  const open = appendAssistantReply(base, { text: "", name: character.name, env, reasoning: { text: "Wav", type: "parsed" } });
  const thought = await playChatTurn({ model, chat: open, character, persona, books: [], settings: { samplers, reasoning }, mode: "continue", env });
  assert.ok(thought.turn.prompt.text.endsWith("<think>\nWav"), thought.turn.prompt.text);
  const after = currentSwipe(thought.chat.messages.at(-1)!);
  assert.deepEqual([after.reasoning?.text, after.text], ["Wave", "Hi, Bryn."], "worked example R4 on a real model");
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { runChatTurn, type TurnGenerationRequest, type TurnModel } from "../../src/engine/chatTurn.ts";
import type { Chat } from "../../src/core/chat/types.ts";
import type { SamplerSettings } from "../../src/core/samplers/types.ts";
import { defaultSamplers } from "../../src/core/samplers/validate.ts";
import { card, message, messages, persona } from "../core/prompt/fixture.ts";

const samplers: SamplerSettings = {
  ...defaultSamplers,
  temperature: 0, topK: 40, topP: 1, minP: 0, repeatPenalty: 1, repeatLastN: 64, frequencyPenalty: 0, presencePenalty: 0,
  dryMultiplier: 0, dryBase: 1.75, dryAllowedLength: 2, dryLastN: 0, drySequenceBreakers: [], xtcProbability: 0, xtcThreshold: 0.1,
  seed: 1, maxTokens: 64,
};

/** A model that records the prompt it was given and answers with a fixed text. */
function recordingModel(answer: string, chatTemplate?: string) {
  const requests: TurnGenerationRequest[] = [];
  const model: TurnModel = {
    name: "fake.gguf",
    contextSize: 2048,
    chatTemplate,
    countTokens: (text) => text.length,
    generate: async (request) => {
      requests.push(request);
      request.onText?.(answer);
      return { text: answer, stopReason: "stop-string", tokens: 5, evaluatedPromptTokens: 7, durationMs: 500 };
    },
  };
  return { model, requests };
}

function chat(list = messages): Chat {
  return { id: "c1", title: "t", characterId: "x", characterName: "Seraphina", createdAt: "", updatedAt: "", messages: list, settings: {}, variables: {} };
}

const now = () => new Date("2026-11-24T12:00:00Z");

test("a reply uses the model's own template and returns the text and generation info without saving", async () => {
  const { model, requests } = recordingModel(" Seraphina: In my glade.", "{{'<|im_start|>' + role}}");
  const c = chat();
  const streamed: string[] = [];
  const result = await runChatTurn({ model, chat: c, character: card(), persona, settings: { samplers }, mode: "reply", now, onText: (t) => streamed.push(t) });
  assert.equal(result.text, "In my glade.");
  assert.equal(result.template.template.name, "chatml");
  assert.ok(requests[0]!.prompt.endsWith("<|im_start|>assistant\nSeraphina:"));
  assert.deepEqual(requests[0]!.stops, result.prompt.stops);
  assert.deepEqual(streamed, [" Seraphina: In my glade."]);
  assert.deepEqual(result.generation, {
    model: "fake.gguf", startedAt: now().toISOString(), finishedAt: now().toISOString(), tokens: 5, tokensPerSecond: 10,
    stopReason: "stop-string", samplers,
  });
  assert.equal(result.evaluatedPromptTokens, 7);
  assert.equal(c.messages.length, 2, "the chat is not changed");
});

test("the turn's timings say how much of the prompt came from the KV cache and what evaluating the rest cost", async () => {
  const { model } = recordingModel("Yes.");
  model.generate = async () => ({ text: "Yes.", stopReason: "eos", tokens: 5, promptTokens: 120, evaluatedPromptTokens: 20, reusedPromptTokens: 100, promptMs: 250, durationMs: 650 });
  const result = await runChatTurn({ model, chat: chat(), character: card(), persona, settings: { samplers }, mode: "reply", now });
  assert.deepEqual(result.timings, { promptTokens: 120, evaluatedPromptTokens: 20, reusedPromptTokens: 100, promptMs: 250, durationMs: 650, tokensPerSecond: 10 });
  const bare = recordingModel("Yes.");
  const counted = await runChatTurn({ model: bare.model, chat: chat(), character: card(), persona, settings: { samplers }, mode: "reply", now });
  assert.equal(counted.timings.promptTokens, counted.prompt.tokens, "without the model's count, the built prompt's");
  assert.equal(counted.timings.reusedPromptTokens, counted.prompt.tokens - 7);
});

test("swipe regenerates from before the last reply; continue extends it; impersonate speaks as the user", async () => {
  const list = [...messages, message(3, "assistant", "Seraphina", "You are in")];
  const swipe = recordingModel("A new reply.");
  await runChatTurn({ model: swipe.model, chat: chat(list), character: card(), persona, settings: { samplers, template: "plain" }, mode: "swipe", now });
  assert.ok(!swipe.requests[0]!.prompt.includes("You are in"));
  const cont = recordingModel(" the forest.");
  const continued = await runChatTurn({ model: cont.model, chat: chat(list), character: card(), persona, settings: { samplers, template: "plain" }, mode: "continue", now });
  assert.equal(continued.text, "You are in the forest.");
  assert.ok(cont.requests[0]!.prompt.endsWith("Seraphina: You are in"));
  const imp = recordingModel(" I look up.");
  const impersonated = await runChatTurn({ model: imp.model, chat: chat(), character: card(), persona, settings: { samplers, template: "plain" }, mode: "impersonate", now });
  assert.equal(impersonated.text, "I look up.");
  assert.ok(imp.requests[0]!.prompt.endsWith("\nAnn:"));
});

test("the chat's own name-prefix choice is used unless the turn says otherwise", async () => {
  const c = { ...chat(), settings: { names: false } };
  const off = recordingModel("Hi.");
  await runChatTurn({ model: off.model, chat: c, character: card(), persona, settings: { samplers, template: "chatml" }, mode: "reply", now });
  assert.ok(off.requests[0]!.prompt.endsWith("<|im_start|>assistant\n"));
  assert.ok(!off.requests[0]!.prompt.includes("Ann: Where am I?"));
  const on = recordingModel("Hi.");
  await runChatTurn({ model: on.model, chat: c, character: card(), persona, settings: { samplers, template: "chatml", names: true }, mode: "reply", now });
  assert.ok(on.requests[0]!.prompt.endsWith("<|im_start|>assistant\nSeraphina:"));
});

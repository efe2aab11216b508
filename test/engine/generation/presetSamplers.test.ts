import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SamplerSettings } from "../../../src/core/samplers/types.ts";
import { resolveSamplers } from "../../../src/core/samplers/validate.ts";
import { GrammarError } from "../../../src/engine/generation/errors.ts";
import { loadModel, type LoadedModel } from "../../../src/engine/generation/loadModel.ts";
import { greedyReference, writeTinyChatModel } from "../../support/tinyGguf.ts";

// The tiny character-bigram model answers "Hi, Bryn." greedily and ends the line with
// end-of-generation: each setting below must visibly change that on real llama.cpp.
let model: LoadedModel;
const prompt = "<|im_start|>user\nEvening.<|im_end|>\n<|im_start|>assistant\n";
const reply = (samplers: Partial<SamplerSettings>) =>
  model.generate({ prompt, stops: [], samplers: resolveSamplers({ temperature: 0, maxTokens: 40 }, samplers) });

before(async () => {
  const dir = await mkdtemp(join(tmpdir(), "taproom-bias-"));
  model = await loadModel({ path: await writeTinyChatModel(join(dir, "tiny.gguf")), gpu: "cpu", threads: 1, contextSize: 256 });
});

after(async () => {
  await model.unload();
});

test("the plain greedy reply, for comparison", async () => {
  assert.equal((await reply({})).text, greedyReference(prompt, 40));
  assert.equal((await reply({})).text, "Hi, Bryn.");
});

test("a banned token line keeps its text's tokens out of the reply", async () => {
  const result = await reply({ bannedTokens: [","] });
  assert.ok(result.text.length > 0);
  assert.ok(!result.text.includes(","), result.text);
  assert.notEqual(result.text, "Hi, Bryn.");
});

test("a ban by token id ([id]) and a logit bias row of -100 on verbatim text keep those tokens out too", async () => {
  const [h] = model["model"].tokenize("H", false);
  const byId = await reply({ bannedTokens: [`[${h}]`] });
  assert.ok(!byId.text.startsWith("H"), byId.text);
  const biased = await reply({ logitBias: [{ text: "{i}", value: -100 }] });
  assert.ok(!biased.text.includes("i"), biased.text);
  assert.notEqual(biased.text, "Hi, Bryn.");
});

test("a grammar constrains the reply", async () => {
  const result = await reply({ grammar: 'root ::= "Bryn" [.!] "\\n"?' });
  assert.match(result.text, /^Bryn[.!]\n?$/);
});

test("banning end of generation keeps it writing to max tokens", async () => {
  const result = await reply({ banEos: true });
  assert.equal(result.stopReason, "max-tokens");
  assert.equal(result.tokens, 40);
  assert.ok(result.text.startsWith("Hi, Bryn."), result.text);
});

test("a grammar llama.cpp cannot read is a GrammarError, not a crash", async () => {
  await assert.rejects(reply({ grammar: "root ::= (" }), GrammarError);
});

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveSamplers } from "../../../src/core/samplers/validate.ts";
import { loadModel, type LoadedModel } from "../../../src/engine/generation/loadModel.ts";
import { ModelLoadCancelledError, ModelLoadError } from "../../../src/engine/generation/errors.ts";
import { greedyReference, tinyChatModelBytes, writeTinyChatModel } from "../../support/tinyGguf.ts";

let dir: string;
let model: LoadedModel;
const greedy = resolveSamplers({ temperature: 0, maxTokens: 60 });
const chatPrompt = "<|im_start|>user\nEvening.<|im_end|>\n<|im_start|>assistant\n";

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "taproom-engine-"));
  model = await loadModel({ path: await writeTinyChatModel(join(dir, "tiny.gguf")), gpu: "cpu", threads: 1, contextSize: 512 });
});

after(async () => {
  await model.unload();
});

test("the planner's choices are applied and explained", () => {
  assert.equal(model.info.backend, "cpu");
  assert.equal(model.info.gpuLayers, 0);
  assert.equal(model.contextSize, 512);
  assert.equal(model.info.threads, 1);
  assert.ok(model.info.reasons.length > 0);
  assert.match(model.chatTemplate ?? "", /<\|im_start\|>/);
});

test("greedy output equals the TypeScript reference token for token, and stops at end of line", async () => {
  const streamed: string[] = [];
  const result = await model.generate({ prompt: chatPrompt, stops: [], samplers: greedy, onText: (t) => streamed.push(t) });
  const expected = greedyReference(chatPrompt, 60);
  assert.equal(expected, "Hi, Bryn.");
  assert.equal(result.text, expected);
  assert.equal(result.stopReason, "eos");
  assert.equal(result.tokens, expected.length);
  assert.equal(streamed.join(""), expected);
});

test("the model panel's figures: prompt-eval time, memory taken, no VRAM on the CPU", async () => {
  const result = await model.generate({ prompt: chatPrompt, stops: [], samplers: greedy });
  assert.ok(result.promptMs > 0 && result.promptMs <= result.durationMs, `prompt ${result.promptMs} ms of ${result.durationMs} ms`);
  assert.ok(result.tokensPerSecond > 0);
  assert.ok(model.info.weightsBytes > 0 && model.info.weightsBytes <= tinyChatModelBytes().byteLength, `weights ${model.info.weightsBytes}`);
  assert.equal(model.info.vramBytes, 0);
  assert.deepEqual(model.info.gpuNames, []);
  const usage = await model.memoryUsage();
  assert.deepEqual([usage.vramTotalBytes, usage.vramUsedBytes, usage.vramFreeBytes, usage.modelVramBytes], [0, 0, 0, 0]);
});

test("loading reports its progress, ending at 1", async () => {
  const seen: number[] = [];
  const other = await loadModel({ path: join(dir, "tiny.gguf"), gpu: "cpu", threads: 1, contextSize: 256, onProgress: (f) => seen.push(f) });
  await other.unload();
  assert.ok(seen.length > 0);
  assert.equal(seen.at(-1), 1);
  assert.ok(seen.every((f, i) => f >= 0 && f <= 1 && (i === 0 || f >= seen[i - 1]!)));
});

test("a stop string ends the reply and is not part of it", async () => {
  const result = await model.generate({ prompt: chatPrompt, stops: [", B"], samplers: greedy });
  assert.equal(result.text, "Hi");
  assert.equal(result.stopReason, "stop-string");
});

test("max tokens cuts the reply", async () => {
  const result = await model.generate({ prompt: chatPrompt, stops: [], samplers: { ...greedy, maxTokens: 3 } });
  assert.equal(result.text, "Hi,");
  assert.equal(result.stopReason, "max-tokens");
});

test("abort keeps the partial text", async () => {
  const controller = new AbortController();
  const result = await model.generate({
    prompt: chatPrompt,
    stops: [],
    samplers: greedy,
    signal: controller.signal,
    onText: () => controller.abort(),
  });
  assert.equal(result.stopReason, "abort");
  assert.ok(result.text.length > 0 && "Hi, Bryn.".startsWith(result.text) && result.text !== "Hi, Bryn.");
});

test("the repetition penalty looks at the prompt and changes the output as predicted", async () => {
  const prompt = "Hi, Bryn.\n";
  const plain = await model.generate({ prompt, stops: [], samplers: greedy });
  const penalised = await model.generate({ prompt, stops: [], samplers: { ...greedy, repeatPenalty: 2, repeatLastN: 64 } });
  assert.equal(plain.text, greedyReference(prompt, 60));
  assert.equal(penalised.text, greedyReference(prompt, 60, { repeatPenalty: 2, lastN: 64 }));
  assert.notEqual(penalised.text, plain.text);
});

test("frequency and presence penalties over the last N tokens change the output as llama.cpp defines them", async () => {
  const prompt = "Hi, Bryn.\n";
  const cases = [
    { frequencyPenalty: 1.5, lastN: 64 },
    { presencePenalty: 1.5, lastN: 64 },
    { frequencyPenalty: 0.6, presencePenalty: 0.4, lastN: 16 },
    { frequencyPenalty: 0.6, presencePenalty: 0.4, lastN: 64 },
  ];
  const plain = greedyReference(prompt, 60);
  for (const c of cases) {
    const samplers = { ...greedy, repeatLastN: c.lastN, frequencyPenalty: c.frequencyPenalty ?? 0, presencePenalty: c.presencePenalty ?? 0 };
    const result = await model.generate({ prompt, stops: [], samplers });
    const expected = greedyReference(prompt, 60, c);
    assert.notEqual(expected, plain, `the case ${JSON.stringify(c)} should change the reference`);
    assert.equal(result.text, expected, JSON.stringify(c));
  }
});

test("the repetition range limits what is punished: with a range of 0 the penalty does nothing", async () => {
  const prompt = "Hi, Bryn.\n";
  const result = await model.generate({ prompt, stops: [], samplers: { ...greedy, repeatPenalty: 2, repeatLastN: 0 } });
  assert.equal(result.text, greedyReference(prompt, 60));
});

test("DRY punishes a phrase repeated from the prompt, not only from the reply, and its range limits it", async () => {
  const prompt = "Hi, Bryn.\nHi, Bryn.\nHi, Bryn.\n";
  const dry = { ...greedy, dryMultiplier: 5, dryBase: 1.75, dryAllowedLength: 2, drySequenceBreakers: ["\n"] };
  const plain = await model.generate({ prompt, stops: [], samplers: greedy });
  const punished = await model.generate({ prompt, stops: [], samplers: dry });
  const shortRange = await model.generate({ prompt, stops: [], samplers: { ...dry, dryLastN: 8 } });
  assert.equal(plain.text, "Hi, Bryn.");
  // After "Hi" the prompt's "Hi," repeats 2 tokens: "," loses 5 logits, so greedy takes
  // the next follower of "i" in the model's text ("n", from "Rain again"), then ".".
  assert.equal(punished.text, "Hin.");
  // The last 8 tokens ("Bryn.\nHi") hold no earlier "i": nothing to punish.
  assert.equal(shortRange.text, "Hi, Bryn.");
});

test("XTC at probability 1 removes every likely choice but the least likely of them", async () => {
  // At a line start the model's text has "H" 4/10, "S" 2/10, others 1/10: with a 0.15
  // threshold XTC drops "H" and keeps "S".
  const plain = await model.generate({ prompt: "\n", stops: [], samplers: greedy });
  const xtc = await model.generate({ prompt: "\n", stops: [], samplers: { ...greedy, xtcProbability: 1, xtcThreshold: 0.15 } });
  assert.ok(plain.text.startsWith("H"), plain.text);
  assert.ok(xtc.text.startsWith("S"), xtc.text);
});

test("a seed reproduces sampled output and another seed changes it", async () => {
  const hot = (seed: number) => resolveSamplers({ temperature: 2, topK: 0, topP: 1, minP: 0, seed, maxTokens: 40 });
  const first = await model.generate({ prompt: "\n", stops: [], samplers: hot(7) });
  const again = await model.generate({ prompt: "\n", stops: [], samplers: hot(7) });
  assert.equal(again.text, first.text);
  const others = [];
  for (const seed of [1, 2, 3, 4]) others.push((await model.generate({ prompt: "\n", stops: [], samplers: hot(seed) })).text);
  assert.ok(others.some((t) => t !== first.text), "different seeds should not all give the same text");
});

test("turn 2 reuses the KV cache and evaluates only the new tokens", async () => {
  const turn1 = `<|im_start|>user\nHello there, barkeep.<|im_end|>\n<|im_start|>assistant\n`;
  const first = await model.generate({ prompt: turn1, stops: [], samplers: greedy });
  const turn2 = `${turn1}${first.text}<|im_end|>\n<|im_start|>user\nA cup, please.<|im_end|>\n<|im_start|>assistant\n`;
  const second = await model.generate({ prompt: turn2, stops: [], samplers: greedy });
  const newTokens = second.promptTokens - first.promptTokens;
  assert.ok(second.reusedPromptTokens >= first.promptTokens - 1, `reused ${second.reusedPromptTokens} of ${first.promptTokens}`);
  assert.ok(second.evaluatedPromptTokens <= newTokens + 1, `evaluated ${second.evaluatedPromptTokens}, new ${newTokens}`);
});

test("files that are not loadable models give a one-line ModelLoadError, and the process carries on", async () => {
  const notGguf = join(dir, "notes.gguf");
  await writeFile(notGguf, "just some text, not a model");
  const truncated = join(dir, "cut.gguf");
  await writeFile(truncated, tinyChatModelBytes().subarray(0, 50_000));
  const cases: Array<[string, RegExp]> = [
    [join(dir, "missing.gguf"), /file not found/],
    [notGguf, /not a GGUF file/],
    [truncated, /truncated|corrupt/],
  ];
  for (const [path, reason] of cases) {
    await assert.rejects(loadModel({ path, gpu: "cpu", threads: 1 }), (error: unknown) => {
      assert.ok(error instanceof ModelLoadError);
      assert.match(error.message, reason);
      assert.ok(error.message.startsWith(path));
      assert.ok(!error.message.includes("\n"));
      return true;
    });
  }
});

test("a model the machine has too little memory for is refused in one line before llama.cpp allocates anything", async () => {
  const path = join(dir, "tiny.gguf");
  const small = { gpu: false as const, vramBytes: 0, ramBytes: 2 ** 30, cpuCores: 1 };
  await assert.rejects(loadModel({ path, machine: small, threads: 1 }), (error: unknown) => {
    assert.ok(error instanceof ModelLoadError);
    assert.match(error.message, /^.*tiny\.gguf: cannot run on this machine: it needs about [\d.]+ GiB of memory and there is 1\.0 GiB RAM/);
    assert.ok(!error.message.includes("\n"));
    return true;
  });
  await assert.rejects(loadModel({ path, machine: small, gpu: "cuda" }), /tiny\.gguf: --gpu cuda: this machine's backend is CPU only/);
});

test("the model screen can follow a load, cancel it, read the memory and unload at runtime", async () => {
  const path = join(dir, "tiny.gguf");
  const seen: number[] = [];
  const loaded = await loadModel({ path, gpu: "cpu", threads: 1, contextSize: 256, onProgress: (f) => seen.push(f) });
  assert.equal(seen[0], 0);
  assert.equal(seen.at(-1), 1);
  assert.ok(seen.every((f, i) => i === 0 || f >= seen[i - 1]!), `progress only grows: ${seen.join(", ")}`);
  const usage = await loaded.memoryUsage();
  assert.equal(usage.backend, "cpu");
  assert.deepEqual([usage.vramTotalBytes, usage.vramUsedBytes, usage.vramFreeBytes, usage.modelVramBytes], [0, 0, 0, 0]);
  assert.ok(usage.weightsBytes > 200_000 && usage.weightsBytes < 2 * tinyChatModelBytes().length, `weights ${usage.weightsBytes}`);
  assert.ok(usage.contextBytes > 0);
  assert.equal(loaded.unloaded, false);
  await loaded.unload();
  await loaded.unload();
  assert.equal(loaded.unloaded, true);

  const before = new AbortController();
  before.abort();
  await assert.rejects(loadModel({ path, gpu: "cpu", signal: before.signal }), ModelLoadCancelledError);
  const during = new AbortController();
  await assert.rejects(
    loadModel({ path, gpu: "cpu", threads: 1, signal: during.signal, onProgress: () => during.abort() }),
    (error: unknown) => error instanceof ModelLoadCancelledError && error.message.endsWith("tiny.gguf: loading cancelled"),
  );
  const after = await loadModel({ path, gpu: "cpu", threads: 1, contextSize: 256 });
  assert.equal((await after.generate({ prompt: chatPrompt, stops: [], samplers: greedy })).text, greedyReference(chatPrompt, 60));
  await after.unload();
});

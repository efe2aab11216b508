import { test } from "node:test";
import assert from "node:assert/strict";
import { chooseQuant, type QuantFit } from "../../../src/engine/planning/index.ts";
import { quantInfo } from "../../../src/engine/quants/index.ts";

/** A candidate as rateQuants makes them, for a 7B: speed, size and placement are what the rule reads. */
function fit(name: string, tokensPerSecond: number, over: Partial<QuantFit> = {}): QuantFit {
  const speed = { tokensPerSecond, gpuBytesPerToken: 0, cpuBytesPerToken: 0, gpuReadRate: 0, cpuReadRate: 0 };
  const quant = quantInfo(name)!;
  return { quant, fileBytes: (7e9 * quant.bitsPerWeight) / 8, fitsFully: true, gpuLayers: 41, totalLayers: 41, contextSize: 8192, maxFullContext: 8192, vramBytes: 0, ramBytes: 0, runnable: true, tokensPerSecond, speed, reasons: [], ...over };
}
const partial = (gpuLayers: number, totalLayers = 41): Partial<QuantFit> => ({ fitsFully: false, gpuLayers, totalLayers, maxFullContext: 0 });
const choose = (fits: QuantFit[], minSpeed?: number) => chooseQuant({ fits, hasGpu: true, ...(minSpeed !== undefined ? { minSpeed } : {}) });

test("a big GPU: the best quality, since every step up keeps most of the speed; the table is sorted best first", () => {
  const choice = choose([fit("Q4_K_M", 120), fit("Q8_0", 75), fit("Q6_K", 92), fit("Q5_K_M", 104)]);
  assert.equal(choice.chosen?.quant.name, "Q8_0");
  assert.deepEqual(choice.table.map((f) => f.quant.name), ["Q8_0", "Q6_K", "Q5_K_M", "Q4_K_M"]);
  assert.equal(choice.reason, "Q8_0 is the best quality that reaches reading speed here: about 75 tokens/s fully on the GPU with 8192 tokens of context.");
  assert.equal(choice.runnersUp.better, undefined);
  assert.equal(choice.runnersUp.worse?.fit.quant.name, "Q6_K");
  assert.match(choice.runnersUp.worse!.why, /^about 92 tokens\/s, but negligible loss \(KL divergence 0\.0055 against 0\.0014\)$/);
});

test("a step up that spills to the CPU and halves the speed is not taken: Q6_K fully on the GPU, not Q8_0 half on the CPU", () => {
  const choice = choose([fit("Q8_0", 17, partial(29)), fit("Q6_K", 32), fit("Q5_K_M", 37), fit("Q4_K_M", 44)]);
  assert.equal(choice.chosen?.quant.name, "Q6_K");
  assert.equal(choice.runnersUp.better?.fit.quant.name, "Q8_0");
  assert.equal(choice.runnersUp.better?.why, "about 17 tokens/s with layers on the CPU, 47% slower than Q6_K for little less loss (KL divergence 0.0014 against 0.0055)");
  const gap = choose([fit("Q8_0", 120), fit("Q4_K_M", 180)]);
  assert.equal(gap.chosen?.quant.name, "Q8_0", "a repository without the quants between: the step is judged by size, not count");
});

test("quants above Q4_K_M must reach twice the floor: a 13B on 8 GB gets Q4_K_M with a few layers on the CPU", () => {
  const choice = choose([fit("Q5_K_M", 10, partial(30)), fit("Q4_K_M", 15, partial(34)), fit("IQ4_XS", 20, partial(37)), fit("Q3_K_M", 31), fit("IQ2_XXS", 49)]);
  assert.equal(choice.chosen?.quant.name, "Q4_K_M");
  assert.match(choice.reason, /^Q4_K_M is the best quality that reaches reading speed here: about 15 tokens\/s with 34 of 41 layers on the GPU and the rest on the CPU\.$/);
  assert.equal(choice.runnersUp.better?.why, "about 10 tokens/s, under the 16 tokens/s asked of quants above Q4_K_M");
  assert.match(choice.runnersUp.worse!.why, /^about 20 tokens\/s, but moderate loss/);
});

test("an extreme-loss quant is never taken where a better one reaches the floor, however fast it is", () => {
  const choice = choose([fit("Q4_K_M", 6, partial(20)), fit("Q3_K_M", 9, partial(30)), fit("IQ2_XXS", 60)]);
  assert.equal(choice.chosen?.quant.name, "Q3_K_M");
});

test("extreme loss comes last: only when nothing better reaches even half the floor", () => {
  const halfway = choose([fit("Q4_K_M", 1.8, partial(43, 81)), fit("IQ3_XXS", 4.8, partial(63, 81)), fit("IQ2_M", 7.2, partial(69, 81)), fit("IQ2_XXS", 27)]);
  assert.equal(halfway.chosen?.quant.name, "IQ3_XXS");
  assert.match(halfway.reason, /^Nothing reaches 8 tokens\/s here without extreme loss; IQ3_XXS is the best quality at about 4\.8 tokens\/s with 63 of 81 layers on the GPU and the rest on the CPU, and a smaller model would be faster\.$/);
  assert.match(halfway.runnersUp.worse!.why, /extreme loss/);
  const crawl = choose([fit("Q4_K_M", 1.8, partial(43, 81)), fit("IQ3_XXS", 3.1, partial(55, 81)), fit("IQ2_XXS", 27)]);
  assert.equal(crawl.chosen?.quant.name, "IQ2_XXS");
  assert.match(crawl.reason, /^Only an extreme-loss quant reaches 8 tokens\/s here: IQ2_XXS at about 27 tokens\/s fully on the GPU/);
  assert.equal(crawl.runnersUp.better?.why, "about 3.1 tokens/s, under the 8 tokens/s floor");
});

test("nothing near reading speed: Q4_K_M, said to be slow; nothing runnable: no choice, and why", () => {
  const slow = chooseQuant({ hasGpu: false, fits: [fit("Q8_0", 0.7, partial(0)), fit("Q4_K_M", 1.2, partial(0)), fit("IQ3_M", 1.6, partial(0)), fit("IQ2_XXS", 2.3, partial(0))] });
  assert.equal(slow.chosen?.quant.name, "Q4_K_M");
  assert.equal(slow.reason, "Nothing runs near reading speed here; Q4_K_M runs at about 1.2 tokens/s on the CPU, and a smaller model would be faster.");
  const none = chooseQuant({ hasGpu: false, fits: [fit("Q4_K_M", 0, { runnable: false }), fit("Q2_K", 0, { runnable: false })] });
  assert.equal(none.chosen, undefined);
  assert.match(none.reason, /even Q2_K needs more memory than this machine has/);
});

test("a higher --min-speed moves the choice down; a lower one lets a slower, better quant through", () => {
  const fits = [fit("Q6_K", 15, partial(38)), fit("Q5_K_M", 17, partial(40)), fit("Q4_K_M", 19), fit("IQ3_M", 25)];
  assert.equal(choose(fits).chosen?.quant.name, "Q5_K_M");
  assert.equal(choose(fits, 5).chosen?.quant.name, "Q6_K");
  assert.equal(choose(fits, 25).chosen?.quant.name, "IQ3_M");
  assert.equal(choose(fits, 25).minSpeed, 25);
});

test("a big GPU gets Q8_0, not the F16 or F32 file beside it; a repo of floats only still gets one", () => {
  const choice = choose([fit("F32", 40), fit("F16", 70), fit("Q8_0", 120), fit("Q4_K_M", 180)]);
  assert.equal(choice.chosen?.quant.name, "Q8_0");
  assert.equal(choice.runnersUp.better?.why, "about 70 tokens/s, a far larger file for no difference you would notice in chat");
  assert.deepEqual(choice.table.map((f) => f.quant.name), ["F32", "F16", "Q8_0", "Q4_K_M"], "the table still lists every file");
  const floatsOnly = choose([fit("F16", 40), fit("F32", 10, partial(20))]);
  assert.equal(floatsOnly.chosen?.quant.name, "F16");
});

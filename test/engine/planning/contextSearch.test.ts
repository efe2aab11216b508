import { test } from "node:test";
import assert from "node:assert/strict";
import { CONTEXT_STEP, largestContext, maxFullContext, modelVerdict, planLoad, rateQuants, type MachineFacts } from "../../../src/engine/planning/index.ts";
import { architectureById, estimateFileBytes, quantInfo } from "../../../src/engine/quants/index.ts";

const GiB = 2 ** 30;

test("largestContext: the largest step that fits, found by bisection, or nothing when even the smallest does not", () => {
  let calls = 0;
  const fits = (limit: number) => (contextSize: number) => (calls++, contextSize <= limit);
  assert.equal(largestContext(256, 131072, fits(10_000)), 9984);
  assert.ok(calls < 15, `${calls} tries`);
  assert.equal(largestContext(4096, 8192, fits(20_000)), 8192);
  assert.equal(largestContext(4096, 8192, fits(4000)), undefined);
  assert.equal(largestContext(8192, 4096, fits(99_999)), undefined);
  assert.equal(CONTEXT_STEP, 256);
});

test("plan, fit and the library's verdict agree on the most context that fits on the GPU: one search", () => {
  const shape = architectureById("llama3-8b")!;
  const fileBytes = estimateFileBytes(shape.parameters, quantInfo("Q6_K")!);
  const machine: MachineFacts = { gpu: "cuda", vramBytes: 8 * GiB, ramBytes: 32 * GiB, cpuCores: 8 };
  const most = maxFullContext({ shape, fileBytes, machine });
  assert.ok(most > 4096 && most < 32768 && most % CONTEXT_STEP === 0, String(most));
  const [rated] = rateQuants({ shape, candidates: [{ quant: quantInfo("Q6_K")!, fileBytes }], machine, contextSize: 4096 });
  assert.equal(rated?.maxFullContext, most);
  const facts = { ...shape, architecture: "llama", quant: "Q6_K" };
  assert.equal(modelVerdict({ facts, fileBytes, machine, contextSize: 4096 }).maxContext, most);
  const tooMuch = planLoad({ model: { ...facts, fileBytes }, machine, wishes: { contextSize: 32768 } });
  assert.ok(tooMuch.suggestions.includes(`--context ${most} would fit all 33 layers on the GPU`), tooMuch.suggestions.join(" | "));
});

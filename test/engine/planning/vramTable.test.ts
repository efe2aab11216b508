import { test } from "node:test";
import assert from "node:assert/strict";
import { fitModelSize, shapeForSize, type FitReport } from "../../../src/engine/planning/index.ts";
import { parseParameterCount, qualityLoss } from "../../../src/engine/quants/index.ts";

const GiB = 2 ** 30;

/**
 * What an experienced llama.cpp user would download for 8K tokens of context, a
 * current GQA model of each size, 64 GB of RAM and a card of each size whose name
 * taproom does not know (so its bandwidth is the assumption for its memory class).
 * Each cell lists the answers such a user would accept, the first being the usual one.
 */
const TABLE: Record<string, Record<string, { accept: string[]; why: string }>> = {
  "7B": {
    "8GB": { accept: ["Q6_K", "Q5_K_M"], why: "Q6_K (5.5 GiB) fits with the 8K cache; Q8_0 (7.2 GiB) would spill layers to the CPU for no audible gain" },
    "12GB": { accept: ["Q8_0"], why: "Q8_0 fits with room to spare" },
    "16GB": { accept: ["Q8_0"], why: "Q8_0 fits; F16 is twice the size for nothing in chat" },
    "24GB": { accept: ["Q8_0"], why: "as above" },
    "48GB": { accept: ["Q8_0"], why: "as above" },
  },
  "13B": {
    "8GB": { accept: ["Q4_K_M", "IQ4_XS"], why: "Q4_K_M with a few layers on the CPU still reads at over 10 tokens/s; IQ2_XXS would fit but loses far more (issue 17)" },
    "12GB": { accept: ["Q5_K_M", "Q6_K"], why: "Q5_K_M fits fully with the 1.25 GiB cache; Q6_K just does not" },
    "16GB": { accept: ["Q8_0", "Q6_K"], why: "Q8_0 (12.9 GiB) fits with the cache" },
    "24GB": { accept: ["Q8_0"], why: "Q8_0 fits easily" },
    "48GB": { accept: ["Q8_0"], why: "Q8_0 fits easily" },
  },
  "34B": {
    "8GB": { accept: ["IQ3_XXS", "IQ3_M", "Q3_K_M"], why: "too big for 8 GB: a 3-bit quant half on the CPU at a few tokens/s, or a smaller model" },
    "12GB": { accept: ["Q3_K_M", "IQ3_M", "IQ3_XXS"], why: "3-bit with a third of the layers on the CPU; 2-bit would fit more but loses too much" },
    "16GB": { accept: ["Q3_K_M", "IQ3_M", "IQ4_XS"], why: "Q3_K_M with a few layers on the CPU reaches reading speed" },
    "24GB": { accept: ["Q4_K_M", "IQ4_XS"], why: "the classic 32B-on-a-3090 choice: Q4_K_M fully on the GPU" },
    "48GB": { accept: ["Q6_K", "Q8_0"], why: "Q6_K fully on the GPU; Q8_0 fits too but reads slower than twice the floor" },
  },
  "70B": {
    "8GB": { accept: ["Q4_K_M", "IQ4_XS", "Q3_K_M"], why: "nothing runs well: Q4_K_M mostly from RAM at about 1 token/s, if at all" },
    "12GB": { accept: ["Q4_K_M", "IQ4_XS", "Q3_K_M"], why: "the same, a little faster" },
    "16GB": { accept: ["IQ2_XXS", "IQ2_XS", "IQ3_XXS"], why: "a 2-bit quant mostly on the GPU at about 4 tokens/s is the only way near reading speed" },
    "24GB": { accept: ["IQ3_XXS", "IQ3_M"], why: "IQ3_XXS with most layers on the GPU rather than IQ2_XXS fully on it (issue 17: a Q3 mostly on the GPU beats a 2-bit)" },
    "48GB": { accept: ["Q4_K_M", "IQ4_XS"], why: "Q4_K_M fully on two 24 GB cards or one 48 GB card" },
  },
};

function fit(params: string, vram: string): FitReport {
  const parameters = parseParameterCount(params)!;
  const { shape, source } = shapeForSize(parameters);
  const machine = { gpu: "cuda" as const, vramBytes: Number.parseInt(vram, 10) * GiB, ramBytes: 64 * GiB };
  return fitModelSize({ parameters, shape, shapeSource: source, machine, contextSize: 8192 });
}

test("over 8-48 GB x 7-70B the choice is one an experienced user would make", () => {
  const misses: string[] = [];
  for (const [params, row] of Object.entries(TABLE)) {
    for (const [vram, cell] of Object.entries(row)) {
      const chosen = fit(params, vram).choice.chosen?.quant.name ?? "nothing";
      if (!cell.accept.includes(chosen)) misses.push(`${params} on ${vram}: ${chosen}, expected ${cell.accept.join(" or ")} (${cell.why})`);
    }
  }
  assert.deepEqual(misses, []);
});

test("in every cell: never an extreme-loss quant where a better one reaches the floor, and the floor is met when it can be", () => {
  for (const [params, row] of Object.entries(TABLE)) {
    for (const vram of Object.keys(row)) {
      const { choice } = fit(params, vram);
      const chosen = choice.chosen!;
      const better = choice.table.filter((f) => f.runnable && f.quant.family !== "float" && qualityLoss(f.quant) !== "extreme" && f.tokensPerSecond >= choice.minSpeed);
      if (qualityLoss(chosen.quant) === "extreme") assert.deepEqual(better.map((f) => f.quant.name), [], `${params} on ${vram}`);
      if (better.length > 0) assert.ok(chosen.tokensPerSecond >= choice.minSpeed, `${params} on ${vram}: ${chosen.quant.name} at ${chosen.tokensPerSecond}`);
    }
  }
});

test("the 13B on 8 GB of the issue: Q4_K_M at about 13 tokens/s with a few layers on the CPU, runner-ups on either side", () => {
  const { choice, shape } = fit("13B", "8GB");
  assert.equal(shape.kvHeads, 8, "a current GQA shape, not Llama-2-13B's 40 KV heads");
  const chosen = choice.chosen!;
  assert.equal(chosen.quant.name, "Q4_K_M");
  assert.ok(chosen.gpuLayers >= 30 && chosen.gpuLayers < chosen.totalLayers, `${chosen.gpuLayers}/${chosen.totalLayers}`);
  assert.ok(chosen.tokensPerSecond > 10 && chosen.tokensPerSecond < 20, String(chosen.tokensPerSecond));
  assert.equal(choice.runnersUp.better?.fit.quant.name, "Q5_K_M");
  assert.equal(choice.runnersUp.worse?.fit.quant.name, "IQ4_XS");
});

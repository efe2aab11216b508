import { test } from "node:test";
import assert from "node:assert/strict";
import { chooseQuant, type QuantFit } from "../../../src/engine/fit/chooseQuant.ts";
import { quantInfo } from "../../../src/engine/quants/index.ts";

function fit(name: string, over: Partial<QuantFit>): QuantFit {
  return { quant: quantInfo(name)!, fileBytes: 1, fitsFully: false, gpuLayers: 0, totalLayers: 33, contextSize: 8192, maxFullContext: 0, vramBytes: 0, ramBytes: 0, runnable: true, reasons: [], ...over };
}

test("the best quality that fits fully with the wanted context wins, whatever the input order", () => {
  const choice = chooseQuant({
    hasGpu: true,
    wantedContext: 8192,
    fits: [fit("Q4_K_M", { fitsFully: true }), fit("Q8_0", { gpuLayers: 20 }), fit("Q6_K", { fitsFully: true, contextSize: 4096 }), fit("Q5_K_M", { fitsFully: true })],
  });
  assert.equal(choice.chosen?.quant.name, "Q5_K_M");
  assert.deepEqual(choice.table.map((f) => f.quant.name), ["Q8_0", "Q6_K", "Q5_K_M", "Q4_K_M"]);
  assert.match(choice.reason, /Q5_K_M is the best quality that fits fully on the GPU with 8192 tokens.*Q8_0, Q6_K/);
});

test("when nothing fits fully, a partly offloaded quant no bigger than Q4_K_M is chosen", () => {
  const choice = chooseQuant({
    hasGpu: true,
    wantedContext: 8192,
    fits: [fit("Q8_0", { gpuLayers: 10 }), fit("Q4_K_M", { gpuLayers: 20 }), fit("Q2_K", { gpuLayers: 30 })],
  });
  assert.equal(choice.chosen?.quant.name, "Q4_K_M");
  assert.match(choice.reason, /Nothing fits fully.*Q4_K_M runs with 20 of 33 layers on the GPU.*larger quants would also run/);
});

test("CPU only: Q4_K_M from RAM; nothing runnable: no choice and why", () => {
  const cpu = chooseQuant({ hasGpu: false, wantedContext: 8192, fits: [fit("Q6_K", {}), fit("Q4_K_M", {}), fit("IQ3_M", {})] });
  assert.equal(cpu.chosen?.quant.name, "Q4_K_M");
  assert.match(cpu.reason, /^No GPU: Q4_K_M runs on the CPU from RAM/);
  const none = chooseQuant({ hasGpu: false, wantedContext: 8192, fits: [fit("Q4_K_M", { runnable: false }), fit("Q2_K", { runnable: false })] });
  assert.equal(none.chosen, undefined);
  assert.match(none.reason, /even Q2_K needs more memory than this machine has/);
});

test("a big GPU gets Q8_0, not the F16 or F32 file beside it; a repo of floats only still gets one", () => {
  const choice = chooseQuant({
    hasGpu: true,
    wantedContext: 8192,
    fits: [fit("F32", { fitsFully: true }), fit("F16", { fitsFully: true }), fit("Q8_0", { fitsFully: true }), fit("Q4_K_M", { fitsFully: true })],
  });
  assert.equal(choice.chosen?.quant.name, "Q8_0");
  assert.match(choice.reason, /^Q8_0 is the best quality that fits fully .* F32 and F16 would fit too, but are far larger files for no difference you would notice in chat\.$/);
  assert.deepEqual(choice.table.map((f) => f.quant.name), ["F32", "F16", "Q8_0", "Q4_K_M"], "the table still lists every file");
  const floatsOnly = chooseQuant({ hasGpu: true, wantedContext: 8192, fits: [fit("F16", { fitsFully: true }), fit("F32", { gpuLayers: 20 })] });
  assert.equal(floatsOnly.chosen?.quant.name, "F16");
});

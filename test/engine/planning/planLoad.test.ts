import { test } from "node:test";
import assert from "node:assert/strict";
import { planLoad, LoadPlanError, type LoadWishes } from "../../../src/engine/planning/planLoad.ts";
import { architectureById, estimateFileBytes, quantInfo } from "../../../src/engine/quants/index.ts";
import type { MachineFacts } from "../../../src/engine/planning/machine.ts";
import { readModelFile } from "../../../src/engine/generation/readModelFile.ts";
import { writeTinyChatModel } from "../../support/tinyGguf.ts";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

const GiB = 2 ** 30;

function model(id: string, quant = "Q4_K_M") {
  const shape = architectureById(id)!;
  return { ...shape, architecture: "llama", quant, fileBytes: estimateFileBytes(shape.parameters, quantInfo(quant)!) };
}

const cuda = (vramGiB: number, ramGiB = 32, cpuCores = 8): MachineFacts => ({ gpu: "cuda", vramBytes: vramGiB * GiB, ramBytes: ramGiB * GiB, cpuCores, gpuNames: ["RTX"] });
const cpuOnly = (ramGiB: number, cpuCores: number): MachineFacts => ({ gpu: false, vramBytes: 0, ramBytes: ramGiB * GiB, cpuCores });
const plan = (id: string, machine: MachineFacts, wishes: LoadWishes = {}, quant?: string) => planLoad({ model: model(id, quant), machine, wishes });

test("7B Q4_K_M on 8 GB: every layer on the GPU, 8192 context, few threads, flash attention", () => {
  const p = plan("mistral-7b", cuda(8));
  assert.equal(p.fitsFully, true);
  assert.equal(p.backend, "cuda");
  assert.equal(p.gpuLayers, 33);
  assert.equal(p.totalLayers, 33);
  assert.equal(p.contextSize, 8192);
  assert.equal(p.threads, 2);
  assert.equal(p.flashAttention, true);
  assert.ok(p.memory.vramBytes < 8 * GiB);
  assert.match(p.reasons[0]!, /^\d+\.\d GiB needed, 8\.0 GiB VRAM: all 33 layers on the GPU with 8192 context$/);
  assert.deepEqual(p.suggestions, []);
});

test("a long train context is not filled on its own: 8192 unless asked", () => {
  const p = plan("mistral-nemo-12b", cuda(80));
  assert.equal(p.contextSize, 8192);
  assert.ok(p.reasons.some((r) => /ask for more with --context \(the model was trained on 131072\)/.test(r)));
});

test("13B Q4_K_M on 8 GB: part on the GPU, says how many layers, suggests a smaller quant that fits", () => {
  const p = plan("llama2-13b", cuda(8));
  assert.equal(p.fitsFully, false);
  assert.equal(p.runnable, true);
  assert.ok(p.gpuLayers > 0 && p.gpuLayers < 41, `gpuLayers ${p.gpuLayers}`);
  assert.match(p.reasons[0]!, new RegExp(`holds ${p.gpuLayers} of 41 layers`));
  assert.match(p.reasons[0]!, new RegExp(`the other ${41 - p.gpuLayers} run on the CPU`));
  assert.equal(p.threads, 8, "the CPU layers need every core");
  assert.equal(p.flashAttention, false);
  const quant = /^(\w+) \(about (\d+\.\d) GiB\) would fit fully on the GPU/.exec(p.suggestions[0] ?? "");
  assert.ok(quant, p.suggestions.join(" | "));
  const suggested = quantInfo(quant[1]!)!;
  assert.ok(suggested.bitsPerWeight < quantInfo("Q4_K_M")!.bitsPerWeight);
  assert.equal(planLoad({ model: model("llama2-13b", suggested.name), machine: cuda(8) }).fitsFully, true, "the suggested quant really fits");
});

test("70B Q4_K_M on 24 GB: context shrinks to 4096 before layers are dropped, the rest in RAM", () => {
  const p = plan("llama3-70b", cuda(24, 64, 16));
  assert.equal(p.fitsFully, false);
  assert.equal(p.runnable, true);
  assert.equal(p.contextSize, 4096);
  assert.ok(p.reasons.some((r) => r === "context lowered from 8192 to 4096 tokens to keep more layers on the GPU"));
  const at8192 = plan("llama3-70b", cuda(24, 64, 16), { contextSize: 8192 });
  assert.ok(p.gpuLayers > at8192.gpuLayers, `${p.gpuLayers} layers at 4096 vs ${at8192.gpuLayers} at 8192`);
  assert.ok(p.gpuLayers > 30 && p.gpuLayers < 81);
  assert.equal(p.threads, 16);
  assert.ok(p.suggestions.length > 0);
});

test("a model that fits fully with a little less context gets the largest such context", () => {
  const machine = cuda(8);
  const full = plan("llama3-8b", machine, { contextSize: 8192 });
  const vramAt8192 = full.memory.vramBytes;
  // VRAM a little short of what 8192 tokens need, but room for more than 4096.
  const tight: MachineFacts = { ...machine, vramBytes: vramAt8192 + 640 * 2 ** 20 - 200 * 2 ** 20 };
  const p = plan("llama3-8b", tight);
  assert.equal(p.fitsFully, true);
  assert.ok(p.contextSize > 4096 && p.contextSize < 8192, String(p.contextSize));
  assert.ok(p.reasons.some((r) => r === `context lowered from 8192 to ${p.contextSize} tokens so that every layer fits on the GPU`));
});

test("CPU only: no layers on a GPU, threads = cores, no flash attention", () => {
  const p = plan("mistral-7b", cpuOnly(16, 2));
  assert.equal(p.backend, "cpu");
  assert.equal(p.gpuLayers, 0);
  assert.equal(p.threads, 2);
  assert.equal(p.flashAttention, false);
  assert.equal(p.runnable, true);
  assert.equal(p.contextSize, 8192);
  assert.match(p.reasons[0]!, /^no GPU: all 33 layers on the CPU with 8192 context/);
  assert.equal(plan("mistral-7b", cpuOnly(16, 6)).threads, 6);
});

test("--gpu cpu plans without the GPU the machine has", () => {
  const p = plan("mistral-7b", cuda(24), { gpu: "cpu" });
  assert.equal(p.backend, "cpu");
  assert.equal(p.gpuLayers, 0);
  assert.throws(() => plan("mistral-7b", cuda(24), { gpu: "metal" }), (e: unknown) => e instanceof LoadPlanError && /--gpu metal: this machine's backend is cuda/.test(e.message));
});

test("a model bigger than RAM is not runnable and says so", () => {
  const p = plan("llama3-70b", cpuOnly(16, 4));
  assert.equal(p.runnable, false);
  assert.equal(p.fitsFully, false);
  assert.equal(p.contextSize, 0);
  assert.match(p.reasons[0]!, /^cannot run on this machine: it needs about \d+\.\d GiB of memory and there is 16\.0 GiB RAM$/);
  assert.ok(p.suggestions.length > 0);
});

test("a smaller quant that would run is suggested when this one cannot", () => {
  const p = plan("llama2-13b", cpuOnly(12, 4), {}, "Q8_0");
  assert.equal(p.runnable, false);
  assert.match(p.suggestions[0]!, /^(\w+) \(about \d+\.\d GiB\) would run on this machine$/);
});

test("user overrides win: context, layers, threads, flash attention", () => {
  const p = plan("mistral-7b", cuda(8), { contextSize: 2048, gpuLayers: 10, threads: 3, flashAttention: false });
  assert.equal(p.contextSize, 2048);
  assert.equal(p.gpuLayers, 10);
  assert.equal(p.threads, 3);
  assert.equal(p.flashAttention, false);
  assert.ok(p.reasons.includes("10 GPU layers as asked"));
  assert.ok(p.reasons.includes("3 threads as asked"));
  const big = plan("mistral-7b", cuda(8), { contextSize: 32768 });
  assert.equal(big.contextSize, 32768, "an asked context is not shrunk to fit");
  assert.equal(plan("mistral-7b", cpuOnly(16, 2), { threads: 8 }).threads, 8);
});

test("a layer count that will not fit is kept, with a warning", () => {
  const p = plan("llama2-13b", cuda(8), { gpuLayers: 41 });
  assert.equal(p.gpuLayers, 41);
  assert.equal(p.fitsFully, false);
  assert.ok(p.reasons.some((r) => /^41 GPU layers as asked: warning, they need \d+\.\d GiB and 8\.0 GiB VRAM is there/.test(r)), p.reasons.join(" | "));
  const tooMany = plan("mistral-7b", cuda(8), { gpuLayers: 999 });
  assert.equal(tooMany.gpuLayers, 33);
});

test("Metal unified memory: GPU and CPU parts share the RAM", () => {
  const mac: MachineFacts = { gpu: "metal", vramBytes: 10.7 * GiB, ramBytes: 16 * GiB, cpuCores: 8 };
  const small = plan("mistral-7b", mac);
  assert.equal(small.backend, "metal");
  assert.equal(small.fitsFully, true);
  assert.equal(small.flashAttention, true);
  const huge = plan("llama3-70b", mac);
  assert.equal(huge.runnable, false);
  assert.match(huge.reasons[0]!, /16\.0 GiB unified memory$/);
});

test("context is capped at the model's train context, with a note", () => {
  const p = plan("llama2-7b", cuda(24), { contextSize: 16384 });
  assert.equal(p.contextSize, 4096);
  assert.ok(p.reasons.includes("context capped at the model's train context of 4096 tokens (asked for 16384)"));
  assert.equal(plan("llama2-7b", cuda(24)).contextSize, 4096, "the default never exceeds the train context");
});

test("free VRAM, when known, is what the plan uses", () => {
  const busy: MachineFacts = { ...cuda(8), freeVramBytes: 3 * GiB };
  const p = plan("mistral-7b", busy);
  assert.equal(p.fitsFully, false);
  assert.match(p.reasons[0]!, /3\.0 GiB free VRAM holds/);
});

test("with an unknown quant, only files smaller than this one are suggested", () => {
  const { quant: _quant, ...unknown } = model("llama2-13b");
  const p = planLoad({ model: unknown, machine: cuda(8) });
  const named = /^(\w+) \(about (\d+\.\d) GiB\)/.exec(p.suggestions[0] ?? "");
  assert.ok(named, p.suggestions.join(" | "));
  assert.ok(Number(named[2]) * GiB < unknown.fileBytes);
});

test("the plan says how fast it will generate and from which reads; GPU names give the bandwidth", () => {
  const named: MachineFacts = { ...cuda(24), gpuNames: ["NVIDIA GeForce RTX 3090"] };
  const full = plan("llama3-8b", named);
  assert.ok(full.tokensPerSecond > 80 && full.tokensPerSecond < 150, String(full.tokensPerSecond));
  assert.ok(full.reasons.some((r) => /^about \d+ tokens\/s: each token reads \d\.\d GiB from VRAM at 608 GB\/s$/.test(r)), full.reasons.join(" | "));
  const spilled = plan("llama2-13b", cuda(8));
  assert.ok(spilled.tokensPerSecond < full.tokensPerSecond / 4);
  assert.ok(spilled.reasons.some((r) => /^about \d+(\.\d)? tokens\/s: each token reads \d+\.\d GiB from VRAM at 195 GB\/s and \d+\.\d GiB from RAM at 39 GB\/s; bandwidth assumed \(typical of 8 GB cards; dual-channel DDR4\/DDR5\)$/.test(r)), spilled.reasons.join(" | "));
  const oneThread = plan("mistral-7b", cpuOnly(16, 1));
  const twoThreads = plan("mistral-7b", cpuOnly(16, 2));
  assert.ok(Math.abs(twoThreads.tokensPerSecond / oneThread.tokensPerSecond - 2) < 0.01, "one thread reads about 12 GB/s: the cores bound the CPU's speed");
  assert.equal(plan("llama3-70b", cpuOnly(16, 4)).tokensPerSecond, 0, "nothing when it cannot run");
});

test("a tiny model's speed reason names what each token reads, on the CPU and on the GPU (never a sentence cut at \"reads\")", async () => {
  // The tiny GGUF reads about 1 MiB a token: under the threshold below which the RAM side was left out, which left nothing to name.
  const path = await writeTinyChatModel(join(await mkdtemp(join(tmpdir(), "taproom-plan-tiny-")), "tiny.gguf"));
  const { facts, fileBytes } = await readModelFile(path);
  const tiny = { ...facts, fileBytes };
  const cases: Array<[MachineFacts, LoadWishes, string]> = [[cpuOnly(32, 8), {}, "RAM"], [cuda(8), {}, "VRAM"], [cuda(8), { gpuLayers: 0 }, "RAM"]];
  for (const [machine, wishes, where] of cases) {
    const reason = planLoad({ model: tiny, machine, wishes }).reasons.find((r) => r.includes("tokens/s"));
    assert.match(reason ?? "", new RegExp(`^about \\d+ tokens/s: each token reads \\d+(\\.\\d+)? (KiB|MiB) from ${where} at \\d+ GB/s(; bandwidth assumed \\(.+\\))?$`), reason);
  }
});

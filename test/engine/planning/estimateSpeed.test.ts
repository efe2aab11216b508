import { test } from "node:test";
import assert from "node:assert/strict";
import { estimateSpeed, knownGpuBandwidth, machineBandwidths, type MachineBandwidths } from "../../../src/engine/planning/index.ts";
import { architectureById, kvCacheBytes } from "../../../src/engine/quants/index.ts";

const GiB = 2 ** 30;
const ram = (gbps: number): MachineBandwidths["ram"] => ({ bytesPerSecond: gbps * 1e9, source: "test", assumed: false });
const gpu = (name: string): MachineBandwidths => ({ gpu: knownGpuBandwidth(name)!, ram: ram(60) });

function allOnGpu(id: string, fileGiB: number, bandwidths: MachineBandwidths, contextSize = 512): number {
  const shape = architectureById(id)!;
  const totalLayers = shape.layers + 1;
  return estimateSpeed({ shape, fileBytes: fileGiB * GiB, contextSize, gpuLayers: totalLayers, totalLayers, bandwidths }).tokensPerSecond;
}

function within(actual: number, published: number, share: number, what: string): void {
  assert.ok(Math.abs(actual / published - 1) <= share, `${what}: estimated ${actual.toFixed(1)}, published ${published}`);
}

test("the estimate reproduces published llama.cpp generation speeds within 15%", () => {
  // RTX 3080, Llama-3.1-8B Q4_K_M (4.58 GiB): 112 tokens/s (dmatora/LLM-inference-speed-benchmarks#12).
  within(allOnGpu("llama3-8b", 4.58, gpu("NVIDIA GeForce RTX 3080")), 112, 0.15, "RTX 3080");
  // Tesla P40, LLaMA-7B Q4_0 (3.56 GiB): 56.8 tokens/s (ggml-org/llama.cpp#4766).
  within(allOnGpu("llama2-7b", 3.56, gpu("Tesla P40")), 56.8, 0.15, "P40");
  // i9-13900K, DDR5-6400 (102 GB/s), LLaMA-7B Q4_0 on the CPU: 18.3 tokens/s with 8 threads, 12.7 with 4 (ggml-org/llama.cpp#34).
  const shape = architectureById("llama2-7b")!;
  const cpu = (cpuCores: number) => estimateSpeed({ shape, fileBytes: 3.56 * GiB, contextSize: 512, gpuLayers: 0, totalLayers: 33, bandwidths: { gpu: undefined, ram: ram(102.4) }, cpuCores }).tokensPerSecond;
  within(cpu(8), 18.3, 0.15, "13900K, 8 threads");
  within(cpu(4), 12.65, 0.15, "13900K, 4 threads");
});

test("layers on the GPU and on the CPU are read one after the other: their times add up", () => {
  const shape = architectureById("mistral-nemo-12b")!;
  const bandwidths: MachineBandwidths = { gpu: { bytesPerSecond: 300e9, source: "test", assumed: true }, ram: ram(60) };
  const fileBytes = 7.4 * GiB;
  const at = (gpuLayers: number) => estimateSpeed({ shape, fileBytes, contextSize: 8192, gpuLayers, totalLayers: 41, bandwidths });
  const full = at(41);
  const none = at(0);
  const split = at(32);
  assert.equal(full.cpuBytesPerToken < 1e6, true, "only one row of the token embedding comes from RAM");
  assert.ok(Math.abs(full.gpuBytesPerToken + full.cpuBytesPerToken - (none.gpuBytesPerToken + none.cpuBytesPerToken)) < 1, "the same bytes, wherever they are");
  const seconds = split.gpuBytesPerToken / split.gpuReadRate + split.cpuBytesPerToken / split.cpuReadRate;
  assert.ok(Math.abs(1 / seconds - split.tokensPerSecond) < 1e-9);
  assert.ok(full.tokensPerSecond > split.tokensPerSecond && split.tokensPerSecond > none.tokensPerSecond);
  // 9 of 41 layers on the CPU, at a fifth of the GPU's bandwidth, cost more time than the 32 on the GPU.
  assert.ok(split.cpuBytesPerToken / split.cpuReadRate > split.gpuBytesPerToken / split.gpuReadRate);
});

test("the KV cache read grows with the context, and weighs far more for a full-attention model", () => {
  const bandwidths = gpu("NVIDIA GeForce RTX 4090");
  const kept = (id: string, fileGiB: number, context: number) => allOnGpu(id, fileGiB, bandwidths, context) / allOnGpu(id, fileGiB, bandwidths, 512);
  assert.ok(kept("llama3-8b", 4.58, 32768) < 0.75, "GQA at 32K: the cache is a third of what is read");
  const gqa = kept("llama3-8b", 4.58, 4096);
  const mha = kept("llama2-7b", 3.8, 4096);
  assert.ok(gqa > 0.9 && mha < 0.85, `at 4K Llama-3-8B keeps ${gqa} of its speed, Llama-2-7B (32 KV heads) ${mha}`);
  // Half the context is read on average: 2 GiB of cache at 16K for Llama-3-8B.
  const shape = architectureById("llama3-8b")!;
  const full = estimateSpeed({ shape, fileBytes: 4.58 * GiB, contextSize: 32768, gpuLayers: 33, totalLayers: 33, bandwidths });
  const noCache = estimateSpeed({ shape, fileBytes: 4.58 * GiB, contextSize: 0, gpuLayers: 33, totalLayers: 33, bandwidths });
  assert.ok(Math.abs(full.gpuBytesPerToken - noCache.gpuBytesPerToken - kvCacheBytes(shape, 16384)) < 1);
});

test("bandwidths: known GPUs by the names llama.cpp reports, else an assumption for the memory class, said as such", () => {
  assert.equal(knownGpuBandwidth("NVIDIA GeForce RTX 4090")?.bytesPerSecond, 1008e9);
  assert.equal(knownGpuBandwidth("NVIDIA GeForce RTX 4060 Ti")?.bytesPerSecond, 288e9);
  assert.equal(knownGpuBandwidth("NVIDIA GeForce RTX 3060 Ti")?.bytesPerSecond, 448e9);
  assert.equal(knownGpuBandwidth("NVIDIA GeForce RTX 4090 Laptop GPU")?.bytesPerSecond, 576e9);
  assert.equal(knownGpuBandwidth("NVIDIA H100 80GB HBM3")?.bytesPerSecond, 3350e9);
  assert.equal(knownGpuBandwidth("AMD Radeon RX 7900 XTX")?.bytesPerSecond, 960e9);
  assert.equal(knownGpuBandwidth("AMD Radeon RX 7900 XT")?.bytesPerSecond, 800e9);
  assert.equal(knownGpuBandwidth("Some Future GPU"), undefined);
  const unknown = machineBandwidths({ gpu: "vulkan", vramBytes: 12 * GiB, ramBytes: 32 * GiB, gpuNames: ["Some Future GPU"] });
  assert.deepEqual(unknown.gpu, { bytesPerSecond: 400e9, source: "assumed: typical of 12 GB cards", assumed: true });
  assert.deepEqual(unknown.ram, { bytesPerSecond: 60e9, source: "assumed: dual-channel DDR4/DDR5", assumed: true });
  const twoCards = machineBandwidths({ gpu: "cuda", vramBytes: 48 * GiB, ramBytes: 64 * GiB, gpuNames: ["NVIDIA GeForce RTX 4090", "NVIDIA GeForce RTX 3090"] });
  assert.equal(twoCards.gpu?.source, "RTX 3090", "layers split over cards run at the slowest card's pace");
  const mac = machineBandwidths({ gpu: "metal", vramBytes: 48 * GiB, ramBytes: 64 * GiB, gpuNames: ["Apple M2 Max"] });
  assert.equal(mac.ram.bytesPerSecond, 400e9, "Apple's CPU reads the same unified memory");
  const given = machineBandwidths({ gpu: "cuda", vramBytes: 8 * GiB, ramBytes: 64 * GiB, gpuBandwidth: 272e9, ramBandwidth: 90e9 });
  assert.deepEqual([given.gpu?.bytesPerSecond, given.gpu?.assumed, given.ram.bytesPerSecond], [272e9, false, 90e9]);
  assert.equal(machineBandwidths({ gpu: false, vramBytes: 0, ramBytes: 8 * GiB }).gpu, undefined);
});

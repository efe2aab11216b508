import { kvCacheBytes, type ArchitectureShape } from "../quants/index.ts";
import type { MachineBandwidths } from "./bandwidth.ts";

/**
 * Share of the peak bandwidth llama.cpp reads weights at while generating. Measured:
 * an RTX 3080 (760 GB/s) generates 112 tokens/s with Llama-3.1-8B Q4_K_M, 4.6 GB read
 * per token, so 515 GB/s or 68% (dmatora/LLM-inference-speed-benchmarks#12, llama.cpp
 * 93bc3839); a Tesla P40 (347 GB/s) 56.8 tokens/s with LLaMA-7B Q4_0, 3.75 GB per
 * token, 61% (ggml-org/llama.cpp#4766); an i9-13900K on DDR5-6400 (102 GB/s) 18.3
 * tokens/s with LLaMA-7B Q4_0 on 8 threads, 68% (ggml-org/llama.cpp#34).
 */
export const BANDWIDTH_EFFICIENCY = 0.65;
/** One CPU thread streams about this much: the 13900K above read 48 GB/s with 4 threads. */
export const BYTES_PER_SECOND_PER_CORE = 12e9;

export interface SpeedEstimate {
  /** Tokens generated per second, the context half full. */
  tokensPerSecond: number;
  /** Bytes read per generated token from VRAM and from RAM (weights and KV cache). */
  gpuBytesPerToken: number;
  cpuBytesPerToken: number;
  /** Bytes per second each side is taken to read at. */
  gpuReadRate: number;
  cpuReadRate: number;
}

export interface EstimateSpeedOptions {
  shape: ArchitectureShape;
  fileBytes: number;
  contextSize: number;
  gpuLayers: number;
  /** Repeating layers plus the output layer. */
  totalLayers: number;
  bandwidths: MachineBandwidths;
  /** Cores the CPU layers run on; no limit when unknown. */
  cpuCores?: number;
}

/**
 * Generation is bound by memory reads: each token reads every weight once (all but
 * the token embedding, of which it reads one row) and the KV cache filled so far. Layers
 * on the GPU are read from VRAM, the rest from RAM, one after the other, so the times
 * add up. The context is taken as half full, the average over a chat that fills it.
 */
export function estimateSpeed(options: EstimateSpeedOptions): SpeedEstimate {
  const { shape, gpuLayers, totalLayers, bandwidths } = options;
  const bytesPerWeight = options.fileBytes / Math.max(1, shape.parameters);
  const embedding = Math.min(options.fileBytes / 2, shape.vocab * shape.embedding * bytesPerWeight);
  const weights = options.fileBytes - embedding;
  const gpuShare = totalLayers > 0 ? Math.min(gpuLayers, totalLayers) / totalLayers : 0;
  const kvPerLayer = kvCacheBytes(shape, options.contextSize / 2) / shape.layers;
  const gpuKvLayers = Math.min(gpuLayers, shape.layers);
  const gpuBytesPerToken = weights * gpuShare + kvPerLayer * gpuKvLayers;
  const cpuBytesPerToken = weights * (1 - gpuShare) + embedding / shape.vocab + kvPerLayer * (shape.layers - gpuKvLayers);
  const gpuReadRate = (bandwidths.gpu?.bytesPerSecond ?? 0) * BANDWIDTH_EFFICIENCY;
  const cores = options.cpuCores ?? Infinity;
  const cpuReadRate = Math.min(bandwidths.ram.bytesPerSecond * BANDWIDTH_EFFICIENCY, cores * BYTES_PER_SECOND_PER_CORE);
  const seconds = (gpuBytesPerToken > 0 ? gpuBytesPerToken / gpuReadRate : 0) + cpuBytesPerToken / cpuReadRate;
  return { tokensPerSecond: 1 / seconds, gpuBytesPerToken, cpuBytesPerToken, gpuReadRate, cpuReadRate };
}

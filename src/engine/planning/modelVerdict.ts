import type { LibraryFacts } from "../library/readModelFacts.ts";
import { machineBandwidths } from "./bandwidth.ts";
import { maxFullContext } from "./contextSearch.ts";
import { estimateFit } from "./estimateFit.ts";
import { estimateSpeed } from "./estimateSpeed.ts";
import { machineHasGpu, type FitMachine } from "./machine.ts";
import { shapeFromFacts } from "./shapes.ts";

/** Whether one model runs on one machine, in a word and a sentence. */
export interface ModelVerdict {
  fit: "full" | "partial" | "cpu" | "none";
  contextSize: number;
  /** When it fits fully: the most context (up to the train context) that still fits; else 0. */
  maxContext: number;
  gpuLayers: number;
  totalLayers: number;
  /** Estimated generation speed; 0 when it does not run. */
  tokensPerSecond?: number;
  /** "fits fully on the GPU, 8192 context", "partly: 20/41 layers on the GPU", ... */
  summary: string;
  reason: string;
}

export function modelVerdict(options: { facts: LibraryFacts; fileBytes: number; machine: FitMachine; contextSize: number }): ModelVerdict {
  const { facts, machine, fileBytes } = options;
  const contextSize = Math.min(options.contextSize, facts.trainContext);
  const shape = shapeFromFacts(facts);
  const estimate = estimateFit({ shape, fileBytes, contextSize, machine });
  const speed = estimateSpeed({ shape, fileBytes, contextSize, gpuLayers: estimate.gpuLayers, totalLayers: estimate.totalLayers, bandwidths: machineBandwidths(machine) });
  const base = { contextSize: estimate.contextSize, gpuLayers: estimate.gpuLayers, totalLayers: estimate.totalLayers, reason: estimate.reasons.join("; "), tokensPerSecond: estimate.runnable ? speed.tokensPerSecond : 0 };
  if (estimate.fitsFully) {
    const maxContext = maxFullContext({ shape, fileBytes, machine });
    const more = maxContext > contextSize ? ` (up to ${maxContext})` : "";
    return { ...base, maxContext, fit: "full", summary: `fits fully on the GPU with ${contextSize} context${more}` };
  }
  if (!estimate.runnable) return { ...base, maxContext: 0, fit: "none", summary: "does not fit (RAM too small)" };
  if (!machineHasGpu(machine) || estimate.gpuLayers === 0) return { ...base, maxContext: 0, fit: "cpu", summary: `runs on the CPU with ${contextSize} context` };
  return { ...base, maxContext: 0, fit: "partial", summary: `partly: ${estimate.gpuLayers}/${estimate.totalLayers} layers on the GPU, ${contextSize} context` };
}

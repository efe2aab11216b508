import { estimateFit } from "../fit/estimateFit.ts";
import { machineHasGpu, type FitMachine } from "../fit/machine.ts";
import { maxFullContext } from "../fit/planQuantFits.ts";
import type { LibraryFacts } from "./readModelFacts.ts";

/** Whether one model runs on one machine, in a word and a sentence. */
export interface ModelVerdict {
  fit: "full" | "partial" | "cpu" | "none";
  contextSize: number;
  /** When it fits fully: the most context (up to the train context) that still fits; else 0. */
  maxContext: number;
  gpuLayers: number;
  totalLayers: number;
  /** "fits fully on the GPU, 8192 context", "partly: 20/41 layers on the GPU", ... */
  summary: string;
  reason: string;
}

export function modelVerdict(options: { facts: LibraryFacts; fileBytes: number; machine: FitMachine; contextSize: number }): ModelVerdict {
  const { facts, machine } = options;
  const contextSize = Math.min(options.contextSize, facts.trainContext);
  const shape = { id: facts.architecture, like: facts.architecture, ...facts, vocab: facts.vocab || 32000 };
  const estimate = estimateFit({ shape, fileBytes: options.fileBytes, contextSize, machine });
  const base = { contextSize: estimate.contextSize, gpuLayers: estimate.gpuLayers, totalLayers: estimate.totalLayers, reason: estimate.reasons.join("; ") };
  if (estimate.fitsFully) {
    const maxContext = maxFullContext({ shape, fileBytes: options.fileBytes, machine });
    const more = maxContext > contextSize ? ` (up to ${maxContext})` : "";
    return { ...base, maxContext, fit: "full", summary: `fits fully on the GPU with ${contextSize} context${more}` };
  }
  if (!estimate.runnable) return { ...base, maxContext: 0, fit: "none", summary: "does not fit (RAM too small)" };
  if (!machineHasGpu(machine) || estimate.gpuLayers === 0) return { ...base, maxContext: 0, fit: "cpu", summary: `runs on the CPU with ${contextSize} context` };
  return { ...base, maxContext: 0, fit: "partial", summary: `partly: ${estimate.gpuLayers}/${estimate.totalLayers} layers on the GPU, ${contextSize} context` };
}

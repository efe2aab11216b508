import type { ArchitectureShape, QuantInfo } from "../quants/index.ts";
import type { QuantFit } from "./chooseQuant.ts";
import { estimateFit } from "./estimateFit.ts";
import type { FitMachine } from "./machine.ts";

export { machineHasGpu, type FitMachine } from "./machine.ts";

/** How each candidate quant would run on the machine with the wanted context. */
export function planQuantFits(options: {
  shape: ArchitectureShape;
  candidates: Array<{ quant: QuantInfo; fileBytes: number }>;
  machine: FitMachine;
  contextSize: number;
}): QuantFit[] {
  const { shape, machine } = options;
  return options.candidates.map(({ quant, fileBytes }) => ({
    quant,
    fileBytes,
    ...estimateFit({ shape, fileBytes, contextSize: options.contextSize, machine }),
    maxFullContext: maxFullContext({ shape, fileBytes, machine }),
  }));
}

const CONTEXT_STEP = 256;

/**
 * The most context (up to the train context, in steps of 256 tokens) with which the
 * model still fits fully on the GPU; 0 if it never does. Binary search: fitting fully
 * only gets harder as context grows.
 */
export function maxFullContext(options: { shape: ArchitectureShape; fileBytes: number; machine: FitMachine }): number {
  const fits = (steps: number) => estimateFit({ ...options, contextSize: steps * CONTEXT_STEP }).fitsFully;
  let low = 0;
  let high = Math.floor(options.shape.trainContext / CONTEXT_STEP);
  if (!fits(1)) return 0;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (fits(mid)) low = mid;
    else high = mid - 1;
  }
  return low * CONTEXT_STEP;
}

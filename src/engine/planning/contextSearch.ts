import type { ArchitectureShape } from "../quants/index.ts";
import { fitsFullyOnGpu } from "./estimateFit.ts";
import type { FitMachine } from "./machine.ts";

/** Contexts are planned in steps of this many tokens. */
export const CONTEXT_STEP = 256;

/**
 * The largest context from `min` to `max` (in steps of CONTEXT_STEP) for which `fits`
 * holds, or undefined when even `min` does not. Binary search: `fits` must only get
 * harder as the context grows, as memory does.
 */
export function largestContext(min: number, max: number, fits: (contextSize: number) => boolean): number | undefined {
  let low = Math.max(1, Math.ceil(min / CONTEXT_STEP));
  let high = Math.floor(max / CONTEXT_STEP);
  if (high < low || !fits(low * CONTEXT_STEP)) return undefined;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (fits(mid * CONTEXT_STEP)) low = mid;
    else high = mid - 1;
  }
  return low * CONTEXT_STEP;
}

/** The most context (up to the train context) with which every layer fits on the GPU; 0 if none does. */
export function maxFullContext(options: { shape: ArchitectureShape; fileBytes: number; machine: FitMachine }): number {
  return largestContext(CONTEXT_STEP, options.shape.trainContext, (contextSize) => fitsFullyOnGpu(options, contextSize)) ?? 0;
}

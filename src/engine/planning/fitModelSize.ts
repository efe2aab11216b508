import { estimateFileBytes, quantInfo, type ArchitectureShape, type QuantInfo } from "../quants/index.ts";
import { machineBandwidths, type MachineBandwidths } from "./bandwidth.ts";
import { chooseQuant, type QuantChoice } from "./chooseQuant.ts";
import { machineHasGpu, type FitMachine } from "./machine.ts";
import { rateQuants } from "./rateQuants.ts";
import type { ShapeSource } from "./shapes.ts";

/** The quants people publish (the usual set of a bartowski-style repository), best first: what `taproom fit` compares. */
export const COMMON_QUANTS: readonly QuantInfo[] = ["F16", "Q8_0", "Q6_K", "Q5_K_M", "Q4_K_M", "IQ4_XS", "Q3_K_M", "IQ3_M", "IQ3_XXS", "Q2_K", "IQ2_M", "IQ2_XS", "IQ2_XXS"].map(
  (name) => quantInfo(name)!,
);

export interface FitModelSizeOptions {
  parameters: number;
  shape: ArchitectureShape;
  shapeSource: ShapeSource;
  machine: FitMachine;
  contextSize: number;
  /** Reading-speed floor in tokens/s. */
  minSpeed?: number;
}

export interface FitReport {
  parameters: number;
  shape: ArchitectureShape;
  shapeSource: ShapeSource;
  /** The context asked for, capped at the shape's train context. */
  wantedContext: number;
  bandwidths: MachineBandwidths;
  choice: QuantChoice;
}

/** Which quant of a model this size and shape to download for this machine, before any file exists. */
export function fitModelSize(options: FitModelSizeOptions): FitReport {
  const shape = { ...options.shape, parameters: options.parameters };
  const wantedContext = Math.min(options.contextSize, shape.trainContext);
  const bandwidths = machineBandwidths(options.machine);
  const candidates = COMMON_QUANTS.map((quant) => ({ quant, fileBytes: estimateFileBytes(options.parameters, quant) }));
  const fits = rateQuants({ shape, candidates, machine: options.machine, contextSize: wantedContext, bandwidths });
  const choice = chooseQuant({ fits, hasGpu: machineHasGpu(options.machine), ...(options.minSpeed !== undefined ? { minSpeed: options.minSpeed } : {}) });
  return { parameters: options.parameters, shape, shapeSource: options.shapeSource, wantedContext, bandwidths, choice };
}

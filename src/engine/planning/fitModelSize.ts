import { estimateFileBytes, quantInfo, typicalArchitecture, type ArchitectureShape, type QuantInfo } from "../quants/index.ts";
import { chooseQuant, type QuantChoice } from "./chooseQuant.ts";
import { planQuantFits, machineHasGpu, type FitMachine } from "./planQuantFits.ts";

/** The quants people publish, best first: what `taproom fit` compares. */
export const COMMON_QUANTS: readonly QuantInfo[] = ["F16", "Q8_0", "Q6_K", "Q5_K_M", "Q4_K_M", "IQ4_XS", "Q3_K_M", "IQ3_M", "Q2_K", "IQ2_XXS"].map(
  (name) => quantInfo(name)!,
);

export interface FitModelSizeOptions {
  parameters: number;
  /** Defaults to the typical shape for the parameter count. */
  shape?: ArchitectureShape;
  machine: FitMachine;
  contextSize: number;
}

export interface FitReport {
  parameters: number;
  shape: ArchitectureShape;
  /** The context asked for, capped at the shape's train context. */
  wantedContext: number;
  choice: QuantChoice;
}

/** Which quant of a model this size to download for this machine, before any file exists. */
export function fitModelSize(options: FitModelSizeOptions): FitReport {
  const shape = options.shape ?? typicalArchitecture(options.parameters);
  const sized = { ...shape, parameters: options.parameters };
  const wantedContext = Math.min(options.contextSize, shape.trainContext);
  const candidates = COMMON_QUANTS.map((quant) => ({ quant, fileBytes: estimateFileBytes(options.parameters, quant) }));
  const fits = planQuantFits({ shape: sized, candidates, machine: options.machine, contextSize: wantedContext });
  const choice = chooseQuant({ fits, wantedContext, hasGpu: machineHasGpu(options.machine) });
  return { parameters: options.parameters, shape: sized, wantedContext, choice };
}

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
  return options.candidates.map(({ quant, fileBytes }) => ({
    quant,
    fileBytes,
    ...estimateFit({ shape: options.shape, fileBytes, contextSize: options.contextSize, machine: options.machine }),
  }));
}

import type { ArchitectureShape, QuantInfo } from "../quants/index.ts";
import { machineBandwidths, type MachineBandwidths } from "./bandwidth.ts";
import { maxFullContext } from "./contextSearch.ts";
import { estimateFit, unifiedMemoryFits } from "./estimateFit.ts";
import { estimateSpeed, type SpeedEstimate } from "./estimateSpeed.ts";
import type { FitMachine } from "./machine.ts";

/** How one quant of one model would run on one machine: memory, speed and quality. */
export interface QuantFit {
  quant: QuantInfo;
  /** Bytes of the weights file (all parts). */
  fileBytes: number;
  fitsFully: boolean;
  /** Layers offloaded to the GPU, and how many the model has (output layer included). */
  gpuLayers: number;
  totalLayers: number;
  /** Context the plan gives; 0 when it cannot run. */
  contextSize: number;
  /** The most context (up to the train context) with which it still fits fully on the GPU; 0 if none. */
  maxFullContext: number;
  vramBytes: number;
  ramBytes: number;
  /** False when even partial offload leaves too little RAM. */
  runnable: boolean;
  /** Estimated generation speed (0 when it cannot run). */
  tokensPerSecond: number;
  speed: SpeedEstimate;
  /** The planner's own words, first the most important. */
  reasons: string[];
}

export interface RateQuantsOptions {
  shape: ArchitectureShape;
  candidates: Array<{ quant: QuantInfo; fileBytes: number }>;
  machine: FitMachine;
  contextSize: number;
  /** Defaults to the machine's, looked up or assumed. */
  bandwidths?: MachineBandwidths;
}

/** How each candidate quant would run on the machine with the wanted context. */
export function rateQuants(options: RateQuantsOptions): QuantFit[] {
  const { shape, machine, contextSize } = options;
  const bandwidths = options.bandwidths ?? machineBandwidths(machine);
  return options.candidates.map(({ quant, fileBytes }) => {
    const estimate = estimateFit({ shape, fileBytes, contextSize, machine });
    const runnable = estimate.runnable && unifiedMemoryFits(machine, estimate);
    const speed = estimateSpeed({ shape, fileBytes, contextSize, gpuLayers: estimate.gpuLayers, totalLayers: estimate.totalLayers, bandwidths });
    return {
      quant,
      fileBytes,
      ...estimate,
      runnable,
      contextSize: runnable ? estimate.contextSize : 0,
      maxFullContext: maxFullContext({ shape, fileBytes, machine }),
      tokensPerSecond: runnable ? speed.tokensPerSecond : 0,
      speed,
    };
  });
}

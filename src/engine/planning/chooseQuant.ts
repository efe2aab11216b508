import { compareQuality, quantInfo, type QuantInfo } from "../quants/index.ts";

/** How one quant of one model would run on one machine, as the planner decided. */
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
  /** The planner's own words, first the most important. */
  reasons: string[];
}

export interface QuantChoice {
  /** Undefined when nothing runs on this machine. */
  chosen: QuantFit | undefined;
  /** One or two sentences a person reads. */
  reason: string;
  /** Every candidate, best quality first. */
  table: QuantFit[];
}

export interface ChooseQuantOptions {
  fits: QuantFit[];
  /** The context the user wants (after capping to the model's train context). */
  wantedContext: number;
  /** Whether the machine has a GPU the planner could offload to. */
  hasGpu: boolean;
}

/** Above this, a model that spills to CPU is slow for too little gain in quality. */
const SPILL_CEILING = quantInfo("Q4_K_M")!;

/**
 * The best quantized file (Q8_0 at most, unless the repo has only full-precision ones)
 * that fits fully on the GPU with the wanted context; failing that,
 * the best one up to Q4_K_M that runs partly offloaded (or on CPU), since beyond it
 * the speed lost to the CPU costs more than the quality gained.
 */
export function chooseQuant(options: ChooseQuantOptions): QuantChoice {
  const table = [...options.fits].sort((a, b) => compareQuality(a.quant, b.quant));
  // Full-precision files are for conversion and fine-tuning: for chat Q8_0 reads the same at half the size.
  const quantized = table.filter((f) => f.quant.family !== "float");
  const candidates = quantized.length > 0 ? quantized : table;
  const fitsFully = (f: QuantFit) => f.fitsFully && f.contextSize >= options.wantedContext;
  const full = candidates.find(fitsFully);
  if (full) {
    const better = candidates.filter((f) => compareQuality(f.quant, full.quant) < 0);
    const why = better.length > 0 ? `; better quants (${better.map((f) => f.quant.name).join(", ")}) do not fit with that context` : "";
    const floats = candidates === quantized ? table.filter((f) => f.quant.family === "float" && fitsFully(f)) : [];
    const passedOver = floats.length > 0 ? ` ${floats.map((f) => f.quant.name).join(" and ")} would fit too, but are far larger files for no difference you would notice in chat.` : "";
    return {
      chosen: full,
      reason: `${full.quant.name} is the best quality that fits fully on the GPU with ${full.contextSize} tokens of context${why}.${passedOver}`,
      table,
    };
  }
  const runnable = table.filter((f) => f.runnable);
  const spill = runnable.find((f) => compareQuality(f.quant, SPILL_CEILING) >= 0) ?? runnable[0];
  if (!spill) {
    const smallest = table.at(-1);
    const need = smallest ? `; even ${smallest.quant.name} needs more memory than this machine has` : "";
    return { chosen: undefined, reason: `No quant runs on this machine${need}.`, table };
  }
  const where = options.hasGpu
    ? `Nothing fits fully on the GPU with ${options.wantedContext} tokens of context; ${spill.quant.name} runs with ${spill.gpuLayers} of ${spill.totalLayers} layers on the GPU and the rest on the CPU`
    : `No GPU: ${spill.quant.name} runs on the CPU from RAM`;
  const skipped = runnable.some((f) => compareQuality(f.quant, spill.quant) < 0);
  const ceiling = skipped ? ` (larger quants would also run, but slower, for little quality gain)` : "";
  return { chosen: spill, reason: `${where}${ceiling}.`, table };
}

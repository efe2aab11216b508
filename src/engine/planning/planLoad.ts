import { estimateFit, fitsFullyOnGpu, unifiedMemoryFits, VRAM_MARGIN, type FitEstimate } from "./estimateFit.ts";
import { machineHasGpu, type GpuBackend, type MachineFacts } from "./machine.ts";
import { COMMON_QUANTS } from "./fitModelSize.ts";
import { CONTEXT_STEP, largestContext } from "./contextSearch.ts";
import { machineBandwidths } from "./bandwidth.ts";
import { estimateSpeed } from "./estimateSpeed.ts";
import { formatSpeed } from "./chooseQuant.ts";
import { formatBytes } from "../../core/units/format.ts";
import { shapeFromFacts } from "./shapes.ts";
import { compareQuality, estimateFileBytes, quantInfo, type ArchitectureShape } from "../quants/index.ts";
import type { LibraryFacts } from "../library/readModelFacts.ts";

/** Context given when nobody asked for more: enough for a long chat, cheap in memory. */
export const DEFAULT_CONTEXT = 8192;
/** How far the planner shrinks the context on its own to keep layers on the GPU. */
export const MIN_AUTO_CONTEXT = 4096;
/** With every layer on the GPU the CPU only feeds it: more threads just contend. */
const GPU_THREADS = 2;

export interface LoadWishes {
  contextSize?: number;
  gpuLayers?: number;
  threads?: number;
  /** "cpu" plans without the GPU; a GPU name must be the machine's backend. */
  gpu?: GpuBackend | "cpu" | "auto";
  flashAttention?: boolean;
}

export interface PlanLoadOptions {
  model: LibraryFacts & { fileBytes: number };
  machine: MachineFacts;
  wishes?: LoadWishes;
}

export interface LoadPlan {
  backend: GpuBackend | "cpu";
  gpuLayers: number;
  totalLayers: number;
  contextSize: number;
  threads: number;
  flashAttention: boolean;
  fitsFully: boolean;
  /** False when even with everything possible on the GPU the rest does not fit in RAM. */
  runnable: boolean;
  memory: { vramBytes: number; ramBytes: number };
  /** Estimated generation speed with this plan (0 when it cannot run). */
  tokensPerSecond: number;
  /** Why, in sentences a person reads, the most important first. */
  reasons: string[];
  /** What the user could change to run it better. */
  suggestions: string[];
}

/** The user asked for something this machine cannot be planned for. */
export class LoadPlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LoadPlanError";
  }
}

const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;
/** A per-token read: GiB as elsewhere, but a tiny model's few MiB are said as such, not "0.0 GiB". */
const readSize = (bytes: number) => (bytes >= 0.1 * 2 ** 30 ? gib(bytes) : formatBytes(bytes));

/**
 * How to load this model on this machine: GPU layers, context, threads and flash
 * attention, with the reasons. Pure: the machine's figures come in, nothing is probed.
 */
export function planLoad(options: PlanLoadOptions): LoadPlan {
  const { model } = options;
  const wishes = options.wishes ?? {};
  const machine = planningMachine(options.machine, wishes);
  const shape = shapeFromFacts(model);
  const reasons: string[] = [];
  const context = chooseContext(model.trainContext, wishes.contextSize, reasons);
  let estimate = estimateFit({ shape, fileBytes: model.fileBytes, contextSize: context.size, machine, ...(wishes.gpuLayers !== undefined ? { gpuLayers: wishes.gpuLayers } : {}) });
  if (!estimate.fitsFully && !context.asked && wishes.gpuLayers === undefined && machineHasGpu(machine)) {
    estimate = shrinkContext({ shape, fileBytes: model.fileBytes, machine, from: context.size, reasons }) ?? estimate;
  }
  const runnable = estimate.runnable && unifiedMemoryFits(machine, estimate);
  reasons.unshift(headline(machine, estimate, runnable));
  if (wishes.gpuLayers !== undefined) reasons.push(layerOverrideNote(machine, wishes.gpuLayers, estimate));
  const threads = chooseThreads(machine, estimate, wishes.threads, reasons);
  const tokensPerSecond = runnable ? estimatePlanSpeed(shape, model.fileBytes, estimate, machine, threads, reasons) : 0;
  const flashAttention = chooseFlashAttention(machine, estimate, wishes.flashAttention, reasons);
  const suggestions = estimate.fitsFully ? [] : suggest({ model, shape, machine, contextSize: context.size, estimate });
  return {
    backend: machineHasGpu(machine) ? (machine.gpu as GpuBackend) : "cpu",
    gpuLayers: estimate.gpuLayers,
    totalLayers: estimate.totalLayers,
    contextSize: runnable ? estimate.contextSize : 0,
    threads,
    flashAttention,
    fitsFully: estimate.fitsFully,
    runnable,
    memory: { vramBytes: Math.round(estimate.vramBytes), ramBytes: Math.round(estimate.ramBytes) },
    tokensPerSecond,
    reasons,
    suggestions,
  };
}

/** The machine as the planner sees it: free VRAM when known, no GPU for `--gpu cpu`. */
function planningMachine(machine: MachineFacts, wishes: LoadWishes): MachineFacts {
  if (wishes.gpu === "cpu") return { ...machine, gpu: false, vramBytes: 0 };
  if (wishes.gpu && wishes.gpu !== "auto" && wishes.gpu !== machine.gpu) {
    throw new LoadPlanError(`--gpu ${wishes.gpu}: this machine's backend is ${machine.gpu || "CPU only"}`);
  }
  const usable = machine.freeVramBytes !== undefined ? Math.min(machine.freeVramBytes, machine.vramBytes) : machine.vramBytes;
  return { ...machine, vramBytes: usable };
}

function chooseContext(trainContext: number, asked: number | undefined, reasons: string[]): { size: number; asked: boolean } {
  if (asked !== undefined) {
    if (asked > trainContext) {
      reasons.push(`context capped at the model's train context of ${trainContext} tokens (asked for ${asked})`);
      return { size: trainContext, asked: true };
    }
    return { size: asked, asked: true };
  }
  const size = Math.min(DEFAULT_CONTEXT, trainContext);
  const why =
    trainContext < DEFAULT_CONTEXT ? "the model's train context" : trainContext === DEFAULT_CONTEXT ? "the default and the model's train context" : `the default; ask for more with --context (the model was trained on ${trainContext})`;
  reasons.push(`${size} tokens of context: ${why}`);
  return { size, asked: false };
}

/**
 * Less context before fewer layers: the largest context down to MIN_AUTO_CONTEXT with
 * which every layer fits, else MIN_AUTO_CONTEXT with as many layers as then fit.
 */
function shrinkContext(options: { shape: ArchitectureShape; fileBytes: number; machine: MachineFacts; from: number; reasons: string[] }): FitEstimate | undefined {
  const { from, reasons } = options;
  if (from <= MIN_AUTO_CONTEXT) return undefined;
  const fitting = largestContext(MIN_AUTO_CONTEXT, from - CONTEXT_STEP, (contextSize) => estimateFit({ ...options, contextSize }).fitsFully);
  if (fitting !== undefined) {
    reasons.push(`context lowered from ${from} to ${fitting} tokens so that every layer fits on the GPU`);
    return estimateFit({ ...options, contextSize: fitting });
  }
  reasons.push(`context lowered from ${from} to ${MIN_AUTO_CONTEXT} tokens to keep more layers on the GPU`);
  return estimateFit({ ...options, contextSize: MIN_AUTO_CONTEXT });
}

/** Speed from the plan's layer split and threads, said in a reason when a GPU is in play. */
function estimatePlanSpeed(shape: ArchitectureShape, fileBytes: number, estimate: FitEstimate, machine: MachineFacts, threads: number, reasons: string[]): number {
  const bandwidths = machineBandwidths(machine);
  const speed = estimateSpeed({ shape, fileBytes, contextSize: estimate.contextSize, gpuLayers: estimate.gpuLayers, totalLayers: estimate.totalLayers, bandwidths, cpuCores: Math.min(threads, machine.cpuCores) });
  const gb = (rate: number) => `${Math.round(rate / 1e9)} GB/s`;
  const onGpu = speed.gpuBytesPerToken > 0;
  // Only the RAM's one embedding row is read when all layers are on the GPU: not worth a word. Without
  // GPU reads the RAM is always named, however small the model (else the sentence would end at "reads").
  const sides = [
    { used: onGpu, text: `${readSize(speed.gpuBytesPerToken)} from VRAM at ${gb(speed.gpuReadRate)}`, bandwidth: bandwidths.gpu },
    { used: speed.cpuBytesPerToken > 2 ** 24 || !onGpu, text: `${readSize(speed.cpuBytesPerToken)} from RAM at ${gb(speed.cpuReadRate)}`, bandwidth: bandwidths.ram },
  ].filter((side) => side.used);
  const reads = sides.map((side) => side.text);
  const assumed = sides.filter((side) => side.bandwidth?.assumed).map((side) => side.bandwidth!.source.replace(/^assumed: /, ""));
  const note = assumed.length > 0 ? `; bandwidth assumed (${assumed.join("; ")})` : "";
  reasons.push(`about ${formatSpeed(speed.tokensPerSecond)} tokens/s: each token reads ${reads.join(" and ")}${note}`);
  return speed.tokensPerSecond;
}

function headline(machine: MachineFacts, estimate: FitEstimate, runnable: boolean): string {
  const need = estimate.vramBytes + estimate.ramBytes;
  const ctx = `${estimate.contextSize} context`;
  const vram = `${gib(machine.vramBytes)} ${machine.freeVramBytes !== undefined ? "free " : ""}VRAM`;
  if (!runnable) {
    const where = machine.gpu === "metal" ? "unified memory" : "RAM";
    const gpu = machineHasGpu(machine) && machine.gpu !== "metal" ? ` plus ${gib(machine.vramBytes)} VRAM` : "";
    return `cannot run on this machine: it needs about ${gib(need)} of memory and there is ${gib(machine.ramBytes)} ${where}${gpu}`;
  }
  if (!machineHasGpu(machine)) return `no GPU: all ${estimate.totalLayers} layers on the CPU with ${ctx}, ${gib(estimate.ramBytes)} of ${gib(machine.ramBytes)} RAM`;
  if (estimate.fitsFully) return `${gib(estimate.vramBytes)} needed, ${vram}: all ${estimate.totalLayers} layers on the GPU with ${ctx}`;
  return (
    `${vram} holds ${estimate.gpuLayers} of ${estimate.totalLayers} layers with ${ctx} (${gib(estimate.vramBytes)} VRAM); ` +
    `the other ${estimate.totalLayers - estimate.gpuLayers} run on the CPU from ${gib(estimate.ramBytes)} of RAM, which is slower`
  );
}

function layerOverrideNote(machine: MachineFacts, asked: number, estimate: FitEstimate): string {
  const budgetExceeded = machineHasGpu(machine) && estimate.gpuLayers > 0 && estimate.vramBytes > machine.vramBytes - VRAM_MARGIN;
  const clamped = asked !== estimate.gpuLayers ? ` (asked for ${asked}; the model has ${estimate.totalLayers}${machineHasGpu(machine) ? "" : " and there is no GPU"})` : "";
  const warning = budgetExceeded ? `: warning, they need ${gib(estimate.vramBytes)} and ${gib(machine.vramBytes)} VRAM is there, so loading may fail with out of memory` : "";
  return `${estimate.gpuLayers} GPU layers as asked${clamped}${warning}`;
}

/**
 * node-llama-cpp's default is max(4, cores): on a 2-core machine that decodes ~1000x
 * slower than the right figure, so the planner always sets threads itself.
 */
function chooseThreads(machine: MachineFacts, estimate: FitEstimate, asked: number | undefined, reasons: string[]): number {
  const cores = Math.max(1, Math.floor(machine.cpuCores));
  if (asked !== undefined) {
    const note = asked > cores ? `; this machine has ${cores} cores, so more threads than that will be slower` : "";
    reasons.push(`${asked} ${asked === 1 ? "thread" : "threads"} as asked${note}`);
    return asked;
  }
  if (estimate.fitsFully && machineHasGpu(machine)) {
    const threads = Math.min(GPU_THREADS, cores);
    reasons.push(`${threads} threads: the GPU does the work`);
    return threads;
  }
  reasons.push(cores === 1 ? "1 thread for the one core" : `${cores} threads, one per core`);
  return cores;
}

function chooseFlashAttention(machine: MachineFacts, estimate: FitEstimate, asked: boolean | undefined, reasons: string[]): boolean {
  if (asked !== undefined) {
    reasons.push(`flash attention ${asked ? "on" : "off"} as asked`);
    return asked;
  }
  const on = estimate.fitsFully && (machine.gpu === "cuda" || machine.gpu === "metal");
  if (on) reasons.push(`flash attention on: the whole model runs on ${machine.gpu}`);
  return on;
}

/** A smaller quant that fits fully (its expected size), and the context that would. */
function suggest(options: { model: LibraryFacts & { fileBytes: number }; shape: ArchitectureShape; machine: MachineFacts; contextSize: number; estimate: FitEstimate }): string[] {
  const { model, shape, machine, contextSize, estimate } = options;
  const suggestions: string[] = [];
  const current = model.quant ? quantInfo(model.quant) : undefined;
  const smaller = COMMON_QUANTS.filter((q) => (current ? compareQuality(q, current) > 0 && q.bitsPerWeight < current.bitsPerWeight : true));
  const sized = smaller.map((quant) => ({
    quant,
    fileBytes: current ? Math.round((model.fileBytes * quant.bitsPerWeight) / current.bitsPerWeight) : estimateFileBytes(model.parameters, quant),
  }));
  const estimates = sized.filter((s) => s.fileBytes < model.fileBytes).map((s) => ({ ...s, fit: estimateFit({ shape, fileBytes: s.fileBytes, contextSize, machine }) }));
  const full = machineHasGpu(machine) ? estimates.find((e) => e.fit.fitsFully && unifiedMemoryFits(machine, e.fit)) : undefined;
  if (full) {
    suggestions.push(`${full.quant.name} (about ${gib(full.fileBytes)}) would fit fully on the GPU with ${contextSize} context`);
  } else if (!estimate.runnable || !unifiedMemoryFits(machine, estimate)) {
    const runs = estimates.find((e) => e.fit.runnable && unifiedMemoryFits(machine, e.fit));
    if (runs) suggestions.push(`${runs.quant.name} (about ${gib(runs.fileBytes)}) would run on this machine`);
    else suggestions.push(`no common quant of this model runs here; pick a model with fewer parameters`);
  } else if (machineHasGpu(machine)) {
    const more = estimates.find((e) => e.fit.gpuLayers > estimate.gpuLayers + 2);
    if (more) suggestions.push(`${more.quant.name} (about ${gib(more.fileBytes)}) would put ${more.fit.gpuLayers} of ${more.fit.totalLayers} layers on the GPU`);
  }
  if (machineHasGpu(machine)) {
    const fitting = largestFullContext({ shape, fileBytes: model.fileBytes, machine, below: contextSize });
    if (fitting) suggestions.push(`--context ${fitting} would fit all ${estimate.totalLayers} layers on the GPU`);
  }
  return suggestions;
}

function largestFullContext(options: { shape: ArchitectureShape; fileBytes: number; machine: MachineFacts; below: number }): number | undefined {
  return largestContext(4 * CONTEXT_STEP, options.below - CONTEXT_STEP, (contextSize) => fitsFullyOnGpu(options, contextSize));
}

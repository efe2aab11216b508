import { compareQuality, quantInfo, qualityLoss, type QuantInfo } from "../quants/index.ts";
import type { QuantFit } from "./rateQuants.ts";

export type { QuantFit } from "./rateQuants.ts";

/** Reading speed: below about 8 tokens/s a reply comes slower than people read it. */
export const DEFAULT_MIN_SPEED = 8;

/** The nearest candidate on one side of the choice, and why it was not taken. */
export interface RunnerUp {
  fit: QuantFit;
  why: string;
}

export interface QuantChoice {
  /** Undefined when nothing runs on this machine. */
  chosen: QuantFit | undefined;
  /** One sentence a person reads. */
  reason: string;
  /** The next better and the next worse quant than the choice. */
  runnersUp: { better?: RunnerUp; worse?: RunnerUp };
  /** Every candidate, best quality first. */
  table: QuantFit[];
  /** The reading-speed floor the choice was made against, tokens/s. */
  minSpeed: number;
}

export interface ChooseQuantOptions {
  fits: QuantFit[];
  /** Whether the machine has a GPU the planner could offload to. */
  hasGpu: boolean;
  /** Reading-speed floor in tokens/s; default DEFAULT_MIN_SPEED. */
  minSpeed?: number;
}

/** Small loss ends here: better quants must buy their extra quality with speed to spare. */
const GOOD_ENOUGH: QuantInfo = quantInfo("Q4_K_M")!;
/**
 * A step up in quality must keep this share of the speed its bigger file alone would
 * leave. On one device speed falls no faster than size grows (ratio 1 or more), while
 * every layer pushed to the CPU costs far more: one layer of 33 of a 7B's Q8_0 already
 * brings it to ~0.86, so past Q4_K_M the choice stays on the GPU.
 */
const STEP_SPEED_KEPT = 0.9;

type Step = "fast" | "slow" | "extreme" | "crawl";

/**
 * The best quality that reaches reading speed. Past Q4_K_M the gain in quality is
 * small and a spill to the CPU is not, so from the best quant up to Q4_K_M that reaches
 * the floor the choice climbs one quant at a time only while the next reaches twice
 * the floor and loses speed no faster than its file grows: a 7B gets Q6_K fully on an
 * 8 GB GPU, not Q8_0 partly on the CPU at half the speed. Extreme-loss quants (2-bit and below)
 * come last: only when nothing better reaches even half the floor. Full-precision files
 * are passed over when a quantized one exists: for chat Q8_0 reads the same at half the
 * size.
 */
export function chooseQuant(options: ChooseQuantOptions): QuantChoice {
  const minSpeed = options.minSpeed ?? DEFAULT_MIN_SPEED;
  const table = [...options.fits].sort((a, b) => compareQuality(a.quant, b.quant));
  const quantized = table.filter((f) => f.quant.family !== "float");
  const runnable = (quantized.length > 0 ? quantized : table).filter((f) => f.runnable);
  const base = { table, minSpeed };
  const picked = pick(runnable, minSpeed);
  if (!picked) {
    const smallest = table.at(-1);
    const need = smallest ? `; even ${smallest.quant.name} needs more memory than this machine has` : "";
    return { ...base, chosen: undefined, reason: `No quant runs on this machine${need}.`, runnersUp: {} };
  }
  const [chosen, step] = picked;
  return { ...base, chosen, reason: explain(chosen, step, minSpeed, options.hasGpu), runnersUp: runnersUp(table, chosen, minSpeed) };
}

/** The speed a quant must reach to be taken in the first step. */
export function speedWanted(quant: QuantInfo, minSpeed: number): number {
  return compareQuality(quant, GOOD_ENOUGH) < 0 ? 2 * minSpeed : minSpeed;
}

const extreme = (f: QuantFit) => qualityLoss(f.quant) === "extreme";
const upToGood = (f: QuantFit) => compareQuality(f.quant, GOOD_ENOUGH) >= 0;

function pick(runnable: QuantFit[], minSpeed: number): [QuantFit, Step] | undefined {
  const good = runnable.filter((f) => !extreme(f) && f.tokensPerSecond >= minSpeed);
  if (good.length > 0) return [climb(good, minSpeed), "fast"];
  const fast = (f: QuantFit) => f.tokensPerSecond >= speedWanted(f.quant, minSpeed);
  const half = (f: QuantFit) => f.tokensPerSecond >= minSpeed / 2;
  const steps: Array<[Step, (f: QuantFit) => boolean]> = [
    ["slow", (f) => !extreme(f) && upToGood(f) && half(f)],
    ["extreme", (f) => extreme(f) && fast(f)],
    ["slow", (f) => upToGood(f) && half(f)],
    ["crawl", upToGood],
    ["crawl", () => true],
  ];
  for (const [step, test] of steps) {
    const found = runnable.find(test);
    if (found) return [found, step];
  }
  return undefined;
}

/** From the best of `good` (best quality first) up to Q4_K_M, up while each step is worth its speed. */
function climb(good: QuantFit[], minSpeed: number): QuantFit {
  let current = good.find(upToGood) ?? good.at(-1)!;
  for (let i = good.indexOf(current) - 1; i >= 0 && worthStep(good[i]!, current, minSpeed); i--) current = good[i]!;
  return current;
}

function worthStep(next: QuantFit, current: QuantFit, minSpeed: number): boolean {
  return next.tokensPerSecond >= speedWanted(next.quant, minSpeed) && !costsSpeed(next, current);
}

/** Slower than its size explains: layers pushed to the CPU. */
function costsSpeed(next: QuantFit, current: QuantFit): boolean {
  const sizeAlone = current.tokensPerSecond * (current.fileBytes / next.fileBytes);
  return next.tokensPerSecond < STEP_SPEED_KEPT * sizeAlone;
}

function explain(chosen: QuantFit, step: Step, minSpeed: number, hasGpu: boolean): string {
  const name = chosen.quant.name;
  const at = `about ${formatSpeed(chosen.tokensPerSecond)} tokens/s ${where(chosen, hasGpu)}`;
  switch (step) {
    case "fast":
      return `${name} is the best quality that reaches reading speed here: ${at}.`;
    case "slow":
      return `Nothing reaches ${minSpeed} tokens/s here without extreme loss; ${name} is the best quality at ${at}, and a smaller model would be faster.`;
    case "extreme":
      return `Only an extreme-loss quant reaches ${minSpeed} tokens/s here: ${name} at ${at}; a smaller model may serve better.`;
    case "crawl":
      return `Nothing runs near reading speed here; ${name} runs at ${at}, and a smaller model would be faster.`;
  }
}

function where(fit: QuantFit, hasGpu: boolean): string {
  if (!hasGpu || fit.gpuLayers === 0) return "on the CPU";
  if (fit.fitsFully) return `fully on the GPU with ${fit.contextSize} tokens of context`;
  return `with ${fit.gpuLayers} of ${fit.totalLayers} layers on the GPU and the rest on the CPU`;
}

function runnersUp(table: QuantFit[], chosen: QuantFit, minSpeed: number): QuantChoice["runnersUp"] {
  const index = table.indexOf(chosen);
  const better = table[index - 1];
  const worse = table.slice(index + 1).find((f) => f.runnable);
  return {
    ...(better ? { better: { fit: better, why: whyNotBetter(better, chosen, minSpeed) } } : {}),
    ...(worse ? { worse: { fit: worse, why: whyNotWorse(worse, chosen) } } : {}),
  };
}

function whyNotBetter(fit: QuantFit, chosen: QuantFit, minSpeed: number): string {
  if (!fit.runnable) return "needs more memory than this machine has";
  const speed = `about ${formatSpeed(fit.tokensPerSecond)} tokens/s`;
  if (fit.quant.family === "float") return `${speed}, a far larger file for no difference you would notice in chat`;
  const wanted = speedWanted(fit.quant, minSpeed);
  if (fit.tokensPerSecond < wanted) {
    const bar = wanted > minSpeed ? `the ${wanted} tokens/s asked of quants above ${GOOD_ENOUGH.name}` : `the ${minSpeed} tokens/s floor`;
    return `${speed}, under ${bar}`;
  }
  if (costsSpeed(fit, chosen)) {
    const slower = Math.round((1 - fit.tokensPerSecond / chosen.tokensPerSecond) * 100);
    const spill = fit.gpuLayers < fit.totalLayers && chosen.fitsFully ? " with layers on the CPU" : "";
    return `${speed}${spill}, ${slower}% slower than ${chosen.quant.name} for little less loss (KL divergence ${formatKld(fit.quant.kld)} against ${formatKld(chosen.quant.kld)})`;
  }
  return `${speed}, but ${qualityLoss(fit.quant)} loss`;
}

function whyNotWorse(fit: QuantFit, chosen: QuantFit): string {
  const speed = `about ${formatSpeed(fit.tokensPerSecond)} tokens/s`;
  return `${speed}, but ${qualityLoss(fit.quant)} loss (KL divergence ${formatKld(fit.quant.kld)} against ${formatKld(chosen.quant.kld)})`;
}

/** 0.52, 7.3, 13, 140: two figures, no false precision. */
export function formatSpeed(tokensPerSecond: number): string {
  if (tokensPerSecond >= 10) return String(Math.round(tokensPerSecond));
  if (tokensPerSecond >= 1) return (Math.round(tokensPerSecond * 10) / 10).toFixed(1);
  return tokensPerSecond.toPrecision(2);
}

export function formatKld(kld: number): string {
  return kld === 0 ? "0" : kld < 0.01 ? kld.toFixed(4) : kld.toFixed(3);
}

/**
 * The sampler panel's rows and how Left/Right change them: steps sized for each
 * sampler, held inside the ranges core/samplers/validate.ts allows.
 */
import type { SamplerSettings } from "../../core/samplers/types.ts";
import { checkSamplerValue, samplerRanges } from "../../core/samplers/validate.ts";

type NumericKey = keyof typeof samplerRanges;

export interface SamplerRow {
  key: NumericKey;
  label: string;
  step: number;
  /** How the value reads when it means "off". */
  off?: (value: number) => boolean;
}

export const samplerRows: SamplerRow[] = [
  { key: "temperature", label: "Temperature", step: 0.05 },
  { key: "topP", label: "Top-p", step: 0.01, off: (v) => v >= 1 },
  { key: "minP", label: "Min-p", step: 0.01, off: (v) => v === 0 },
  { key: "topK", label: "Top-k", step: 1, off: (v) => v === 0 },
  { key: "repeatPenalty", label: "Repetition penalty", step: 0.01, off: (v) => v === 1 },
  { key: "repeatLastN", label: "  penalty range", step: 64 },
  { key: "frequencyPenalty", label: "Frequency penalty", step: 0.05, off: (v) => v === 0 },
  { key: "presencePenalty", label: "Presence penalty", step: 0.05, off: (v) => v === 0 },
  { key: "dryMultiplier", label: "DRY multiplier", step: 0.1, off: (v) => v === 0 },
  { key: "xtcProbability", label: "XTC probability", step: 0.05, off: (v) => v === 0 },
  { key: "xtcThreshold", label: "XTC threshold", step: 0.01 },
  { key: "seed", label: "Seed", step: 1 },
  { key: "maxTokens", label: "Max tokens", step: 25 },
];

const decimals = (step: number) => (Number.isInteger(step) ? 0 : String(step).split(".")[1]!.length);

/** The row's value one step up or down, kept within its range; null when already at the end. */
export function stepSampler(samplers: SamplerSettings, row: SamplerRow, direction: -1 | 1): Partial<SamplerSettings> | null {
  const range = samplerRanges[row.key];
  const current = samplers[row.key];
  const raw = Math.min(range.max, Math.max(range.min, current + direction * row.step));
  const value = Number(raw.toFixed(decimals(row.step)));
  if (value === current) return null;
  checkSamplerValue(row.key, value);
  return { [row.key]: value };
}

export function formatSampler(samplers: SamplerSettings, row: SamplerRow): string {
  const value = samplers[row.key];
  if (row.key === "seed" && value === -1) return "random";
  const text = value.toFixed(decimals(row.step));
  return row.off?.(value) ? `${text} (off)` : text;
}

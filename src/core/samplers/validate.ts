import type { SamplerSettings } from "./types.ts";

/** llama.cpp's own defaults for a chat, with every optional sampler off. */
export const defaultSamplers: SamplerSettings = {
  temperature: 0.8,
  topK: 40,
  topP: 0.95,
  minP: 0.05,
  repeatPenalty: 1,
  repeatLastN: 64,
  frequencyPenalty: 0,
  presencePenalty: 0,
  dryMultiplier: 0,
  dryBase: 1.75,
  dryAllowedLength: 2,
  dryLastN: 0,
  drySequenceBreakers: ["\n", ":", '"', "*"],
  xtcProbability: 0,
  xtcThreshold: 0.1,
  seed: -1,
  maxTokens: 300,
};

type NumericKey = { [K in keyof SamplerSettings]: SamplerSettings[K] extends number ? K : never }[keyof SamplerSettings];

interface Range {
  min: number;
  max: number;
  integer?: boolean;
  label: string;
}

/** The ranges a person may set; outside them a value is refused, never clamped silently. */
export const samplerRanges: Record<NumericKey, Range> = {
  temperature: { min: 0, max: 5, label: "temperature" },
  topK: { min: 0, max: 1000, integer: true, label: "top-k" },
  topP: { min: 0, max: 1, label: "top-p" },
  minP: { min: 0, max: 1, label: "min-p" },
  repeatPenalty: { min: 0.5, max: 3, label: "repetition penalty" },
  repeatLastN: { min: 0, max: 1_000_000, integer: true, label: "repetition penalty range" },
  frequencyPenalty: { min: -2, max: 2, label: "frequency penalty" },
  presencePenalty: { min: -2, max: 2, label: "presence penalty" },
  dryMultiplier: { min: 0, max: 10, label: "DRY multiplier" },
  dryBase: { min: 1, max: 4, label: "DRY base" },
  dryAllowedLength: { min: 0, max: 100, integer: true, label: "DRY allowed length" },
  dryLastN: { min: 0, max: 1_000_000, integer: true, label: "DRY range" },
  xtcProbability: { min: 0, max: 1, label: "XTC probability" },
  xtcThreshold: { min: 0, max: 0.5, label: "XTC threshold" },
  seed: { min: -1, max: 2 ** 32 - 1, integer: true, label: "seed" },
  maxTokens: { min: 1, max: 1_000_000, integer: true, label: "max tokens" },
};

export class SamplerRangeError extends Error {
  constructor(
    readonly field: keyof SamplerSettings,
    message: string,
  ) {
    super(message);
    this.name = "SamplerRangeError";
  }
}

export function checkSamplerValue(field: NumericKey, value: number): void {
  const range = samplerRanges[field];
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new SamplerRangeError(field, `${range.label} must be a number, got ${String(value)}`);
  }
  if (value < range.min || value > range.max) {
    throw new SamplerRangeError(field, `${range.label} must be between ${range.min} and ${range.max}, got ${value}`);
  }
  if (range.integer && !Number.isInteger(value)) {
    throw new SamplerRangeError(field, `${range.label} must be a whole number, got ${value}`);
  }
}

/** Checks every field that is set; throws the first problem as one line. */
export function validateSamplers(partial: Partial<SamplerSettings>): Partial<SamplerSettings> {
  for (const [key, value] of Object.entries(partial)) {
    if (value === undefined) continue;
    if (key === "drySequenceBreakers") {
      if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
        throw new SamplerRangeError("drySequenceBreakers", "DRY sequence breakers must be a list of strings");
      }
      continue;
    }
    if (!(key in samplerRanges)) throw new SamplerRangeError(key as keyof SamplerSettings, `unknown sampler "${key}"`);
    checkSamplerValue(key as NumericKey, value as number);
  }
  return partial;
}

/** Later layers win: defaults < preset < chat override < one-off flags. */
export function resolveSamplers(...layers: Array<Partial<SamplerSettings> | undefined>): SamplerSettings {
  const merged: SamplerSettings = { ...defaultSamplers };
  for (const layer of layers) {
    if (!layer) continue;
    for (const [key, value] of Object.entries(validateSamplers(layer))) {
      if (value !== undefined) (merged as unknown as Record<string, unknown>)[key] = value;
    }
  }
  return merged;
}

import type { SamplerSettings } from "./types.ts";
import { samplerTable, sequenceBreakersSpec, type NumericSamplerKey } from "./table.ts";

/** llama.cpp's own defaults for a chat, with every optional sampler off (from the sampler table). */
export const defaultSamplers: SamplerSettings = {
  ...(Object.fromEntries(samplerTable.map((s) => [s.key, s.default])) as Record<NumericSamplerKey, number>),
  drySequenceBreakers: [...sequenceBreakersSpec.default],
};

const specs = new Map(samplerTable.map((s) => [s.key, s]));

export class SamplerRangeError extends Error {
  constructor(
    readonly field: keyof SamplerSettings,
    message: string,
  ) {
    super(message);
    this.name = "SamplerRangeError";
  }
}

export function checkSamplerValue(field: NumericSamplerKey, value: number): void {
  const spec = specs.get(field)!;
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new SamplerRangeError(field, `${spec.name} must be a number, got ${String(value)}`);
  }
  if (value < spec.min || value > spec.max) {
    throw new SamplerRangeError(field, `${spec.name} must be between ${spec.min} and ${spec.max}, got ${value}`);
  }
  if (spec.integer && !Number.isInteger(value)) {
    throw new SamplerRangeError(field, `${spec.name} must be a whole number, got ${value}`);
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
    if (!specs.has(key as NumericSamplerKey)) throw new SamplerRangeError(key as keyof SamplerSettings, `unknown sampler "${key}"`);
    checkSamplerValue(key as NumericSamplerKey, value as number);
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

/**
 * SillyTavern's text-completion preset JSON -> a partial SamplerSettings. Keys the
 * runtime has no sampler for are reported (with their values) when they would have
 * changed sampling, so the user knows the preset will not behave exactly the same.
 */
import type { SamplerSettings } from "./types.ts";
import { PresetError } from "./presets.ts";
import { samplerTable, sequenceBreakersSpec, type NumericSamplerKey } from "./table.ts";

/** SillyTavern's key -> ours, from the sampler table. */
const NUMBER_KEYS = new Map<string, NumericSamplerKey>(samplerTable.flatMap((s) => s.presetKeys.map((k) => [k, s.key] as const)));

/** Unsupported samplers at these values do nothing, so ignoring them changes nothing. */
const NEUTRAL: Record<string, unknown> = {
  tfs: 1,
  top_a: 0,
  typical_p: 1,
  typical: 1,
  epsilon_cutoff: 0,
  eta_cutoff: 0,
  mirostat_mode: 0,
  mirostat_tau: "any",
  mirostat_eta: "any",
  rep_pen_slope: "any",
  smoothing_factor: 0,
  smoothing_curve: 1,
  dynatemp: false,
  min_temp: "any",
  max_temp: "any",
  dynatemp_exponent: "any",
  encoder_rep_pen: 1,
  no_repeat_ngram_size: 0,
  penalty_alpha: 0,
  num_beams: 1,
  length_penalty: 1,
  min_length: 0,
  guidance_scale: 1,
  skew: 0,
  nsigma: 0,
};

export interface ImportedPreset {
  samplers: Partial<SamplerSettings>;
  /** Keys that would change sampling but have no equivalent here, with their values. */
  ignored: { key: string; value: unknown }[];
}

export function importSillyTavernPreset(json: unknown, file: string): ImportedPreset {
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw new PresetError(`${file}: expected a JSON object`);
  const samplers: Partial<SamplerSettings> = {};
  const ignored: { key: string; value: unknown }[] = [];
  for (const [key, value] of Object.entries(json as Record<string, unknown>)) {
    const target = NUMBER_KEYS.get(key);
    if (target) {
      samplers[target] = toNumber(value, file, key);
    } else if ((sequenceBreakersSpec.presetKeys as readonly string[]).includes(key)) {
      samplers.drySequenceBreakers = sequenceBreakers(value, file);
    } else if (key in NEUTRAL) {
      const neutral = NEUTRAL[key];
      if (neutral !== "any" && value !== neutral && !(typeof neutral === "number" && Number(value) === neutral)) {
        ignored.push({ key, value });
      }
    }
  }
  const dynatemp = ignored.some((i) => i.key === "dynatemp");
  if (dynatemp) addContext(json as Record<string, unknown>, ignored, ["min_temp", "max_temp", "dynatemp_exponent"]);
  const mirostat = ignored.some((i) => i.key === "mirostat_mode");
  if (mirostat) addContext(json as Record<string, unknown>, ignored, ["mirostat_tau", "mirostat_eta"]);
  return { samplers, ignored };
}

function addContext(json: Record<string, unknown>, ignored: { key: string; value: unknown }[], keys: string[]): void {
  for (const key of keys) if (key in json) ignored.push({ key, value: json[key] });
}

function toNumber(value: unknown, file: string, key: string): number {
  const number = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof number !== "number" || !Number.isFinite(number)) throw new PresetError(`${file}: "${key}" must be a number`);
  return number;
}

/** SillyTavern stores the breakers as a JSON string holding a list of strings. */
function sequenceBreakers(value: unknown, file: string): string[] {
  let list = value;
  if (typeof value === "string") {
    try {
      list = JSON.parse(value);
    } catch {
      throw new PresetError(`${file}: "dry_sequence_breakers" must be a JSON list of strings`);
    }
  }
  if (!Array.isArray(list) || list.some((s) => typeof s !== "string")) {
    throw new PresetError(`${file}: "dry_sequence_breakers" must be a list of strings`);
  }
  return list as string[];
}

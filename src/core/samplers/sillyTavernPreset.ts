/**
 * SillyTavern's text-completion preset JSON -> a partial SamplerSettings, read as
 * SillyTavern sends it to llama.cpp (public/scripts/textgen-settings.js): every sampler
 * it carries is kept (what the built-in engine cannot apply, notApplied.ts names); keys
 * with no sampler here at all are reported with their values when they would have
 * changed sampling.
 */
import type { LogitBiasEntry, SamplerSettings } from "./types.ts";
import { ORDERED_SAMPLERS } from "./listSamplers.ts";
import { PresetError } from "./presets.ts";
import { samplerTable, type NumericSamplerKey } from "./table.ts";

/** SillyTavern's key -> ours, from the sampler table. */
const NUMBER_KEYS = new Map<string, NumericSamplerKey>(samplerTable.flatMap((s) => s.presetKeys.map((k) => [k, s.key] as const)));

/** Keys with no sampler here at all: at these values they do nothing, so ignoring them changes nothing. */
const NEUTRAL: Record<string, unknown> = {
  epsilon_cutoff: 0,
  eta_cutoff: 0,
  rep_pen_slope: "any",
  rep_pen_decay: 0,
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

/** SillyTavern's llama.cpp order, with temperature moved first (its temperature_last: false). */
const TEMPERATURE_FIRST = ["temperature", "top_k", "tfs_z", "typical_p", "top_p", "min_p"];

export interface ImportedPreset {
  samplers: Partial<SamplerSettings>;
  /** Keys that would change sampling but have no equivalent here, with their values. */
  ignored: { key: string; value: unknown }[];
  /** What was repaired or left out of a field, one line each naming the key. */
  notes: string[];
}

type Json = Record<string, unknown>;

export function importSillyTavernPreset(json: unknown, file: string): ImportedPreset {
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw new PresetError(`${file}: expected a JSON object`);
  const preset = json as Json;
  const out: ImportedPreset = { samplers: {}, ignored: [], notes: [] };
  for (const [key, value] of Object.entries(preset)) {
    const target = NUMBER_KEYS.get(key);
    if (target) out.samplers[target] = toNumber(value, file, key);
    else if (key in NEUTRAL) {
      const neutral = NEUTRAL[key];
      if (neutral !== "any" && value !== neutral && !(typeof neutral === "number" && Number(value) === neutral)) out.ignored.push({ key, value });
    }
  }
  if (isNonEmptyObject(preset.json_schema)) out.ignored.push({ key: "json_schema", value: preset.json_schema });
  readDynamicTemperature(preset, file, out);
  readLists(preset, file, out);
  return out;
}

/** SillyTavern sends dynamic temperature as the middle of min_temp..max_temp, plus or minus half the span. */
function readDynamicTemperature(preset: Json, file: string, out: ImportedPreset): void {
  if (!("dynatemp" in preset)) return;
  if (!toBoolean(preset.dynatemp, file, "dynatemp")) {
    out.samplers.dynatempRange = 0;
    return;
  }
  const low = "min_temp" in preset ? toNumber(preset.min_temp, file, "min_temp") : 0;
  const high = "max_temp" in preset ? toNumber(preset.max_temp, file, "max_temp") : 2;
  out.samplers.temperature = (low + high) / 2;
  out.samplers.dynatempRange = Math.max(0, (high - low) / 2);
  if (high < low) out.notes.push(`"max_temp" ${high} is below "min_temp" ${low}: dynamic temperature range read as 0`);
}

function readLists(preset: Json, file: string, out: ImportedPreset): void {
  const { samplers, notes } = out;
  if ("dry_sequence_breakers" in preset) samplers.drySequenceBreakers = sequenceBreakers(preset.dry_sequence_breakers, file);
  if ("logit_bias" in preset) samplers.logitBias = logitBias(preset.logit_bias, file, notes);
  if ("banned_tokens" in preset) samplers.bannedTokens = bannedLines(preset.banned_tokens, file);
  if ("grammar_string" in preset) samplers.grammar = text(preset.grammar_string, file, "grammar_string");
  if ("ban_eos_token" in preset) samplers.banEos = toBoolean(preset.ban_eos_token, file, "ban_eos_token");
  if ("samplers" in preset) samplers.samplerOrder = samplerOrder(preset.samplers, file, notes);
  else if ("temperature_last" in preset && !toBoolean(preset.temperature_last, file, "temperature_last")) samplers.samplerOrder = [...TEMPERATURE_FIRST];
}

function toNumber(value: unknown, file: string, key: string): number {
  const number = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof number !== "number" || !Number.isFinite(number)) throw new PresetError(`${file}: "${key}" must be a number`);
  return number;
}

function toBoolean(value: unknown, file: string, key: string): boolean {
  if (typeof value === "boolean") return value;
  if (value === "true" || value === "false") return value === "true";
  if (value === null || value === undefined) return false;
  throw new PresetError(`${file}: "${key}" must be true or false`);
}

function text(value: unknown, file: string, key: string): string {
  if (value === null || value === undefined) return "";
  if (typeof value !== "string") throw new PresetError(`${file}: "${key}" must be text`);
  return value;
}

const isNonEmptyObject = (v: unknown) => typeof v === "object" && v !== null && Object.keys(v).length > 0;

/** Rows as SillyTavern keeps them; a row without text is skipped (as SillyTavern skips it), one without a number value is named. */
function logitBias(value: unknown, file: string, notes: string[]): LogitBiasEntry[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) throw new PresetError(`${file}: "logit_bias" must be a list of {text, value}`);
  const rows: LogitBiasEntry[] = [];
  value.forEach((row: { text?: unknown; value?: unknown } | null, i) => {
    if (typeof row?.text !== "string" || row.text.trim() === "") return;
    const bias = typeof row.value === "string" && row.value.trim() !== "" ? Number(row.value) : row.value;
    if (typeof bias !== "number" || !Number.isFinite(bias)) notes.push(`"logit_bias"[${i}] (${JSON.stringify(row.text)}) has no number value: left out`);
    else rows.push({ text: row.text, value: bias });
  });
  return rows;
}

/** One ban per non-empty line, each once, as SillyTavern reads its text box. */
function bannedLines(value: unknown, file: string): string[] {
  const lines = Array.isArray(value) ? value : text(value, file, "banned_tokens").split("\n");
  if (lines.some((l) => typeof l !== "string")) throw new PresetError(`${file}: "banned_tokens" must be text`);
  return [...new Set((lines as string[]).filter((l) => l.length > 0))];
}

function samplerOrder(value: unknown, file: string, notes: string[]): string[] {
  if (!Array.isArray(value) || value.some((n) => typeof n !== "string")) throw new PresetError(`${file}: "samplers" must be a list of sampler names`);
  const known = value.filter((n: string) => (ORDERED_SAMPLERS as readonly string[]).includes(n));
  const unknown = value.filter((n: string) => !known.includes(n));
  if (unknown.length) notes.push(`"samplers": ${unknown.map((n) => JSON.stringify(n)).join(", ")} not known: left out of the order`);
  return known;
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

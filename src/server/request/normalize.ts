/**
 * Every alias a client may send, read into one set of generation parameters. The
 * three families (KoboldCpp routes, llama.cpp routes, OpenAI routes) differ only in
 * which alias wins and what "off" looks like; the table is specs/serve.md §2.5.
 * Fields taproom has no sampler for are accepted and named in the log, never refused:
 * SillyTavern sends some sixty fields on every request.
 */
import type { SamplerSettings } from "../../core/samplers/types.ts";
import { resolveSamplers, SamplerRangeError } from "../../core/samplers/validate.ts";
import { HttpError, type Family } from "../http/errors.ts";
import { bool, first, int, isSet, num, str, strings, type Body } from "./fields.ts";

/** What normalizing needs of the model. */
export interface Vocabulary {
  vocabSize: number;
  /** Per-sequence context. */
  contextSize: number;
  /** Tokens of a text, without BOS (for logit_bias given as text). */
  tokenize(text: string): number[];
}

export interface GenerationParams {
  samplers: SamplerSettings;
  /** Reply tokens: a number, or "context" for llama.cpp's -1 (until the context is full). 0 evaluates the prompt only. */
  maxTokens: number | "context";
  /** The request's context ceiling, below the sequence's. */
  contextLimit?: number;
  stops: string[];
  /** False: a matched stop string stays in the text (KoboldCpp trim_stop). */
  trimStop: boolean;
  banEog: boolean;
  /** Logit offsets by token id; "never" bans. */
  bias: Map<number, number | "never">;
  grammar?: string;
  jsonSchema?: object;
  addBos?: boolean;
  renderSpecial: boolean;
  stream: boolean;
  n: number;
  cachePrompt: boolean;
  idSlot?: number;
  genkey?: string;
  /** `name=value` of fields sent with a non-neutral value that taproom cannot apply. */
  notApplied: string[];
}

const MAX_TOKEN_ALIASES: Record<Family, string[]> = {
  kobold: ["max_length", "max_tokens", "max_completion_tokens", "n_predict", "max_new_tokens", "num_predict"],
  llama: ["n_predict", "max_tokens", "max_completion_tokens", "max_new_tokens", "max_length", "num_predict"],
  openai: ["max_tokens", "max_completion_tokens", "n_predict", "max_new_tokens", "max_length", "num_predict"],
};
const CONTEXT_ALIASES: Record<Family, string[]> = {
  kobold: ["max_context_length", "truncation_length", "num_ctx"],
  llama: ["truncation_length", "max_context_length", "num_ctx"],
  openai: ["truncation_length", "max_context_length", "num_ctx"],
};
const REP_PEN_ALIASES: Record<Family, string[]> = {
  kobold: ["rep_pen", "repetition_penalty", "repeat_penalty"],
  llama: ["repeat_penalty", "repetition_penalty", "rep_pen"],
  openai: ["repetition_penalty", "repeat_penalty", "rep_pen"],
};
const REP_RANGE_ALIASES: Record<Family, string[]> = {
  kobold: ["rep_pen_range", "repetition_penalty_range", "repeat_last_n", "penalty_range", "repetition_range"],
  llama: ["repeat_last_n", "rep_pen_range", "repetition_penalty_range", "penalty_range", "repetition_range"],
  openai: ["repetition_penalty_range", "rep_pen_range", "repeat_last_n", "penalty_range", "repetition_range"],
};
const SEED_ALIASES: Record<Family, string[]> = {
  kobold: ["sampler_seed", "seed"],
  llama: ["seed", "sampler_seed"],
  openai: ["seed", "sampler_seed"],
};

export const MAX_STOPS = 256;

/** Fields with no taproom sampler, and the value at which they do nothing. */
const NEUTRAL: Array<[string, (v: unknown) => boolean]> = [
  ["typical_p", (v) => v === 1], ["typical", (v) => v === 1], ["tfs", (v) => v === 1], ["tfs_z", (v) => v === 1],
  ["top_a", (v) => v === 0], ["mirostat", (v) => v === 0], ["mirostat_mode", (v) => v === 0],
  ["dynatemp_range", (v) => v === 0], ["dynamic_temperature", (v) => v === false],
  ["smoothing_factor", (v) => v === 0], ["nsigma", (v) => v === 0], ["top_n_sigma", (v) => v === 0 || v === -1],
  ["skew", (v) => v === 0], ["epsilon_cutoff", (v) => v === 0], ["eta_cutoff", (v) => v === 0],
  ["guidance_scale", (v) => v === 1], ["negative_prompt", (v) => v === ""], ["penalty_alpha", (v) => v === 0],
  ["encoder_repetition_penalty", (v) => v === 1], ["no_repeat_ngram_size", (v) => v === 0], ["rep_pen_slope", (v) => v === 1 || v === 0],
  ["min_tokens", (v) => v === 0], ["min_length", (v) => v === 0], ["max_tokens_second", (v) => v === 0],
  ["banned_strings", (v) => Array.isArray(v) && v.length === 0], ["adaptive_target", (v) => v === 0 || v === -1],
];

const numberOrString = (v: unknown) => (typeof v === "string" ? Number(v) : v);

function notApplied(body: Body): string[] {
  const out: string[] = [];
  for (const [name, neutral] of NEUTRAL) {
    if (!isSet(body, name)) continue;
    if (!neutral(body[name]) && !neutral(numberOrString(body[name]))) out.push(`${name}=${JSON.stringify(body[name])}`);
  }
  if (Array.isArray(body.banned_tokens) && body.banned_tokens.some((x) => typeof x === "string")) out.push("banned_tokens (phrases)");
  if (Array.isArray(body.images) && body.images.length > 0) out.push("images");
  return out;
}

/** DRY's sequence breakers: an array, a string holding a JSON array (SillyTavern 1.12), or comma-separated quoted strings (TabbyAPI). */
export function parseBreakers(value: unknown): string[] | undefined {
  if (value === null || value === undefined || value === "") return undefined;
  if (Array.isArray(value)) {
    if (!value.every((x) => typeof x === "string")) throw new HttpError(400, "dry_sequence_breakers: expected strings");
    return value.length > 0 ? (value as string[]) : undefined;
  }
  if (typeof value === "string") {
    const text = value.trim();
    for (const candidate of text.startsWith("[") ? [text] : [`[${text}]`]) {
      try {
        const parsed = JSON.parse(candidate) as unknown;
        if (Array.isArray(parsed) && parsed.every((x) => typeof x === "string")) return parsed.length > 0 ? parsed : undefined;
      } catch {
        // reported below
      }
    }
  }
  throw new HttpError(400, `dry_sequence_breakers: expected an array of strings, got ${JSON.stringify(value).slice(0, 40)}`);
}

function tokenBans(body: Body, vocab: Vocabulary): number[] {
  const bans: number[] = [];
  const ban = body.custom_token_bans;
  if (typeof ban === "string" && ban.trim() !== "") {
    for (const part of ban.split(",")) {
      const id = Number(part.trim());
      if (part.trim() === "" || !Number.isInteger(id)) throw new HttpError(400, `custom_token_bans: "${part.trim()}" is not a token id`);
      bans.push(id);
    }
  } else if (Array.isArray(ban)) bans.push(...ban.map(Number));
  else if (ban !== undefined && ban !== null && ban !== "") throw new HttpError(400, "custom_token_bans: expected \"12,34\" or an array of token ids");
  if (Array.isArray(body.banned_tokens) && body.banned_tokens.every((x) => typeof x === "number")) bans.push(...(body.banned_tokens as number[]));
  for (const id of bans) checkToken("custom_token_bans", id, vocab);
  return bans;
}

function checkToken(field: string, id: number, vocab: Vocabulary): void {
  if (!Number.isInteger(id) || id < 0 || id >= vocab.vocabSize) {
    throw new HttpError(400, `${field}: token ${id} is not in this model's vocabulary (${vocab.vocabSize} tokens)`);
  }
}

function biasValue(value: unknown): number | "never" {
  if (value === false) return "never";
  const n = typeof value === "string" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isFinite(n)) throw new HttpError(400, `logit_bias: expected a number or false, got ${JSON.stringify(value)}`);
  if (n <= -100) return "never";
  return Math.max(-100, Math.min(100, n));
}

/** OpenAI's `{"15043": -100}` and llama.cpp's `[[15043, 1.0], [15043, false], ["Hello", -0.5]]`. */
export function logitBias(body: Body, vocab: Vocabulary): Map<number, number | "never"> {
  const bias = new Map<number, number | "never">();
  const raw = body.logit_bias;
  if (raw === null || raw === undefined) return bias;
  const add = (key: unknown, value: unknown) => {
    const amount = biasValue(value);
    if (typeof key === "string" && !/^\d+$/.test(key.trim())) {
      for (const id of vocab.tokenize(key)) bias.set(id, amount);
      return;
    }
    const id = Number(key);
    checkToken("logit_bias", id, vocab);
    bias.set(id, amount);
  };
  if (Array.isArray(raw)) {
    for (const entry of raw) {
      if (!Array.isArray(entry) || entry.length !== 2) throw new HttpError(400, "logit_bias: each entry must be [token or text, bias]");
      add(typeof entry[0] === "number" ? entry[0] : String(entry[0]), entry[1]);
    }
  } else if (typeof raw === "object") {
    const entries = Object.entries(raw as Record<string, unknown>);
    if (entries.length > 1024) throw new HttpError(400, "logit_bias: more than 1024 entries");
    for (const [key, value] of entries) add(/^\d+$/.test(key) ? Number(key) : key, value);
  } else throw new HttpError(400, "logit_bias: expected an object or an array");
  return bias;
}

function jsonSchema(body: Body, family: Family): object | undefined {
  const schema = body.json_schema;
  if (schema !== null && schema !== undefined) {
    if (typeof schema !== "object" || Array.isArray(schema)) throw new HttpError(400, "json_schema: expected an object");
    if (Object.keys(schema).length > 0 || family === "llama") return schema;
  }
  const format = body.response_format as { type?: unknown; json_schema?: { schema?: unknown }; schema?: unknown } | undefined;
  if (format && typeof format === "object") {
    if (format.type === "json_object") return {};
    if (format.type === "json_schema") {
      const inner = format.json_schema?.schema ?? format.schema;
      if (!inner || typeof inner !== "object") throw new HttpError(400, "response_format: json_schema needs a schema");
      return inner as object;
    }
    if (format.type !== undefined && format.type !== "text") throw new HttpError(400, `response_format: unknown type ${JSON.stringify(format.type)}`);
  }
  return undefined;
}

function grammar(body: Body): { grammar?: string; jsonSchema?: object } {
  const found = first(body, ["grammar", "grammar_string"], str, (v) => v.trim() === "");
  if (!found) return {};
  const text = found.value.trim();
  // KoboldCpp takes a JSON schema written as a string in `grammar` too.
  if (text.startsWith("{")) {
    try {
      const parsed = JSON.parse(text) as unknown;
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return { jsonSchema: parsed };
    } catch {
      // GBNF after all
    }
  }
  return { grammar: found.value };
}

/** Sampler fields, mapped to taproom's settings; `wire` remembers the name each came under, for range errors. */
function samplerFields(body: Body, family: Family, vocab: Vocabulary, wire: Map<keyof SamplerSettings, string>): Partial<SamplerSettings> {
  const s: Partial<SamplerSettings> = {};
  const set = <K extends keyof SamplerSettings>(key: K, name: string, value: SamplerSettings[K]) => {
    s[key] = value;
    wire.set(key, name);
  };
  const temperature = num(body, "temperature");
  if (temperature !== undefined) set("temperature", "temperature", Math.max(0, temperature));
  const topK = num(body, "top_k");
  if (topK !== undefined) set("topK", "top_k", topK <= 0 ? 0 : topK);
  const topP = num(body, "top_p");
  if (topP !== undefined) set("topP", "top_p", topP);
  const minP = num(body, "min_p");
  if (minP !== undefined) set("minP", "min_p", minP);
  if (family === "kobold") {
    const present = REP_PEN_ALIASES.kobold.map((name) => ({ name, value: num(body, name) })).filter((x) => x.value !== undefined);
    const max = present.reduce<{ name: string; value?: number } | undefined>((a, b) => (!a || b.value! > a.value! ? b : a), undefined);
    if (max) set("repeatPenalty", max.name, max.value!);
  } else {
    const rep = first(body, REP_PEN_ALIASES[family], num);
    if (rep) set("repeatPenalty", rep.name, rep.value);
  }
  const range = first(body, REP_RANGE_ALIASES[family], int);
  if (range) set("repeatLastN", range.name, range.value === -1 ? vocab.contextSize : range.value);
  const frequency = num(body, "frequency_penalty");
  if (frequency !== undefined) set("frequencyPenalty", "frequency_penalty", frequency);
  const presence = num(body, "presence_penalty");
  if (presence !== undefined) set("presencePenalty", "presence_penalty", presence);

  const dry = num(body, "dry_multiplier");
  if (dry !== undefined) set("dryMultiplier", "dry_multiplier", dry);
  const base = num(body, "dry_base");
  if (base !== undefined) set("dryBase", "dry_base", base < 1 ? 1.75 : base);
  const allowed = int(body, "dry_allowed_length");
  if (allowed !== undefined) set("dryAllowedLength", "dry_allowed_length", allowed);
  const dryRange = first(body, ["dry_penalty_last_n", "dry_range"], int);
  if (dryRange) {
    const { name, value } = dryRange;
    // taproom's 0 is "the whole context"; llama.cpp's and KoboldCpp's 0 switch DRY off.
    if (value === 0 && family !== "openai") set("dryMultiplier", name, 0);
    else set("dryLastN", name, value < 0 ? 0 : value);
  }
  const breakers = parseBreakers(body.dry_sequence_breakers);
  if (breakers) s.drySequenceBreakers = breakers;

  const xtcP = num(body, "xtc_probability");
  if (xtcP !== undefined) set("xtcProbability", "xtc_probability", xtcP);
  const xtcT = num(body, "xtc_threshold");
  if (xtcT !== undefined) {
    if (xtcT > 0.5) set("xtcProbability", "xtc_threshold", 0);
    else set("xtcThreshold", "xtc_threshold", xtcT);
  }
  const seed = first(body, SEED_ALIASES[family], (b, n) => (b[n] === "" ? undefined : int(b, n)));
  if (seed) {
    const random = seed.value === -1 || seed.value === 4294967295 || (family === "kobold" && seed.value <= 0);
    set("seed", seed.name, random ? -1 : seed.value);
  }
  return s;
}

function maxTokensOf(body: Body, family: Family): { name?: string; value?: number | "context" } {
  const found = first(body, MAX_TOKEN_ALIASES[family], int, (v) => family !== "llama" && v <= 0);
  if (!found) return {};
  if (family === "llama" && found.value < 0) return { name: found.name, value: "context" };
  return found;
}

export function normalizeRequest(body: Body, family: Family, defaults: SamplerSettings, vocab: Vocabulary): GenerationParams {
  const wire = new Map<keyof SamplerSettings, string>();
  const fields = samplerFields(body, family, vocab, wire);
  const max = maxTokensOf(body, family);
  if (typeof max.value === "number" && max.value > 0) {
    fields.maxTokens = max.value;
    wire.set("maxTokens", max.name!);
  }
  let samplers: SamplerSettings;
  try {
    samplers = resolveSamplers(defaults, fields);
  } catch (error) {
    if (error instanceof SamplerRangeError) throw new HttpError(400, `${wire.get(error.field) ?? error.field}: ${error.message}`);
    throw error;
  }
  const stops = [...new Set([...strings(body, "stop"), ...strings(body, "stop_sequence"), ...strings(body, "stopping_strings")])];
  if (stops.length > MAX_STOPS) throw new HttpError(400, `stop: ${stops.length} stop strings, at most ${MAX_STOPS}`);
  const contextLimit = first(body, CONTEXT_ALIASES[family], int, (v) => v <= 0);
  const banEog = first(body, ["ban_eos_token", "ignore_eos", "use_default_badwordsids", "bypass_eos"], (b, n) => bool(b, n, true));
  const bias = logitBias(body, vocab);
  for (const id of tokenBans(body, vocab)) bias.set(id, "never");
  const g = grammar(body);
  const schema = jsonSchema(body, family);
  const n = first(body, ["n", "n_cmpl"], int);
  const idSlot = int(body, "id_slot");
  const genkey = str(body, "genkey");
  const addBos = bool(body, "add_bos_token");
  const renderSpecial = bool(body, "render_special") ?? (bool(body, "skip_special_tokens") === false);
  return {
    samplers,
    maxTokens: max.value === undefined ? samplers.maxTokens : max.value === "context" ? "context" : max.value > 0 ? samplers.maxTokens : 0,
    ...(contextLimit && { contextLimit: contextLimit.value }),
    stops,
    trimStop: family === "kobold" ? (bool(body, "trim_stop") ?? true) : true,
    banEog: banEog?.value ?? false,
    bias,
    ...(g.grammar !== undefined && { grammar: g.grammar }),
    ...(g.grammar === undefined && (g.jsonSchema ?? schema) !== undefined && { jsonSchema: g.jsonSchema ?? schema }),
    ...(addBos !== undefined && { addBos }),
    renderSpecial,
    stream: bool(body, "stream") ?? false,
    n: n?.value ?? 1,
    cachePrompt: bool(body, "cache_prompt") ?? true,
    ...(idSlot !== undefined && idSlot >= 0 && { idSlot }),
    ...(genkey && { genkey }),
    notApplied: notApplied(body),
  };
}

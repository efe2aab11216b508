/**
 * Every sampler described once: its range, default, panel step, CLI flag, slash command,
 * SillyTavern preset keys and help. Validation (validate.ts), the sampler panel, the
 * chat's slash commands, `taproom chat`'s flags, preset import and the help texts are
 * all read from this table; adding a sampler is one entry here (and its field in
 * SamplerSettings, which the table's type then demands).
 */
import type { SamplerSettings } from "./types.ts";

export type NumericSamplerKey = { [K in keyof SamplerSettings]: SamplerSettings[K] extends number ? K : never }[keyof SamplerSettings];

export interface SamplerSpec {
  key: NumericSamplerKey;
  /** How messages name it: "top-p must be between 0 and 1". */
  name: string;
  /** The sampler panel's row label. */
  label: string;
  min: number;
  max: number;
  integer?: boolean;
  default: number;
  /** One press of Left/Right in the panel; its decimals are the ones shown. */
  step: number;
  /** The value at which it does nothing: the panel says "(off)". */
  off?: number;
  /** A value with a meaning of its own, shown in words (seed -1 is "random"). */
  special?: { value: number; text: string };
  /** `taproom chat --FLAG VALUE`. */
  flag: string;
  /** The chat's `/NAME VALUE`, for the samplers changed most often. */
  slash?: string;
  /** SillyTavern text-completion preset keys read into it. */
  presetKeys: string[];
  /** One line of help: what it does, what "off" is. */
  help: string;
  /** Drawn in the sampler panel (default true); `sub` rows belong to the row above. */
  panel?: boolean;
  sub?: boolean;
}

type Specs = { [K in NumericSamplerKey]: Omit<SamplerSpec, "key"> };

// The order is the panel's and the help's.
const specs: Specs = {
  temperature: {
    name: "temperature", label: "Temperature", min: 0, max: 5, default: 0.8, step: 0.05,
    flag: "temperature", slash: "temp", presetKeys: ["temp", "temperature"],
    help: "higher is more varied, 0 always picks the likeliest token",
  },
  topP: {
    name: "top-p", label: "Top-p", min: 0, max: 1, default: 0.95, step: 0.01, off: 1,
    flag: "top-p", slash: "topp", presetKeys: ["top_p"],
    help: "keep the likeliest tokens up to this total probability (1 = off)",
  },
  minP: {
    name: "min-p", label: "Min-p", min: 0, max: 1, default: 0.05, step: 0.01, off: 0,
    flag: "min-p", slash: "minp", presetKeys: ["min_p"],
    help: "drop tokens less likely than this fraction of the likeliest (0 = off)",
  },
  topK: {
    name: "top-k", label: "Top-k", min: 0, max: 1000, integer: true, default: 40, step: 1, off: 0,
    flag: "top-k", slash: "topk", presetKeys: ["top_k"],
    help: "keep only the K likeliest tokens (0 = off)",
  },
  repeatPenalty: {
    name: "repetition penalty", label: "Repetition penalty", min: 0.5, max: 3, default: 1, step: 0.01, off: 1,
    flag: "repeat-penalty", slash: "reppen", presetKeys: ["rep_pen", "repetition_penalty"],
    help: "make tokens seen in the recent context less likely (1 = off)",
  },
  repeatLastN: {
    name: "repetition penalty range", label: "penalty range", sub: true, min: 0, max: 1_000_000, integer: true, default: 64, step: 64,
    flag: "repeat-last-n", presetKeys: ["rep_pen_range"],
    help: "how many recent tokens (prompt included) the penalties look at",
  },
  frequencyPenalty: {
    name: "frequency penalty", label: "Frequency penalty", min: -2, max: 2, default: 0, step: 0.05, off: 0,
    flag: "frequency-penalty", presetKeys: ["freq_pen", "frequency_penalty"],
    help: "penalise a token by how often it appeared (0 = off)",
  },
  presencePenalty: {
    name: "presence penalty", label: "Presence penalty", min: -2, max: 2, default: 0, step: 0.05, off: 0,
    flag: "presence-penalty", presetKeys: ["presence_pen", "presence_penalty"],
    help: "penalise a token once if it appeared at all (0 = off)",
  },
  dryMultiplier: {
    name: "DRY multiplier", label: "DRY multiplier", min: 0, max: 10, default: 0, step: 0.1, off: 0,
    flag: "dry-multiplier", presetKeys: ["dry_multiplier"],
    help: "DRY: penalise repeating longer sequences (0 = off)",
  },
  dryBase: {
    name: "DRY base", label: "DRY base", min: 1, max: 4, default: 1.75, step: 0.05, panel: false,
    flag: "dry-base", presetKeys: ["dry_base"],
    help: "DRY: how fast the penalty grows with the repeat's length",
  },
  dryAllowedLength: {
    name: "DRY allowed length", label: "DRY allowed length", min: 0, max: 100, integer: true, default: 2, step: 1, panel: false,
    flag: "dry-allowed-length", presetKeys: ["dry_allowed_length"],
    help: "DRY: repeats this long go unpunished",
  },
  dryLastN: {
    name: "DRY range", label: "DRY range", min: 0, max: 1_000_000, integer: true, default: 0, step: 64, panel: false,
    flag: "dry-last-n", presetKeys: ["dry_penalty_last_n"],
    help: "DRY: how many recent tokens it looks at (0 = the whole context)",
  },
  xtcProbability: {
    name: "XTC probability", label: "XTC probability", min: 0, max: 1, default: 0, step: 0.05, off: 0,
    flag: "xtc-probability", presetKeys: ["xtc_probability"],
    help: "XTC: how often the likeliest tokens are skipped (0 = off)",
  },
  xtcThreshold: {
    name: "XTC threshold", label: "XTC threshold", min: 0, max: 0.5, default: 0.1, step: 0.01,
    flag: "xtc-threshold", presetKeys: ["xtc_threshold"],
    help: "XTC: tokens at least this likely count as the likeliest",
  },
  seed: {
    name: "seed", label: "Seed", min: -1, max: 2 ** 32 - 1, integer: true, default: -1, step: 1, special: { value: -1, text: "random" },
    flag: "seed", presetKeys: ["seed"],
    help: "the same seed and prompt give the same reply (-1 = random)",
  },
  maxTokens: {
    name: "max tokens", label: "Max tokens", min: 1, max: 1_000_000, integer: true, default: 300, step: 25,
    flag: "max-tokens", presetKeys: ["genamt", "max_length"],
    help: "the longest reply, in tokens",
  },
};

/** The numeric samplers, in the panel's order. */
export const samplerTable: readonly SamplerSpec[] = (Object.keys(specs) as NumericSamplerKey[]).map((key) => ({ key, ...specs[key] }));

export const samplerSpec = (key: NumericSamplerKey): SamplerSpec => ({ key, ...specs[key] });

/** The one list-valued sampler: DRY's sequence breakers (SillyTavern keeps them as a JSON string). */
export const sequenceBreakersSpec = {
  key: "drySequenceBreakers",
  name: "DRY sequence breakers",
  default: ["\n", ":", '"', "*"],
  presetKeys: ["dry_sequence_breakers"],
  help: "DRY: a repeat never spans these",
} as const;

/** Decimals a value is shown with: as many as its step has. */
export function samplerDecimals(spec: SamplerSpec): number {
  return Number.isInteger(spec.step) ? 0 : String(spec.step).split(".")[1]!.length;
}

/** "0.80", "0.0 (off)", "random": a value as the panel shows it. */
export function formatSamplerValue(spec: SamplerSpec, value: number): string {
  if (spec.special && value === spec.special.value) return spec.special.text;
  const text = value.toFixed(samplerDecimals(spec));
  return spec.off !== undefined && value === spec.off ? `${text} (off)` : text;
}

/** "0 to 5": the range as help and errors write it. */
export const samplerRangeText = (spec: SamplerSpec) => `${spec.min} to ${spec.max}`;

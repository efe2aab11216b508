/**
 * The samplers that are not one number: DRY's sequence breakers, logit biases, token
 * bans, a grammar, the ban of end-of-generation and the sampler order. Like table.ts,
 * one entry each says its default, its SillyTavern key, its help and how a value is
 * checked; validation, the preset file and the defaults read them from here.
 */
import type { LogitBiasEntry, SamplerSettings } from "./types.ts";

export type ListSamplerKey = "drySequenceBreakers" | "logitBias" | "bannedTokens" | "grammar" | "banEos" | "samplerOrder";

export interface ListSamplerSpec<K extends ListSamplerKey = ListSamplerKey> {
  key: K;
  name: string;
  default: SamplerSettings[K];
  /** SillyTavern text-completion preset keys it is read from (sillyTavernPreset.ts converts the shape). */
  presetKeys: string[];
  help: string;
  /** The problem with a value, in words ("must be a list of strings"), or undefined when it is fine. */
  problem(value: unknown): string | undefined;
}

const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === "string");

const stringList = (v: unknown) => (isStringList(v) ? undefined : "must be a list of strings");

function biasProblem(value: unknown): string | undefined {
  if (!Array.isArray(value)) return "must be a list of {text, value}";
  const bad = value.findIndex((e: Partial<LogitBiasEntry> | null) => !e || typeof e.text !== "string" || typeof e.value !== "number" || !Number.isFinite(e.value));
  return bad < 0 ? undefined : `[${bad}] must be {text, value} with a number value`;
}

/** llama.cpp's names for the samplers SillyTavern's "samplers" list orders. */
export const ORDERED_SAMPLERS = ["top_k", "tfs_z", "typical_p", "top_p", "min_p", "temperature", "xtc", "top_n_sigma", "penalties", "dry"] as const;

const specs: { [K in ListSamplerKey]: Omit<ListSamplerSpec<K>, "key"> } = {
  drySequenceBreakers: {
    name: "DRY sequence breakers",
    default: ["\n", ":", '"', "*"],
    presetKeys: ["dry_sequence_breakers"],
    help: "DRY: a repeat never spans these",
    problem: stringList,
  },
  logitBias: {
    name: "logit bias",
    default: [],
    presetKeys: ["logit_bias"],
    help: 'make a text\'s tokens likelier or rarer: "{verbatim}", "[token ids]" or text (read with a leading space)',
    problem: biasProblem,
  },
  bannedTokens: {
    name: "banned tokens",
    default: [],
    presetKeys: ["banned_tokens"],
    help: "keep tokens out of the reply: a text's tokens, or [token ids]",
    problem: stringList,
  },
  grammar: {
    name: "grammar",
    default: "",
    presetKeys: ["grammar_string"],
    help: "a GBNF grammar the reply must follow",
    problem: (v) => (typeof v === "string" ? undefined : "must be text"),
  },
  banEos: {
    name: "ban end of generation",
    default: false,
    presetKeys: ["ban_eos_token"],
    help: "the reply never ends by itself: it runs to max tokens or a stop string",
    problem: (v) => (typeof v === "boolean" ? undefined : "must be true or false"),
  },
  samplerOrder: {
    name: "sampler order",
    default: [],
    presetKeys: ["samplers"],
    help: "the order the samplers run in, in llama.cpp's names",
    problem: (v) =>
      isStringList(v) && v.every((s) => (ORDERED_SAMPLERS as readonly string[]).includes(s)) ? undefined : `must be a list of ${ORDERED_SAMPLERS.join(", ")}`,
  },
};

export const listSamplerTable: readonly ListSamplerSpec[] = (Object.keys(specs) as ListSamplerKey[]).map((key) => ({ key, ...specs[key] }) as ListSamplerSpec);

export const listSamplerSpec = <K extends ListSamplerKey>(key: K): ListSamplerSpec<K> => ({ key, ...specs[key] }) as ListSamplerSpec<K>;

export const isListSamplerKey = (key: string): key is ListSamplerKey => key in specs;

/** A fresh copy of each default (lists are not shared between settings). */
export function listSamplerDefaults(): Pick<SamplerSettings, ListSamplerKey> {
  return Object.fromEntries(listSamplerTable.map((s) => [s.key, structuredClone(s.default)])) as Pick<SamplerSettings, ListSamplerKey>;
}

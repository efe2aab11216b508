/**
 * A chat's logit biases, token bans and ban of end-of-generation as one token -> offset
 * map, read as SillyTavern reads them for llama.cpp (public/scripts/logit-bias.js and
 * textgen-settings.js getCustomTokenBans): a bias row "{text}" is that text's tokens,
 * "[1, 2]" are token ids, other text is tokenized with a leading space; a ban line is a
 * text's tokens or "[ids]" ("quoted strings" need backtracking: notApplied.ts says so).
 */
import type { SamplerSettings } from "../../core/samplers/types.ts";
import type { LogitBias } from "./samplerOptions.ts";

/** What reading biases needs from the model. */
export interface BiasTokenizer {
  /** The text's tokens, no beginning-of-sequence token, special tokens as text. */
  tokenize(text: string): readonly number[];
  vocabularySize: number;
  /** The end-of-generation tokens (end of sequence, end of turn). */
  eogTokens: readonly number[];
}

/** "[1, 2]" -> [1, 2]; undefined when it is not a JSON list of whole numbers. */
function tokenIds(text: string): number[] | undefined {
  if (!text.startsWith("[") || !text.endsWith("]")) return undefined;
  try {
    const list: unknown = JSON.parse(text);
    return Array.isArray(list) && list.every((t) => Number.isInteger(t)) ? (list as number[]) : undefined;
  } catch {
    return undefined;
  }
}

function biasTokens(raw: string, tokenizer: BiasTokenizer): readonly number[] {
  const text = raw.trim();
  if (text.length === 0) return [];
  if (text.startsWith("{") && text.endsWith("}")) return tokenizer.tokenize(text.slice(1, -1));
  return tokenIds(text) ?? (text.startsWith("[") && text.endsWith("]") ? [] : tokenizer.tokenize(` ${text}`));
}

function banTokens(line: string, tokenizer: BiasTokenizer): readonly number[] {
  if (line.startsWith("[") && line.endsWith("]")) return tokenIds(line) ?? [];
  if (line.length >= 2 && line.startsWith('"') && line.endsWith('"')) return [];
  return tokenizer.tokenize(line);
}

/** The offsets for one reply; empty when the settings have none. Ids outside the vocabulary are left out. */
export function presetBias(samplers: Pick<SamplerSettings, "logitBias" | "bannedTokens" | "banEos">, tokenizer: BiasTokenizer): LogitBias {
  const bias = new Map<number, number | "never">();
  const inVocabulary = (t: number) => t >= 0 && t < tokenizer.vocabularySize;
  // Later rows win, as SillyTavern's object keyed by token does.
  for (const row of samplers.logitBias) for (const t of biasTokens(row.text, tokenizer)) if (inVocabulary(t)) bias.set(t, row.value);
  for (const line of samplers.bannedTokens) for (const t of banTokens(line, tokenizer)) if (inVocabulary(t)) bias.set(t, "never");
  if (samplers.banEos) for (const t of tokenizer.eogTokens) bias.set(t, "never");
  return bias;
}

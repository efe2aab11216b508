/**
 * Sampler settings as the user sets them, named after what llama.cpp does. Every
 * field is always present in a resolved set; overrides (presets, per-chat) are Partial.
 */
/** One logit bias row as SillyTavern keeps it: "{verbatim text}", "[token ids]", or text (read with a leading space). */
export interface LogitBiasEntry {
  text: string;
  /** Added to each of the text's tokens' logits; -100 or less keeps them out. */
  value: number;
}

export interface SamplerSettings {
  temperature: number;
  topK: number;
  topP: number;
  minP: number;
  /** 1 = off. */
  repeatPenalty: number;
  /** How many recent tokens the repetition penalties look at (prompt included). */
  repeatLastN: number;
  frequencyPenalty: number;
  presencePenalty: number;
  /** DRY: 0 multiplier = off. */
  dryMultiplier: number;
  dryBase: number;
  dryAllowedLength: number;
  dryLastN: number;
  drySequenceBreakers: string[];
  /** XTC: 0 probability = off. */
  xtcProbability: number;
  xtcThreshold: number;
  /** Typical-p (locally typical sampling): 1 = off. */
  typicalP: number;
  /** Tail-free sampling: 1 = off. */
  tfs: number;
  /** Top-a: 0 = off. */
  topA: number;
  /** Mirostat: 0 off, 1 or 2 the version; tau the target surprise, eta its learning rate. */
  mirostatMode: number;
  mirostatTau: number;
  mirostatEta: number;
  /** Dynamic temperature: temperature +- this range, by the entropy (0 = off). */
  dynatempRange: number;
  dynatempExponent: number;
  /** Smoothing (quadratic) sampling: 0 = off. */
  smoothingFactor: number;
  smoothingCurve: number;
  /** -1 = a fresh random seed each generation. */
  seed: number;
  maxTokens: number;
  /** Logit biases, in SillyTavern's rows. */
  logitBias: LogitBiasEntry[];
  /** Token bans, one SillyTavern line each: text (its tokens), "[token ids]", or "a quoted string". */
  bannedTokens: string[];
  /** A GBNF grammar the reply must follow ("" = none). */
  grammar: string;
  /** Never end the reply early: end-of-generation tokens are banned, it runs to max tokens or a stop string. */
  banEos: boolean;
  /** The order the samplers run in, in llama.cpp's names (SillyTavern's "samplers"); [] = the engine's. */
  samplerOrder: string[];
}

/**
 * Sampler settings as the user sets them, named after what llama.cpp does. Every
 * field is always present in a resolved set; overrides (presets, per-chat) are Partial.
 */
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
  /** -1 = a fresh random seed each generation. */
  seed: number;
  maxTokens: number;
}

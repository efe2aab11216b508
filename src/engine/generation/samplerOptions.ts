import type { SequenceEvaluateOptions, Token } from "node-llama-cpp";
import type { SamplerSettings } from "../../core/samplers/types.ts";

/**
 * SamplerSettings in node-llama-cpp's terms. The repetition penalties are given the
 * recent tokens explicitly, prompt included: its own default only looks at tokens
 * generated in this call, unlike SillyTavern's rep-pen range.
 */
export function toEvaluateOptions(samplers: SamplerSettings, recentTokens: () => Token[], contextSize: number): SequenceEvaluateOptions {
  const options: SequenceEvaluateOptions = {
    temperature: samplers.temperature,
    topK: samplers.topK,
    topP: samplers.topP,
    minP: samplers.minP,
    seed: samplers.seed >= 0 ? samplers.seed : Math.floor(Math.random() * 2 ** 32),
  };
  const penalising = samplers.repeatPenalty !== 1 || samplers.frequencyPenalty !== 0 || samplers.presencePenalty !== 0;
  if (penalising && samplers.repeatLastN !== 0) {
    options.repeatPenalty = {
      punishTokens: () => recentTokens().slice(-samplers.repeatLastN),
      maxPunishTokens: samplers.repeatLastN,
      penalty: samplers.repeatPenalty,
      frequencyPenalty: samplers.frequencyPenalty,
      presencePenalty: samplers.presencePenalty,
    };
  }
  if (samplers.dryMultiplier > 0) {
    // DRY does nothing in 3.21.1 unless lastTokens is given explicitly.
    options.dryRepeatPenalty = {
      strength: samplers.dryMultiplier,
      base: samplers.dryBase,
      allowedLength: samplers.dryAllowedLength,
      lastTokens: samplers.dryLastN > 0 ? samplers.dryLastN : contextSize,
      sequenceBreakers: samplers.drySequenceBreakers,
    };
  }
  if (samplers.xtcProbability > 0) {
    options.xtc = { probability: samplers.xtcProbability, threshold: samplers.xtcThreshold };
  }
  return options;
}

import type { SequenceEvaluateOptions, Token, TokenBias } from "node-llama-cpp";
import type { SamplerSettings } from "../../core/samplers/types.ts";
import { breakerTest, dryPenalties } from "./dryPenalty.ts";

/** What DRY needs from the model: token texts (for the breakers) and its TokenBias. */
export interface DrySupport {
  textOf(token: Token): string;
  /** A TokenBias lowering each token's logit by the given amount. */
  penalise(penalties: Map<number, number>): TokenBias;
}

/** The last `count` tokens of the sequence (prompt, then the reply so far), copying no more than those. */
export type RecentTokens = (count: number) => Token[];

/**
 * SamplerSettings in node-llama-cpp's terms. The repetition penalties are given the
 * recent tokens explicitly, prompt included: its own default only looks at tokens
 * generated in this call, unlike SillyTavern's rep-pen range. DRY likewise covers the prompt (see dryPenalty.ts).
 */
export function toEvaluateOptions(
  samplers: SamplerSettings,
  recentTokens: RecentTokens,
  contextSize: number,
  dry?: DrySupport,
): SequenceEvaluateOptions {
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
      punishTokens: () => recentTokens(samplers.repeatLastN),
      maxPunishTokens: samplers.repeatLastN,
      penalty: samplers.repeatPenalty,
      frequencyPenalty: samplers.frequencyPenalty,
      presencePenalty: samplers.presencePenalty,
    };
  }
  if (samplers.dryMultiplier > 0 && dry) {
    const isBreaker = breakerTest(samplers.drySequenceBreakers, (token) => dry.textOf(token as Token));
    const parameters = {
      multiplier: samplers.dryMultiplier,
      base: samplers.dryBase,
      allowedLength: samplers.dryAllowedLength,
      lastN: samplers.dryLastN > 0 ? samplers.dryLastN : contextSize,
    };
    options.tokenBias = () => dry.penalise(dryPenalties(recentTokens(parameters.lastN), isBreaker, parameters));
  }
  if (samplers.xtcProbability > 0) {
    options.xtc = { probability: samplers.xtcProbability, threshold: samplers.xtcThreshold };
  }
  return options;
}

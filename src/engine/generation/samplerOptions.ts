import type { SequenceEvaluateOptions, Token, TokenBias } from "node-llama-cpp";
import type { SamplerSettings } from "../../core/samplers/types.ts";
import { breakerTest, dryPenalties } from "./dryPenalty.ts";

/** Logit offsets per token; "never" bans the token. */
export type LogitBias = ReadonlyMap<number, number | "never">;

/** What DRY and logit biases need from the model: token texts (for the breakers) and its TokenBias. */
export interface DrySupport {
  textOf(token: Token): string;
  /** A TokenBias adding each logit offset ("never": banned, end-of-generation tokens included). */
  bias(offsets: LogitBias): TokenBias;
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
  /** Fixed offsets for the whole reply (a request's logit_bias and bans), under DRY's. */
  fixedBias?: LogitBias,
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
    options.tokenBias = () => dry.bias(withPenalties(fixedBias, dryPenalties(recentTokens(parameters.lastN), isBreaker, parameters)));
  } else if (fixedBias && fixedBias.size > 0 && dry) {
    options.tokenBias = dry.bias(fixedBias);
  }
  if (samplers.xtcProbability > 0) {
    options.xtc = { probability: samplers.xtcProbability, threshold: samplers.xtcThreshold };
  }
  return options;
}

function withPenalties(fixed: LogitBias | undefined, penalties: Map<number, number>): LogitBias {
  const merged = new Map<number, number | "never">(fixed);
  for (const [token, amount] of penalties) {
    const before = merged.get(token) ?? 0;
    if (before !== "never") merged.set(token, before - amount);
  }
  return merged;
}

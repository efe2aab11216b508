/**
 * DRY ("don't repeat yourself") computed here rather than by node-llama-cpp: its DRY
 * sampler only sees the tokens generated in the current call, so a phrase repeated
 * from the chat history (what DRY is for in roleplay, as SillyTavern and KoboldCpp
 * apply it over the context) went unpunished. The penalties reach llama.cpp as a
 * logit bias, recomputed before every sampled token.
 */

export interface DryParameters {
  multiplier: number;
  base: number;
  /** Repeats shorter than this go unpunished. */
  allowedLength: number;
  /** How many recent tokens (prompt included) are searched. */
  lastN: number;
}

/**
 * For each token that would extend a sequence already seen in `tokens` (the prompt
 * and what was generated so far), the amount to subtract from its logit:
 * multiplier * base^(length - allowedLength) for a repeat of `length` tokens. A repeat
 * never runs across a sequence breaker (a token whose text holds one, e.g. a newline).
 */
export function dryPenalties(tokens: readonly number[], isBreaker: (token: number) => boolean, p: DryParameters): Map<number, number> {
  const penalties = new Map<number, number>();
  if (p.multiplier <= 0) return penalties;
  const window = p.lastN > 0 ? tokens.slice(-p.lastN) : tokens;
  const n = window.length;
  const last = window[n - 1];
  if (n < 2 || last === undefined || isBreaker(last)) return penalties;
  const longest = new Map<number, number>();
  for (let j = n - 2; j >= 0; j--) {
    if (window[j] !== last) continue;
    let length = 0;
    while (j - length >= 0 && window[j - length] === window[n - 1 - length] && !isBreaker(window[j - length]!)) length++;
    const next = window[j + 1]!;
    if (length > (longest.get(next) ?? 0)) longest.set(next, length);
  }
  for (const [token, length] of longest) {
    if (length >= p.allowedLength) penalties.set(token, p.multiplier * p.base ** (length - p.allowedLength));
  }
  return penalties;
}

/** A breaker test that detokenizes each token once. */
export function breakerTest(breakers: readonly string[], textOf: (token: number) => string): (token: number) => boolean {
  const known = new Map<number, boolean>();
  const wanted = breakers.filter((b) => b !== "");
  return (token) => {
    let result = known.get(token);
    if (result === undefined) {
      const text = textOf(token);
      result = wanted.some((b) => text.includes(b));
      known.set(token, result);
    }
    return result;
  };
}

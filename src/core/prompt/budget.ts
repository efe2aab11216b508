/**
 * Which history messages fit. When the history outgrows its budget, old messages are
 * dropped down to a lower watermark (a share of the budget is freed at once). The
 * boundary is sticky: given the first message the previous prompt kept, it stays there
 * for as long as the history from it fits, whatever the lore and the author's note do
 * to the budget meanwhile, so the prompt's start, and llama.cpp's cached prefix, stays
 * the same for many turns. It moves back only when much more room appeared (messages
 * deleted, a larger context). Without a previous boundary the decision is replayed
 * from the chat's start, which gives the same answer for the same chat.
 */

export interface TrimInput {
  /** Tokens of each history message, oldest first. */
  messageTokens: number[];
  /** Tokens left for history after everything that always stays. */
  available: number;
  /** Share of `available` freed each time trimming is needed; 0 trims message by message, as SillyTavern does. */
  freeFraction: number;
  /** Messages at the end that must stay even if they do not fit (e.g. the one continued). */
  keepLast?: number;
  /** Index of the first message the previous prompt kept (the boundary to hold). */
  previous?: number;
}

/** Index of the first message to keep. */
export function firstKeptMessage(input: TrimInput): number {
  const last = Math.max(0, input.messageTokens.length - (input.keepLast ?? 0));
  const start = input.previous !== undefined && input.previous >= 0 && input.previous <= input.messageTokens.length
    ? heldBoundary(input, input.previous)
    : replayedBoundary(input);
  return Math.min(start, last);
}

function lowWatermark(input: TrimInput): { low: number; free: number } {
  const free = Math.min(1, Math.max(0, input.freeFraction));
  return { low: input.available * (1 - free), free };
}

function replayedBoundary(input: TrimInput): number {
  const { messageTokens, available } = input;
  const { low } = lowWatermark(input);
  let start = 0;
  let sum = 0;
  for (let k = 0; k < messageTokens.length; k++) {
    sum += messageTokens[k] ?? 0;
    if (sum <= available) continue;
    while (start <= k && sum > low) {
      sum -= messageTokens[start] ?? 0;
      start++;
    }
  }
  return start;
}

function heldBoundary(input: TrimInput, previous: number): number {
  const { messageTokens, available } = input;
  const { low, free } = lowWatermark(input);
  let start = previous;
  let sum = messageTokens.slice(start).reduce((a, b) => a + b, 0);
  if (sum > available) {
    while (start < messageTokens.length && sum > low) sum -= messageTokens[start++] ?? 0;
    return start;
  }
  // Far below the watermark: take back older messages, up to the watermark (with 0, up to the budget).
  const farBelow = free === 0 ? low : low * Math.max(0.25, 1 - 2 * free);
  if (start > 0 && sum < farBelow) {
    while (start > 0 && sum + (messageTokens[start - 1] ?? 0) <= low) sum += messageTokens[--start] ?? 0;
  }
  return start;
}

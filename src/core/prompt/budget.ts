/**
 * Which history messages fit. When the history outgrows its budget, old messages are
 * dropped down to a lower watermark (a share of the budget is freed at once), so the
 * first kept message stays the same for many turns and llama.cpp can reuse the
 * evaluated prefix meanwhile. The decision is replayed from the chat's start every
 * time, so it needs no saved state and gives the same answer for the same chat.
 */

export interface TrimInput {
  /** Tokens of each history message, oldest first. */
  messageTokens: number[];
  /** Tokens left for history after everything that always stays. */
  available: number;
  /** Share of `available` freed each time trimming is needed; 0 trims message by message. */
  freeFraction: number;
  /** Messages at the end that must stay even if they do not fit (e.g. the one continued). */
  keepLast?: number;
}

/** Index of the first message to keep. */
export function firstKeptMessage(input: TrimInput): number {
  const { messageTokens, available } = input;
  const low = available * (1 - Math.min(1, Math.max(0, input.freeFraction)));
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
  return Math.min(start, Math.max(0, messageTokens.length - (input.keepLast ?? 0)));
}

/**
 * Which history messages fit. Old messages are dropped in blocks whose boundaries
 * depend only on the messages themselves and the budget, never on what else is in the
 * prompt this turn: so the first kept message stays the same turn after turn until a
 * whole block must go, and llama.cpp can reuse the evaluated prefix meanwhile.
 */

export interface TrimInput {
  /** Tokens of each history message, oldest first. */
  messageTokens: number[];
  /** Tokens left for history after everything that always stays. */
  available: number;
  /** Size of one trimming block, in tokens; 0 or less trims message by message. */
  blockTokens: number;
  /** Messages at the end that must stay even if they do not fit (e.g. the one continued). */
  keepLast?: number;
}

/** Message indexes where a block starts: 0, then each time a block's tokens are used up. */
export function blockBoundaries(messageTokens: number[], blockTokens: number): number[] {
  const boundaries = [0];
  let sum = 0;
  for (let i = 0; i < messageTokens.length; i++) {
    sum += messageTokens[i] ?? 0;
    if (blockTokens <= 0 || sum >= blockTokens) {
      boundaries.push(i + 1);
      sum = 0;
    }
  }
  return boundaries;
}

/** Index of the first message to keep. */
export function firstKeptMessage(input: TrimInput): number {
  const { messageTokens, available } = input;
  const count = messageTokens.length;
  const suffix = suffixSums(messageTokens);
  const latestStart = Math.max(0, count - (input.keepLast ?? 0));
  const fits = (start: number) => (suffix[start] ?? 0) <= available;
  for (const start of blockBoundaries(messageTokens, input.blockTokens)) {
    if (start <= latestStart && fits(start)) return start;
  }
  // No block boundary fits (a single huge message): fall back to message by message.
  for (let start = 0; start < latestStart; start++) if (fits(start)) return start;
  return latestStart;
}

function suffixSums(values: number[]): number[] {
  const sums = new Array<number>(values.length + 1).fill(0);
  for (let i = values.length - 1; i >= 0; i--) sums[i] = (sums[i + 1] ?? 0) + (values[i] ?? 0);
  return sums;
}

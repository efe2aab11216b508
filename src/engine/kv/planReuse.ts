/**
 * How to turn the tokens in the KV cache into the start of the next prompt with the
 * least evaluation. The common prefix is kept, as every llama.cpp front end does. Past
 * it, a block the new prompt no longer has (the oldest messages trimmed, a lore entry
 * that went, an author's note that moved on) is erased and what follows it is kept,
 * its positions shifted down: KoboldCpp's ContextShift, done with node-llama-cpp's
 * eraseContextTokenRanges. Pure: tokens in, a plan out.
 */

export interface TokenRange {
  /** Inclusive. */
  start: number;
  /** Exclusive. */
  end: number;
}

export interface ReuseOptions {
  /** Erase blocks and keep what follows (false: the common prefix only, as llama-server's cache_prompt). */
  shift: boolean;
  /** Tokens that must match to recognise where the cached tokens go on after a block. */
  probe?: number;
  /** A shift is only worth it when at least this many tokens are kept by it (or the cache's end is reached). */
  minKept?: number;
}

export interface ReusePlan {
  /** Tokens of the new prompt already in the cache once the plan is carried out: evaluation starts here. */
  reused: number;
  /** Length of the plain common prefix. */
  commonPrefix: number;
  /** Cached token ranges to erase, in cache positions before any erasure, ascending; the last one is the stale tail. */
  erase: TokenRange[];
  /** Ranges erased to shift what follows them (not the tail). */
  shifted: TokenRange[];
  /** Cache position, before erasures, of the first cached token that was not kept (the cache's length when all were). */
  cacheStop: number;
}

const DEFAULT_PROBE = 8;
const DEFAULT_MIN_KEPT = 16;

function matchLength(a: readonly number[], from: number, b: readonly number[], bFrom: number): number {
  let n = 0;
  while (from + n < a.length && bFrom + n < b.length && a[from + n] === b[bFrom + n]) n++;
  return n;
}

/**
 * Where, at or after `from`, the cached tokens go on as `next` does from `at`: the
 * position keeping the longest run (the earliest of equals), so a phrase repeated in
 * the chat is not taken for the place the cache resumes.
 */
function findResume(cached: readonly number[], from: number, next: readonly number[], at: number, probe: number): { at: number; kept: number } | undefined {
  const length = Math.min(probe, next.length - at);
  if (length <= 0) return undefined;
  const first = next[at];
  let best: { at: number; kept: number } | undefined;
  for (let q = from; q + length <= cached.length; q++) {
    if (cached[q] !== first) continue;
    const kept = matchLength(cached, q, next, at);
    if (kept >= length && (!best || kept > best.kept)) best = { at: q, kept };
  }
  return best;
}

interface Run {
  /** Cache position of the run's first token. */
  at: number;
  length: number;
}

export function planReuse(cached: readonly number[], next: readonly number[], options: ReuseOptions): ReusePlan {
  const probe = options.probe ?? DEFAULT_PROBE;
  const minKept = options.minKept ?? DEFAULT_MIN_KEPT;
  const commonPrefix = matchLength(cached, 0, next, 0);
  const runs: Run[] = [{ at: 0, length: commonPrefix }];
  let i = commonPrefix;
  let j = commonPrefix;
  while (options.shift && i < cached.length && j < next.length - 1) {
    const resume = findResume(cached, i + 1, next, j, probe);
    if (!resume) break;
    const { at: q, kept } = resume;
    if (kept < minKept && q + kept < cached.length) break;
    runs.push({ at: q, length: kept });
    i = q + kept;
    j += kept;
  }
  // The last prompt token is always evaluated: its logits choose the first reply token.
  let over = Math.max(0, j - Math.max(0, next.length - 1));
  while (over > 0) {
    const last = runs[runs.length - 1]!;
    const cut = Math.min(over, last.length);
    last.length -= cut;
    over -= cut;
    j -= cut;
    if (last.length === 0 && runs.length > 1) runs.pop();
  }
  const erase: TokenRange[] = [];
  for (let k = 1; k < runs.length; k++) {
    const before = runs[k - 1]!;
    erase.push({ start: before.at + before.length, end: runs[k]!.at });
  }
  const shifted = [...erase];
  const last = runs[runs.length - 1]!;
  const cacheStop = last.at + last.length;
  if (cacheStop < cached.length) erase.push({ start: cacheStop, end: cached.length });
  return { reused: j, commonPrefix: Math.min(commonPrefix, j), erase, shifted, cacheStop };
}

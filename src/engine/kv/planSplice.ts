/**
 * Reuse past what erase-and-shift allows: the new prompt is laid out as runs of cached
 * tokens, in any order, and stretches that are not cached (a lore entry that came). A
 * block that moved (lore or a note at a depth, which slides down as the chat grows) is
 * kept and moved; a block that came is evaluated and moved into place, so the messages
 * after it are not evaluated again. Like context shift this is approximate: a kept token
 * keeps what it computed where it was. Pure: tokens in, a plan out.
 */
import type { TokenRange } from "./planReuse.ts";

export type SplicePiece =
  /** Cached tokens `at`..`at + length` (cache positions before the splice). */
  | { kind: "cached"; at: number; length: number }
  /** New prompt tokens `start`..`end`, evaluated and moved into place. */
  | { kind: "insert"; start: number; end: number };

export interface SplicePlan {
  /** The new prompt's first `reused` tokens, piece by piece. */
  pieces: SplicePiece[];
  /** Tokens of the new prompt the cache holds once the plan is carried out (inserted ones included): the rest is evaluated after. */
  reused: number;
  /** Tokens evaluated for the inserted pieces. */
  inserted: number;
  /** Cached ranges no piece keeps, ascending. */
  erase: TokenRange[];
  /** Whether carrying it out moves cells (an insert, or a kept run before one that was cached before it): more than erase-and-shift. */
  moves: boolean;
}

export interface SpliceOptions {
  /** Tokens that must match to look a run up. */
  probe?: number;
  /** The shortest cached run worth keeping past the common prefix. */
  minKept?: number;
  /**
   * What each cached and each new token belongs to (blockKeys): past the common prefix a
   * cached token is only kept for a new token of the same block, so the same words in
   * another message are never taken for this one.
   */
  blocks?: { cached: readonly number[]; next: readonly number[] };
}

const DEFAULT_PROBE = 8;
const DEFAULT_MIN_KEPT = 16;
/** Places a run is looked up at, at most: repetitive text must not make a plan quadratic. */
const MAX_CANDIDATES = 256;

function keyAt(tokens: readonly number[], at: number, probe: number): string {
  return tokens.slice(at, at + probe).join(",");
}

/** Cache positions where each `probe`-token run starts. */
function indexRuns(cached: readonly number[], probe: number): Map<string, number[]> {
  const index = new Map<string, number[]>();
  for (let q = 0; q + probe <= cached.length; q++) {
    const key = keyAt(cached, q, probe);
    const list = index.get(key);
    if (!list) index.set(key, [q]);
    else if (list.length < MAX_CANDIDATES) list.push(q);
  }
  return index;
}

interface Match {
  at: number;
  kept: number;
}

type Same = (q: number, j: number) => boolean;

/**
 * Tokens in a row whose blocks may differ within a kept run: the template tokens where
 * two blocks meet are counted to one block in one prompt and to the next in the other.
 */
const BLOCK_SLACK = 4;

/** How much of the run of equal unused tokens at `q` to keep: up to BLOCK_SLACK tokens in a row of other blocks, and most of it of the same block. */
function runAt(cached: readonly number[], used: Uint8Array, next: readonly number[], q: number, j: number, limit: number, same: Same): number {
  let n = 0;
  let good = 0;
  let lastGood = 0;
  let bad = 0;
  while (q + n < cached.length && j + n < limit && !used[q + n] && cached[q + n] === next[j + n]) {
    if (same(q + n, j + n)) {
      good++;
      bad = 0;
      lastGood = n + 1;
    } else if (++bad > BLOCK_SLACK) {
      n = lastGood;
      break;
    }
    n++;
  }
  return good * 2 >= n ? n : 0;
}

/** The longest run of unused cached tokens that `next` continues with at `j` (the earliest of equals), not past `limit`. */
function longestRun(cached: readonly number[], used: Uint8Array, next: readonly number[], j: number, limit: number, candidates: readonly number[], same: Same): Match | undefined {
  let best: Match | undefined;
  for (const q of candidates) {
    const n = runAt(cached, used, next, q, j, limit, same);
    if (!best || n > best.kept) best = { at: q, kept: n };
  }
  return best;
}

export function planSplice(cached: readonly number[], next: readonly number[], options: SpliceOptions = {}): SplicePlan {
  const probe = options.probe ?? DEFAULT_PROBE;
  const minKept = Math.max(options.minKept ?? DEFAULT_MIN_KEPT, probe);
  // The last prompt token is always evaluated: its logits choose the first reply token.
  const limit = Math.max(0, next.length - 1);
  const used = new Uint8Array(cached.length);
  const pieces: SplicePiece[] = [];
  const keep = (at: number, length: number) => {
    pieces.push({ kind: "cached", at, length });
    used.fill(1, at, at + length);
  };
  let prefix = 0;
  while (prefix < cached.length && prefix < limit && cached[prefix] === next[prefix]) prefix++;
  if (prefix > 0) keep(0, prefix);
  const index = indexRuns(cached, probe);
  const blocks = options.blocks;
  const same: Same = blocks ? (q, j) => blocks.cached[q] === blocks.next[j] : () => true;
  let reused = prefix;
  let inserted = 0;
  for (let j = prefix; j + probe <= limit; ) {
    const match = longestRun(cached, used, next, j, limit, index.get(keyAt(next, j, probe)) ?? [], same);
    if (!match || match.kept < minKept) {
      j++;
      continue;
    }
    if (j > reused) {
      pieces.push({ kind: "insert", start: reused, end: j });
      inserted += j - reused;
    }
    keep(match.at, match.kept);
    j += match.kept;
    reused = j;
  }
  return { pieces, reused, inserted, erase: unused(used), moves: movesCells(pieces) };
}

function unused(used: Uint8Array): TokenRange[] {
  const ranges: TokenRange[] = [];
  for (let q = 0; q < used.length; q++) {
    if (used[q]) continue;
    const last = ranges[ranges.length - 1];
    if (last && last.end === q) last.end = q + 1;
    else ranges.push({ start: q, end: q + 1 });
  }
  return ranges;
}

function movesCells(pieces: readonly SplicePiece[]): boolean {
  let at = -1;
  for (const p of pieces) {
    if (p.kind === "insert") return true;
    if (p.at < at) return true;
    at = p.at;
  }
  return false;
}

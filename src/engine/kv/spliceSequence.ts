/**
 * Carries out a splice plan on a node-llama-cpp context sequence: erase what no piece
 * keeps, evaluate the inserted pieces at the end (llama.cpp only appends to a
 * sequence), then move every piece to its place in the new prompt by shifting cell
 * positions (llama_memory_seq_add, the call context shift uses). node-llama-cpp has no
 * public call to move cells, so this reaches its sequence's internals; node-llama-cpp is
 * pinned to one version and spliceable() checks they are there before a plan is used.
 * The sequence must be idle (the turn holds it).
 */
import type { LlamaContextSequence, Token } from "node-llama-cpp";
import type { SplicePlan } from "./planSplice.ts";

interface SequenceInternals {
  _sequenceId: number;
  _contextTokens: Token[];
  _nextTokenIndex: number;
  _loadedTokenPredictions: unknown[];
  _context: { _ctx: { shiftSequenceTokenCells(sequenceId: number, startPos: number, endPos: number, shiftDelta: number): void } };
}

function internals(sequence: LlamaContextSequence): SequenceInternals | undefined {
  const s = sequence as unknown as Partial<SequenceInternals>;
  const ok = typeof s._sequenceId === "number" && Array.isArray(s._contextTokens) && typeof s._nextTokenIndex === "number" &&
    Array.isArray(s._loadedTokenPredictions) && typeof s._context?._ctx?.shiftSequenceTokenCells === "function";
  return ok ? (s as SequenceInternals) : undefined;
}

/** Whether this sequence's cells can be moved now (node-llama-cpp's internals as expected, no predicted tokens pending). */
export function spliceable(sequence: LlamaContextSequence): boolean {
  const s = internals(sequence);
  return s !== undefined && s._loadedTokenPredictions.length === 0 && s._nextTokenIndex === s._contextTokens.length;
}

interface Placed {
  /** Position now. */
  from: number;
  length: number;
}

/** Leaves the sequence holding `next.slice(0, plan.reused)`. */
export async function spliceSequence(sequence: LlamaContextSequence, next: readonly Token[], plan: SplicePlan): Promise<void> {
  const s = internals(sequence);
  if (!s || !spliceable(sequence)) throw new Error("this context sequence cannot move its cells");
  await sequence.eraseContextTokenRanges(plan.erase);
  // Positions once the erased ranges are gone: each kept cell moves down by what was erased before it.
  const erasedBefore = (q: number) => plan.erase.reduce((sum, r) => sum + Math.max(0, Math.min(r.end, q) - r.start), 0);
  let end = sequence.contextTokens.length;
  const inserts = plan.pieces.flatMap((p) => (p.kind === "insert" ? [next.slice(p.start, p.end)] : []));
  if (inserts.length > 0) await sequence.evaluateWithoutGeneratingNewTokens(inserts.flat() as Token[]);
  const placed: Placed[] = plan.pieces.map((p) => {
    if (p.kind === "cached") return { from: p.at - erasedBefore(p.at), length: p.length };
    const at = end;
    end += p.end - p.start;
    return { from: at, length: p.end - p.start };
  });
  const total = end;
  if (total !== plan.reused || sequence.contextTokens.length !== total) throw new Error(`splice left ${sequence.contextTokens.length} cells for ${plan.reused} planned tokens`);
  // Each piece not in place goes above all cells first, then those come down together: no two pieces ever share a position.
  const ctx = s._context._ctx;
  let target = 0;
  let moved = false;
  for (const p of placed) {
    if (p.from !== target) {
      ctx.shiftSequenceTokenCells(s._sequenceId, p.from, p.from + p.length, total + target - p.from);
      moved = true;
    }
    target += p.length;
  }
  if (moved) ctx.shiftSequenceTokenCells(s._sequenceId, total, 2 * total, -total);
  s._contextTokens = next.slice(0, total) as Token[];
}

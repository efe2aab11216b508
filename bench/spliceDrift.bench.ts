/**
 * What splicing costs in fidelity. Reusing a KV cache past the common prefix is
 * approximate: context shift keeps tokens that attended to what it erased, and splice
 * also keeps tokens that attended to blocks now after them, and evaluates a block that
 * came at the cache's end before moving it into place. Here a 40-turn chat whose lore
 * comes, goes and slides (two entries before the history, three at depth 2) and whose
 * history is trimmed, on random 4-layer models, attention nearer and further from uniform: each
 * turn the next-token distribution from the reused cache is compared with evaluating the
 * whole prompt afresh (exact), for context shift alone and with splice. Prints the total
 * variation distance (0: identical, 1: disjoint) and the tokens each evaluated. A random
 * model is more sensitive than a trained one, so the ratio between the two is the figure
 * to read, not the distances themselves.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LlamaContextSequence, LlamaModel, Token } from "node-llama-cpp";
import { getLlamaFor } from "../src/engine/runtime/llama.ts";
import { planReuse } from "../src/engine/kv/planReuse.ts";
import { planSplice } from "../src/engine/kv/planSplice.ts";
import { spliceSequence } from "../src/engine/kv/spliceSequence.ts";
import { writeRandomModel } from "../test/support/tinyGguf.ts";

const TURNS = 40;
const CONTEXT = 2048;
const BUDGET = 1500;
/** Messages trimmed at once when the history outgrows the budget (taproom trims in blocks). */
const TRIM_BLOCK = 6;

function block(seed: number, length: number): Token[] {
  let state = seed * 7919 + 17;
  return Array.from({ length }, () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return (10 + (state % 340)) as Token;
  });
}

/** A prompt as tokens and, per token, the block it belongs to (what blockKeys gives the engine). */
interface Prompt {
  tokens: Token[];
  blocks: number[];
}

const SYSTEM = block(1, 100);
const LORE = [0, 1, 2, 3, 4].map((k) => block(100 + k, 30));
const message = (i: number) => block(1000 + i, 40 + ((i * 13) % 40));
const BEFORE_KEY = -1;
const DEPTH_KEY = -2;
const SYSTEM_KEY = -3;
const TAIL_KEY = -4;

/** Entry k is active two turns in five, each on its own phase: entries come and go every turn. */
const active = (k: number, turn: number) => (turn + k) % 5 < 2;

function buildPrompt(turn: number, firstKept: number): Prompt {
  const parts: Array<[Token[], number]> = [[SYSTEM, SYSTEM_KEY]];
  for (const k of [0, 1]) if (active(k, turn)) parts.push([LORE[k]!, BEFORE_KEY]);
  const last = 2 * turn; // the new user message
  const depth = [2, 3, 4].filter((k) => active(k, turn)).map((k) => LORE[k]!);
  for (let i = firstKept; i <= last; i++) {
    if (i === last - 1 && depth.length) parts.push([depth.flat(), DEPTH_KEY]);
    parts.push([message(i), i]);
  }
  parts.push([block(9, 4), TAIL_KEY]);
  return { tokens: parts.flatMap(([t]) => t), blocks: parts.flatMap(([t, key]) => t.map(() => key)) };
}

function firstKeptFor(turn: number, held: number): number {
  let first = held;
  while (buildPrompt(turn, first).tokens.length > BUDGET) first += TRIM_BLOCK;
  return first;
}

async function nextDistribution(sequence: LlamaContextSequence, tail: Token[]): Promise<Map<Token, number>> {
  const items = tail.map((t, i) => (i === tail.length - 1 ? ([t, { generateNext: { probabilities: true } }] as const) : t));
  const out = await sequence.controlledEvaluate(items as Parameters<LlamaContextSequence["controlledEvaluate"]>[0]);
  return out.at(-1)!.next!.probabilities!;
}

function totalVariation(a: Map<Token, number>, b: Map<Token, number>): number {
  const tokens = new Set([...a.keys(), ...b.keys()]);
  let sum = 0;
  for (const t of tokens) sum += Math.abs((a.get(t) ?? 0) - (b.get(t) ?? 0));
  return sum / 2;
}

interface Strategy {
  name: string;
  splice: boolean;
  sequence: LlamaContextSequence;
  /** Blocks of the tokens the sequence holds (the last prompt, then its reply). */
  heldBlocks: number[];
  evaluated: number;
  distances: number[];
}

async function reuse(s: Strategy, prompt: Prompt): Promise<number> {
  const cached = s.sequence.contextTokens;
  const shift = planReuse(cached, prompt.tokens, { shift: true });
  const blocks = { cached: s.heldBlocks, next: prompt.blocks };
  const spliced = s.splice ? planSplice(cached, prompt.tokens, { blocks }) : undefined;
  if (spliced?.moves && spliced.inserted + prompt.tokens.length - spliced.reused < prompt.tokens.length - shift.reused) {
    await spliceSequence(s.sequence, prompt.tokens, spliced);
    s.evaluated += spliced.inserted;
    return spliced.reused;
  }
  if (shift.erase.length) await s.sequence.eraseContextTokenRanges(shift.erase);
  return shift.reused;
}

/** Plays the chat on one model; prints each strategy's tokens evaluated and distance from exact. */
async function play(model: LlamaModel, scale: number): Promise<void> {
  const sequenceOf = async () => (await model.createContext({ contextSize: CONTEXT, threads: 1 })).getSequence();
  const exact = await sequenceOf();
  const strategy = async (name: string, splice: boolean): Promise<Strategy> => ({ name, splice, sequence: await sequenceOf(), heldBlocks: [], evaluated: 0, distances: [] });
  const strategies = [await strategy("context shift alone", false), await strategy("splice (the default)", true)];
  let firstKept = 0;
  let exactEvaluated = 0;
  for (let turn = 1; turn <= TURNS; turn++) {
    firstKept = firstKeptFor(turn, firstKept);
    const prompt = buildPrompt(turn, firstKept);
    await exact.clearHistory();
    const truth = await nextDistribution(exact, prompt.tokens);
    exactEvaluated += prompt.tokens.length;
    const reply = message(2 * turn + 1);
    for (const s of strategies) {
      const from = await reuse(s, prompt);
      s.evaluated += prompt.tokens.length - from;
      const predicted = await nextDistribution(s.sequence, prompt.tokens.slice(from));
      if (turn > 1) s.distances.push(totalVariation(predicted, truth));
      // The reply is written into the cache, as generation would.
      await s.sequence.evaluateWithoutGeneratingNewTokens(reply);
      s.heldBlocks = [...prompt.blocks, ...reply.map(() => 2 * turn + 1)];
    }
  }
  const mean = (l: number[]) => l.reduce((a, b) => a + b, 0) / l.length;
  console.log(`weights scaled ${scale}:`);
  console.log(`  ${"exact (evaluated afresh)".padEnd(22)} evaluated ${String(exactEvaluated).padStart(6)}  total variation 0`);
  for (const s of strategies) {
    const sorted = [...s.distances].sort((a, b) => a - b);
    console.log(`  ${s.name.padEnd(22)} evaluated ${String(s.evaluated).padStart(6)}  total variation mean ${mean(s.distances).toFixed(4)}, median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(4)}, max ${sorted.at(-1)!.toFixed(4)}`);
  }
  const [shift, splice] = strategies as [Strategy, Strategy];
  console.log(`  splice / context shift alone: evaluated ${(splice.evaluated / shift.evaluated).toFixed(2)}x, mean distance ${(mean(splice.distances) / mean(shift.distances)).toFixed(2)}x`);
}

export default async function spliceDrift(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "taproom-bench-drift-"));
  try {
    console.log(`${TURNS}-turn chat, lore coming, going and sliding each turn, history trimmed; random 4-layer models (CPU); next-token distribution vs the whole prompt evaluated afresh`);
    // Larger weights: attention further from uniform, a model more sensitive to its context.
    for (const scale of [0.15, 0.3, 1]) {
      const path = await writeRandomModel(join(dir, `random-${scale}.gguf`), { layers: 4, embd: 128, ff: 256, heads: 4, scale });
      const model = await (await getLlamaFor("cpu")).loadModel({ modelPath: path });
      try {
        await play(model, scale);
      } finally {
        await model.dispose();
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Can a sampler node-llama-cpp lacks (typical-p, mirostat, TFS, top-a, dynamic
 * temperature, smoothing) run in JavaScript over the candidate distribution at full
 * speed? The only way node-llama-cpp 3.21.1 hands a token's candidates to JavaScript
 * and lets it choose the token is `sequence.controlledEvaluate` with
 * `generateNext.probabilities`: one call per token, each creating a native sampler, and
 * every candidate (the whole vocabulary when nothing truncates) copied into a Map. The
 * baseline is the real alternative on the same work: `sequence.evaluate` sampling natively
 * at temperature 1. Runs alternate; medians of reply tokens per CPU second (one llama.cpp
 * thread) are compared. The target for building such a sampler: within 2% of the baseline.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LlamaContextSequence, LlamaModel, Token } from "node-llama-cpp";
import { getLlamaFor } from "../src/engine/runtime/llama.ts";
import { writeRandomModel } from "../test/support/tinyGguf.ts";

const CONTEXT = 1024;
const REPLY = 200;
const REPS = 5;
const PROMPT = "Mira leans on the tiller and watches the fog roll over the Grey Marsh. ".repeat(4);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function cpuClock() {
  const start = process.cpuUsage();
  return () => {
    const u = process.cpuUsage(start);
    return (u.user + u.system) / 1000;
  };
}

/** A seeded uniform draw, so both paths do the same kind of work each run. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

/** Locally typical sampling (llama.cpp's llama_sampler_typical) over sorted probabilities, then a draw. */
function typicalPick(probs: Map<Token, number>, p: number, draw: () => number): Token {
  const entries = [...probs];
  let entropy = 0;
  for (const [, q] of entries) if (q > 0) entropy -= q * Math.log(q);
  const shifted = entries.map(([t, q]) => [t, q, Math.abs(-Math.log(q) - entropy)] as const).sort((a, b) => a[2] - b[2]);
  let mass = 0;
  let keep = shifted.length;
  for (let i = 0; i < shifted.length; i++) {
    mass += shifted[i]![1];
    if (mass > p && i + 1 >= 1) {
      keep = i + 1;
      break;
    }
  }
  const kept = shifted.slice(0, keep);
  const total = kept.reduce((a, e) => a + e[1], 0);
  let r = draw() * total;
  for (const [t, q] of kept) if ((r -= q) <= 0) return t;
  return kept.at(-1)![0];
}

async function promptTokens(model: LlamaModel): Promise<Token[]> {
  const tokens = model.tokenize(PROMPT, true);
  if (model.tokens.bos !== null && tokens[0] !== model.tokens.bos) tokens.unshift(model.tokens.bos);
  return tokens;
}

async function native(sequence: LlamaContextSequence, tokens: Token[], seed: number): Promise<number> {
  await sequence.clearHistory();
  await sequence.evaluateWithoutGeneratingNewTokens(tokens.slice(0, -1));
  const cpu = cpuClock();
  let count = 0;
  for await (const token of sequence.evaluate(tokens.slice(-1), { temperature: 1, seed })) {
    void token;
    if (++count >= REPLY) break;
  }
  return (count * 1000) / cpu();
}

async function custom(sequence: LlamaContextSequence, tokens: Token[], seed: number, pick: (probs: Map<Token, number>) => Token): Promise<number> {
  await sequence.clearHistory();
  await sequence.evaluateWithoutGeneratingNewTokens(tokens.slice(0, -1));
  const cpu = cpuClock();
  let next = tokens.at(-1)!;
  let count = 0;
  while (count < REPLY) {
    const [out] = await sequence.controlledEvaluate([[next, { generateNext: { probabilities: true, options: { temperature: 1, seed } } }]]);
    const probs = out?.next?.probabilities;
    if (!probs) throw new Error("no candidates came back");
    next = pick(probs);
    count++;
  }
  return (count * 1000) / cpu();
}

async function measure(dir: string, vocabulary: number): Promise<void> {
  const path = await writeRandomModel(join(dir, `random-${vocabulary}.gguf`), { layers: 6, embd: 512, ff: 1024, heads: 8, seed: 7, vocabulary });
  const llama = await getLlamaFor("cpu");
  const model = await llama.loadModel({ modelPath: path });
  const context = await model.createContext({ contextSize: CONTEXT, threads: 1, sequences: 1 });
  const sequence = context.getSequence();
  const tokens = await promptTokens(model);
  const base: number[] = [];
  const transferOnly: number[] = [];
  const typical: number[] = [];
  for (let rep = 0; rep < REPS; rep++) {
    base.push(await native(sequence, tokens, rep + 1));
    const draw = rng(rep + 1);
    // The candidates come back sorted, likeliest first: taking the first is the cheapest choice possible.
    transferOnly.push(await custom(sequence, tokens, rep + 1, (probs) => probs.keys().next().value!));
    typical.push(await custom(sequence, tokens, rep + 1, (probs) => typicalPick(probs, 0.9, draw)));
  }
  const b = median(base);
  const line = (name: string, xs: number[]) => {
    const m = median(xs);
    console.log(`  ${name.padEnd(48)}${m.toFixed(0).padStart(6)} tokens/CPU s   ${(m / b).toFixed(3)}x  ${m / b >= 0.98 ? "within 2%" : "NOT within 2%"}`);
  };
  console.log(`  vocabulary ${vocabulary}:`);
  console.log(`  ${"native sampling (sequence.evaluate), baseline".padEnd(48)}${b.toFixed(0).padStart(6)} tokens/CPU s   1.000x`);
  line("candidates to JS, the likeliest taken", transferOnly);
  line("candidates to JS, typical-p 0.9 in JS", typical);
  await context.dispose();
  await model.dispose();
}

export default async function candidateSampler(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "taproom-bench-"));
  try {
    console.log(`  random model, 6 layers, n_embd 512, ${REPLY} reply tokens at temperature 1, median of ${REPS}, one thread`);
    // The test vocabulary, then a real model's size (Llama 2 and Mistral have 32,000 tokens).
    for (const vocabulary of [356, 32000]) await measure(dir, vocabulary);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

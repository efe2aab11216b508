// Splicing on real llama.cpp. A one-layer model's keys and values depend only on each token and its
// position, so a cache whose cells were moved and inserted correctly predicts exactly what the
// rearranged prompt evaluated from scratch predicts; cells left in the wrong places do not.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LlamaContext, LlamaContextSequence, LlamaModel, Token } from "node-llama-cpp";
import { getLlamaFor } from "../../../src/engine/runtime/llama.ts";
import { planSplice } from "../../../src/engine/kv/planSplice.ts";
import { spliceable, spliceSequence } from "../../../src/engine/kv/spliceSequence.ts";
import { writeRandomModel } from "../../support/tinyGguf.ts";

let dir: string;
let model: LlamaModel;
let context: LlamaContext;
let sequence: LlamaContextSequence;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "taproom-splice-"));
  const path = await writeRandomModel(join(dir, "one-layer.gguf"), { layers: 1, embd: 64, ff: 128, heads: 4, scale: 1 });
  model = await (await getLlamaFor("cpu")).loadModel({ modelPath: path });
  context = await model.createContext({ contextSize: 512, threads: 1 });
  sequence = context.getSequence();
});

after(async () => {
  await context?.dispose();
  await model?.dispose();
  await rm(dir, { recursive: true, force: true });
});

/** Pseudo-random tokens: blocks of different seeds share no run the planner would take for the same text. */
function block(seed: number, length: number): Token[] {
  let state = seed * 7919 + 17;
  return Array.from({ length }, () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return (10 + (state % 60)) as Token;
  });
}

/** The next-token probabilities after `tokens`, evaluated on what the sequence already holds. */
async function predict(tokens: Token[]): Promise<Map<Token, number>> {
  const items = tokens.map((t, i) => (i === tokens.length - 1 ? ([t, { generateNext: { probabilities: true } }] as const) : t));
  const out = await sequence.controlledEvaluate(items as Parameters<LlamaContextSequence["controlledEvaluate"]>[0]);
  return out.at(-1)!.next!.probabilities!;
}

async function fresh(tokens: Token[]): Promise<Map<Token, number>> {
  await sequence.clearHistory();
  return predict(tokens);
}

function distance(a: Map<Token, number>, b: Map<Token, number>): number {
  let most = 0;
  for (const [token, p] of a) most = Math.max(most, Math.abs(p - (b.get(token) ?? 0)));
  return most;
}

async function spliced(cached: Token[], next: Token[]): Promise<{ probabilities: Map<Token, number>; moves: boolean; inserted: number }> {
  await sequence.clearHistory();
  await sequence.evaluateWithoutGeneratingNewTokens(cached);
  assert.ok(spliceable(sequence), "node-llama-cpp's sequence internals are as the splice expects");
  const plan = planSplice(sequence.contextTokens, next);
  await spliceSequence(sequence, next, plan);
  assert.deepEqual(sequence.contextTokens, next.slice(0, plan.reused));
  return { probabilities: await predict(next.slice(plan.reused)), moves: plan.moves, inserted: plan.inserted };
}

test("moved blocks predict what the rearranged prompt predicts; left where they were, they do not", async () => {
  const [system, lore, message, reply, user] = [block(0, 24), block(3, 20), block(5, 30), block(9, 24), block(11, 6)];
  const next = [...system, ...message, ...lore, ...reply, ...user];
  const expected = await fresh(next);
  const result = await spliced([...system, ...lore, ...message, ...reply], next);
  assert.equal(result.moves, true);
  assert.equal(result.inserted, 0);
  const wrong = await fresh([...system, ...lore, ...message, ...reply, ...user]);
  assert.ok(distance(wrong, expected) > 0.05, `the order matters to this model (${distance(wrong, expected)})`);
  assert.ok(distance(result.probabilities, expected) < 0.005, `spliced differs by ${distance(result.probabilities, expected)}`);
});

test("a block inserted in the middle lands at its place and the cells after it are kept", async () => {
  const [system, lore, history, user] = [block(1, 30), block(17, 20), block(4, 40), block(13, 5)];
  const next = [...system, ...lore, ...history, ...user];
  const expected = await fresh(next);
  const result = await spliced([...system, ...history], next);
  assert.equal(result.inserted, lore.length, "only the new block is evaluated before the tail");
  assert.ok(distance(result.probabilities, expected) < 0.005, `spliced differs by ${distance(result.probabilities, expected)}`);
  const appended = await fresh([...system, ...history, ...lore, ...user]);
  assert.ok(distance(appended, expected) > 0.05, "where the block sits changes the prediction");
});

test("erasing, moving and inserting together, then generating on, keeps the sequence's positions consecutive", async () => {
  const [a, b, c, d, e] = [block(2, 20), block(6, 20), block(8, 20), block(12, 20), block(14, 20)];
  const next = [...a, ...d, ...e, ...b, ...block(30, 4)];
  const expected = await fresh(next);
  const result = await spliced([...a, ...b, ...c, ...d], next);
  assert.ok(distance(result.probabilities, expected) < 0.005, `spliced differs by ${distance(result.probabilities, expected)}`);
  // llama.cpp refuses a batch whose positions do not follow the sequence's last one: generating on proves they do.
  const more = await predict(block(40, 3));
  assert.ok(more.size > 0);
});

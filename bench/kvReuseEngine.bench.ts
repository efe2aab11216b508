/**
 * The same scripted roleplay as kvReuse, on real llama.cpp: a random-weights model
 * (4 layers, 256 wide, written to a temp dir) evaluates each turn's prompt, and the
 * engine reports how many prompt tokens it really evaluated after reusing the KV
 * cache. Replies are scripted (one token generated) so both strategies see the same
 * chat. Figures: tokens evaluated and prompt-processing time, taproom vs the naive
 * rebuild, measured in the same run.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveSamplers } from "../src/core/samplers/validate.ts";
import { loadModel } from "../src/engine/generation/loadModel.ts";
import { writeRandomModel } from "../test/support/tinyGguf.ts";
import { CONTEXT, NAIVE, newTokens, scriptedPrompts, TAPROOM, type Strategy } from "./support/prefixReuse.ts";

const TURNS = 40;

async function replay(strategy: Strategy, path: string) {
  const model = await loadModel({ path, gpu: "cpu", threads: 1, contextSize: CONTEXT });
  const samplers = resolveSamplers({ temperature: 0, maxTokens: 1 });
  let evaluated = 0;
  let fresh = 0;
  let ms = 0;
  try {
    // The scripted reply is not generated, so each turn also evaluates the previous
    // reply's tokens: the same small overcount for both strategies.
    for (const { prompt } of scriptedPrompts(strategy, (t) => model.countTokens(t), TURNS)) {
      const started = performance.now();
      const result = await model.generate({ prompt: prompt.text, stops: [], samplers });
      ms += performance.now() - started;
      evaluated += result.evaluatedPromptTokens;
      fresh += newTokens(prompt);
    }
  } finally {
    await model.unload();
  }
  return { evaluated, fresh, ms };
}

export default async function kvReuseEngine(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "taproom-bench-"));
  try {
    const path = await writeRandomModel(join(dir, "random.gguf"), { layers: 4, embd: 256, ff: 512, heads: 4 });
    const ours = await replay(TAPROOM, path);
    const naive = await replay(NAIVE, path);
    console.log(`${TURNS} turns on real llama.cpp (random 4-layer model, CPU, 1 thread), context ${CONTEXT}`);
    console.log(`new tokens in the turns:        ${ours.fresh}`);
    console.log(`evaluated, taproom:             ${ours.evaluated} tokens, ${ours.ms.toFixed(0)} ms`);
    console.log(`evaluated, naive rebuild:       ${naive.evaluated} tokens, ${naive.ms.toFixed(0)} ms`);
    console.log(`ratio naive / taproom:          ${(naive.evaluated / ours.evaluated).toFixed(2)} (tokens), ${(naive.ms / ours.ms).toFixed(2)} (time)`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

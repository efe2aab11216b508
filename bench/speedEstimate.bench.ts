// How taproom's speed estimate (src/engine/planning/estimateSpeed.ts) compares with
// the speed llama.cpp really generates at on this machine's CPU, one thread, for a
// random model of a few hundred MB written here. Ratio estimate / measured: 1 is exact,
// above 1 means taproom promises more than this machine gives.
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getLlama } from "node-llama-cpp";
import { writeRandomModel } from "../test/support/tinyGguf.ts";
import { readModelFacts } from "../src/engine/library/readModelFacts.ts";
import { estimateSpeed, machineBandwidths, shapeFromFacts } from "../src/engine/planning/index.ts";

const CASES = [
  { layers: 8, embd: 1024, ff: 4096 },
  { layers: 16, embd: 1024, ff: 4096 },
];

export default async function speedEstimateBench(): Promise<void> {
  const llama = await getLlama({ gpu: false, build: "never" });
  const dir = await mkdtemp(join(tmpdir(), "taproom-speed-bench-"));
  try {
    for (const size of CASES) {
      const path = await writeRandomModel(join(dir, `random-${size.layers}.gguf`), { ...size, heads: 16 });
      const fileBytes = (await stat(path)).size;
      const measured = await measure(llama, path);
      const facts = await readModelFacts(path);
      const shape = shapeFromFacts(facts);
      const bandwidths = machineBandwidths({ gpu: false, vramBytes: 0, ramBytes: 64 * 2 ** 30 });
      const estimate = estimateSpeed({ shape, fileBytes, contextSize: 512, gpuLayers: 0, totalLayers: shape.layers + 1, bandwidths, cpuCores: 1 }).tokensPerSecond;
      const label = `${(fileBytes / 1e6).toFixed(0)} MB f32, 1 thread`;
      console.log(`${label.padEnd(22)} measured ${measured.toFixed(1)} tokens/s, estimated ${estimate.toFixed(1)}, ratio ${(estimate / measured).toFixed(2)}`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function measure(llama: Awaited<ReturnType<typeof getLlama>>, path: string): Promise<number> {
  const model = await llama.loadModel({ modelPath: path, gpuLayers: 0 });
  const context = await model.createContext({ contextSize: 512, threads: 1 });
  try {
    const sequence = context.getSequence();
    const prompt = model.tokenize("Hello there, how are you today?");
    await sequence.evaluateWithoutGeneratingNewTokens(prompt);
    let tokens = 0;
    const start = performance.now();
    for await (const _ of sequence.evaluate([prompt[0]!])) if (++tokens >= 64) break;
    return tokens / ((performance.now() - start) / 1000);
  } finally {
    await context.dispose();
    await model.dispose();
  }
}

// How taproom's fit estimate (src/engine/planning/estimateFit.ts) compares with
// node-llama-cpp's own GgufInsights estimate for the same header, fully offloaded.
// Figures are ratios taproom / node-llama-cpp; above 1 means taproom is more cautious.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getLlama, readGgufFileInfo, GgufInsights } from "node-llama-cpp";
import { llamaHeader } from "../test/support/ggufHeader.ts";
import { estimateFit } from "../src/engine/planning/estimateFit.ts";
import { architectureById } from "../src/engine/quants/index.ts";

const GiB = 2 ** 30;
const CASES = [
  ["llama3-8b", 8192],
  ["llama2-13b", 4096],
  ["qwen2.5-32b", 8192],
  ["llama3-70b", 8192],
] as const;

export default async function fitEstimateBench(): Promise<void> {
  const llama = await getLlama({ gpu: false, build: "never" });
  const dir = await mkdtemp(join(tmpdir(), "taproom-fit-bench-"));
  for (const [id, contextSize] of CASES) {
    const shape = architectureById(id)!;
    const path = join(dir, `${id}.gguf`);
    await writeFile(path, llamaHeader({ ...shape, context: shape.trainContext }));
    const insights = await GgufInsights.from(await readGgufFileInfo(path, { logWarnings: false }), llama);
    const layers = shape.layers + 1;
    const model = insights.estimateModelResourceRequirements({ gpuLayers: layers });
    const context = insights.estimateContextResourceRequirements({ contextSize, modelGpuLayers: layers, batchSize: 512 });
    const theirs = model.gpuVram + context.gpuVram;
    const fileBytes = model.gpuVram + model.cpuRam;
    const ours = estimateFit({ shape, fileBytes, contextSize, machine: { gpu: "cuda", vramBytes: 1024 * GiB, ramBytes: 1024 * GiB } }).vramBytes;
    console.log(`${id.padEnd(12)} f16, ${contextSize} ctx: node-llama-cpp ${(theirs / GiB).toFixed(2)} GiB, taproom ${(ours / GiB).toFixed(2)} GiB, ratio ${(ours / theirs).toFixed(3)}`);
  }
}

import { test } from "node:test";
import assert from "node:assert/strict";
import { runCli } from "../../src/cli/main.ts";
import { captureIO } from "../support/cliIO.ts";

async function fit(...args: string[]) {
  const io = captureIO({});
  const code = await runCli(["fit", ...args], io);
  return { code, out: io.out(), err: io.err() };
}

interface FitJson {
  parameters: number;
  contextSize: number;
  kvCacheBytes: number;
  best: { quant: string; fit: string; gpuLayers: number; fileBytes: number } | null;
  reason: string;
  quants: Array<{ quant: string; fit: string; gpuLayers: number; totalLayers: number; contextSize: number; maxFullContext: number }>;
}

async function best(params: string, vram: string, ram = "64GB"): Promise<FitJson> {
  const { code, out, err } = await fit("--params", params, "--vram", vram, "--ram", ram, "--gpu", "cuda", "--json");
  assert.equal(code, 0, err);
  return JSON.parse(out) as FitJson;
}

test("7B, 13B and 70B on 8, 12 and 24 GB: the best quant that fits, and the alternatives", async () => {
  const expected: Record<string, Record<string, string>> = {
    // F16 of a 7B fits 24 GB too, but for chat Q8_0 reads the same at half the size.
    "7B": { "8GB": "Q6_K full", "12GB": "Q8_0 full", "24GB": "Q8_0 full" },
    "13B": { "8GB": "IQ2_XXS full", "12GB": "Q4_K_M full", "24GB": "Q8_0 full" },
    "70B": { "8GB": "Q4_K_M partial", "12GB": "Q4_K_M partial", "24GB": "IQ2_XXS full" },
  };
  for (const [params, byVram] of Object.entries(expected)) {
    for (const [vram, want] of Object.entries(byVram)) {
      const report = await best(params, vram);
      assert.equal(`${report.best?.quant} ${report.best?.fit}`, want, `${params} on ${vram}`);
      assert.equal(report.quants.length, 10);
      // Every better quantized file than the choice must fail to fit fully: the choice is the best that does.
      const index = report.quants.findIndex((q) => q.quant === report.best?.quant);
      const better = report.quants.slice(0, index).filter((q) => !/^(F32|BF16|F16)$/.test(q.quant));
      if (report.best?.fit === "full") assert.ok(better.every((q) => q.fit !== "full"), `${params} ${vram}`);
    }
  }
});

test("the KV cache comes from the architecture: Llama-2-13B caps context at 4096, Llama-3-8B keeps 8192", async () => {
  const thirteen = await best("13B", "12GB");
  assert.equal(thirteen.contextSize, 4096);
  assert.equal(thirteen.kvCacheBytes, 3200 * 2 ** 20);
  const eight = await best("8B", "12GB");
  assert.equal(eight.contextSize, 8192);
  assert.equal(eight.kvCacheBytes, 2 ** 30);
});

test("each quant says how much context it leaves on the GPU: smaller quants leave more", async () => {
  const report = await best("13B", "8GB");
  const contexts = report.quants.map((q) => q.maxFullContext);
  assert.ok(contexts.every((c, i) => i === 0 || c >= contexts[i - 1]!), contexts.join(","));
  assert.ok(report.quants.every((q) => q.maxFullContext % 256 === 0 && q.maxFullContext <= 4096));
  const q3 = report.quants.find((q) => q.quant === "Q3_K_M")!;
  assert.ok(q3.maxFullContext > 0 && q3.maxFullContext < 4096, String(q3.maxFullContext));
  assert.equal(report.quants.find((q) => q.quant === "IQ2_XXS")?.maxFullContext, 4096);
});

test("the text table marks the choice and names fits fully / partly / not", async () => {
  const { code, out } = await fit("--params", "70B", "--vram", "24GB", "--ram", "16GB", "--gpu", "cuda");
  assert.equal(code, 0);
  assert.match(out, /^70B parameters, Llama-3-70B shape: 80 layers, 64 heads, 8 KV heads$/m);
  assert.match(out, /^\* IQ2_XXS +\d+\.\d+ GiB +fully on GPU +8192 +\d+/m);
  assert.match(out, /^ {2}Q8_0 +\d+\.\d GiB +does not fit +- +- +- +-$/m);
  assert.match(out, /partly: \d+\/81 layers on GPU/);
  assert.match(out, /^Best: IQ2_XXS, a .* file using .* VRAM/m);
});

test("CPU only and impossible machines, and bad flags", async () => {
  const cpu = await fit("--params", "7B", "--gpu", "cpu", "--ram", "16GB");
  assert.equal(cpu.code, 0);
  assert.match(cpu.out, /No GPU: Q4_K_M runs on the CPU from RAM/);
  const tooSmall = await fit("--params", "70B", "--gpu", "cpu", "--ram", "8GB");
  assert.equal(tooSmall.code, 1);
  assert.match(tooSmall.out, /No quant runs on this machine; even IQ2_XXS needs more memory/);
  const bad = await fit("--params", "huge", "--gpu", "cpu", "--ram", "8GB");
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--params must be a size like 7B/);
  const badVram = await fit("--params", "7B", "--gpu", "cuda", "--vram", "lots");
  assert.equal(badVram.code, 2);
  assert.match(badVram.err, /--vram must be a size like 12GB/);
});

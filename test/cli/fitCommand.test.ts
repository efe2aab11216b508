import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../src/cli/main.ts";
import { captureIO } from "../support/cliIO.ts";
import { startFakeHub } from "../support/fakeHub.ts";
import { llamaHeader } from "../support/ggufHeader.ts";

// The machine probe is remembered in the data directory: never the real one.
const home = await mkdtemp(join(tmpdir(), "taproom-fit-"));

async function fit(args: string[], env: Record<string, string> = {}) {
  const io = captureIO({ TAPROOM_HOME: home, ...env });
  const code = await runCli(["fit", ...args], io);
  return { code, out: io.out(), err: io.err() };
}

interface Row {
  quant: string;
  fit: string;
  gpuLayers: number;
  totalLayers: number;
  contextSize: number;
  maxFullContext: number;
  tokensPerSecond: number;
  quality: { loss: string; kld: number; perplexityIncreasePercent: number };
}

interface FitJson {
  parameters: number;
  architecture: { kvHeads: number; layers: number; like: string };
  shapeSource: string;
  contextSize: number;
  kvCacheBytes: number;
  minTokensPerSecond: number;
  bandwidth: { gpu: { gbPerSecond: number; source: string; assumed: boolean } | null; ram: { gbPerSecond: number; source: string; assumed: boolean } };
  choice: Row | null;
  reason: string;
  runnersUp: { better: { quant: string; why: string } | null; worse: { quant: string; why: string } | null };
  quants: Row[];
}

const cuda = (vram: string) => ["--gpu", "cuda", "--vram", vram, "--ram", "64GB"];

async function json(...args: string[]): Promise<FitJson> {
  const { code, out, err } = await fit([...args, "--json"]);
  assert.equal(code, 0, err);
  return JSON.parse(out) as FitJson;
}

test("fit --json carries the choice with its speed, quality loss and GPU layers, the runner-ups and every candidate", async () => {
  const report = await json("--params", "13B", ...cuda("8GB"));
  assert.equal(report.shapeSource, "assumed");
  assert.deepEqual([report.architecture.layers, report.architecture.kvHeads], [40, 8]);
  assert.equal(report.minTokensPerSecond, 8);
  assert.deepEqual(report.bandwidth.gpu, { gbPerSecond: 300, source: "assumed: typical of 8 GB cards", assumed: true });
  const choice = report.choice!;
  assert.equal(choice.quant, "Q4_K_M");
  assert.equal(choice.fit, "partial");
  assert.ok(choice.gpuLayers > 30 && choice.gpuLayers < choice.totalLayers);
  assert.ok(choice.tokensPerSecond >= 8, String(choice.tokensPerSecond));
  assert.deepEqual(choice.quality, { loss: "small", kld: 0.028152, perplexityIncreasePercent: 2.43 });
  assert.match(report.reason, /^Q4_K_M is the best quality that reaches reading speed here/);
  assert.equal(report.runnersUp.better?.quant, "Q5_K_M");
  assert.equal(report.runnersUp.worse?.quant, "IQ4_XS");
  assert.deepEqual(report.quants.map((q) => q.quant), ["F16", "Q8_0", "Q6_K", "Q5_K_M", "Q4_K_M", "IQ4_XS", "Q3_K_M", "IQ3_M", "IQ3_XXS", "IQ2_M", "Q2_K", "IQ2_XS", "IQ2_XXS"]);
  const speeds = report.quants.filter((q) => q.quant !== "IQ2_M").map((q) => q.tokensPerSecond);
  assert.ok(speeds.every((s, i) => i === 0 || s >= speeds[i - 1]!), `smaller files are faster: ${speeds.join(", ")}`);
  assert.ok(report.quants.every((q) => q.maxFullContext % 256 === 0));
});

test("the text output: the assumed shape and how to change it, the bandwidths, the table and why, with the runner-ups", async () => {
  const { code, out } = await fit(["--params", "13B", ...cuda("8GB"), "--context", "4096"]);
  assert.equal(code, 0);
  assert.match(out, /^Model: about 13B parameters, 40 layers, 8 KV heads x 128$/m);
  assert.match(out, /^Shape: assumed, a current GQA model like Mistral-Nemo-12B \(--arch or --kv-heads to change it\)$/m);
  assert.match(out, /^KV cache: 640 MiB at 4096 tokens of context$/m);
  assert.match(out, /^Bandwidth: GPU 300 GB\/s \(assumed: typical of 8 GB cards\), RAM 60 GB\/s \(assumed: dual-channel DDR4\/DDR5\)$/m);
  assert.match(out, /^ {2}Quant +File +On GPU +Tok\/s +Loss +KLD +Max GPU ctx +VRAM +RAM$/m);
  assert.match(out, /^\* Q4_K_M +7\.41 GiB +\d\d\/41 +\d+ +small +0\.028 +- /m);
  assert.match(out, /^ {2}IQ2_XXS +3\.61 GiB +all +\d+ +extreme +0\.812 +\d+ /m);
  assert.match(out, /^Choice: Q4_K_M \(7\.41 GiB\): about \d+ tokens\/s, \d\d of 41 layers on the GPU, small loss \(KL divergence 0\.028, perplexity \+2\.4%\)\.$/m);
  assert.match(out, /^Why: Q4_K_M is the best quality that reaches reading speed here: about \d+ tokens\/s with \d\d of 41 layers on the GPU and the rest on the CPU\.$/m);
  assert.match(out, /^Runner-up above: Q5_K_M, about \d+(\.\d)? tokens\/s, under the 16 tokens\/s asked of quants above Q4_K_M\.$/m);
  assert.match(out, /^Runner-up below: IQ4_XS, about \d+ tokens\/s, but moderate loss \(KL divergence 0\.036 against 0\.028\)\.$/m);
});

test("--kv-heads and --arch change the shape: Llama-2-13B's full attention needs 5x the cache and gets a smaller quant", async () => {
  const gqa = await json("--params", "13B", ...cuda("12GB"));
  const mha = await json("--params", "13B", ...cuda("12GB"), "--kv-heads", "40");
  assert.equal(mha.kvCacheBytes, 5 * gqa.kvCacheBytes);
  assert.equal(gqa.choice?.quant, "Q5_K_M");
  assert.notEqual(mha.choice?.quant, "Q5_K_M");
  const llama2 = await json("--params", "13B", ...cuda("12GB"), "--arch", "llama2-13b");
  assert.equal(llama2.shapeSource, "named");
  assert.equal(llama2.contextSize, 4096, "capped at Llama-2's train context");
  assert.equal(llama2.kvCacheBytes, 3200 * 2 ** 20);
});

test("--min-speed moves the choice; --gpu-bandwidth replaces the assumption", async () => {
  const usual = await json("--params", "34B", ...cuda("16GB"));
  const relaxed = await json("--params", "34B", ...cuda("16GB"), "--min-speed", "5");
  assert.equal(usual.choice?.quant, "Q3_K_M");
  assert.ok(relaxed.choice!.quality.kld < usual.choice!.quality.kld && relaxed.choice!.tokensPerSecond >= 5, relaxed.choice!.quant);
  const strict = await json("--params", "13B", ...cuda("8GB"), "--min-speed", "25");
  assert.equal(strict.minTokensPerSecond, 25);
  assert.ok(strict.choice!.tokensPerSecond >= 25 && strict.choice!.quality.kld > 0.028, strict.choice!.quant);
  const fast = await json("--params", "13B", ...cuda("8GB"), "--gpu-bandwidth", "600");
  assert.deepEqual(fast.bandwidth.gpu, { gbPerSecond: 600, source: "as given", assumed: false });
  const slow = await json("--params", "13B", ...cuda("8GB"));
  const q2 = (r: FitJson) => r.quants.find((q) => q.quant === "IQ2_XXS")!.tokensPerSecond;
  assert.ok(Math.abs(q2(fast) / q2(slow) - 2) < 0.05, "all on the GPU: twice the bandwidth, twice the speed");
  const bad = await fit(["--params", "13B", ...cuda("8GB"), "--min-speed", "fast"]);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--min-speed must be tokens\/s above 0, got "fast"/);
});

test("fit --model FILE reads the shape from the file's header and compares every common quant of it", async () => {
  const dir = await mkdtemp(join(tmpdir(), "taproom-fit-"));
  const path = join(dir, "nemo-Q8_0.gguf");
  await writeFile(path, llamaHeader({ layers: 40, embedding: 5120, heads: 40, kvHeads: 8, feedForward: 14336, vocab: 131072, context: 131072, fileType: 7, name: "Nemo" }));
  const report = await json("--model", path, ...cuda("8GB"));
  assert.equal(report.shapeSource, "header");
  assert.ok(Math.abs(report.parameters / 12.2e9 - 1) < 0.1, String(report.parameters));
  assert.equal(report.choice?.quant, "Q4_K_M");
  const { out } = await fit(["--model", path, ...cuda("8GB")]);
  assert.match(out, /^Shape: from its GGUF header \(llama\)$/m);
});

test("fit hf:USER/REPO compares the repository's own files, the shape read from one header over HTTP", async (t) => {
  const header = llamaHeader({ layers: 40, embedding: 5120, heads: 40, kvHeads: 8, feedForward: 14336, vocab: 131072, context: 131072 });
  const sizes: Record<string, number> = { Q8_0: 13.0e9, Q6_K: 10.1e9, Q5_K_M: 8.7e9, Q4_K_M: 7.5e9, IQ4_XS: 6.7e9, Q3_K_M: 6.1e9, IQ2_XXS: 3.6e9 };
  const files = Object.entries(sizes).map(([quant, size]) => ({ path: `Nemo-${quant}.gguf`, content: header, announcedSize: size }));
  const hub = await startFakeHub({ repos: { "bart/Nemo-GGUF": { files } } });
  t.after(() => hub.close());
  const io = captureIO({ TAPROOM_HOME: home, HF_ENDPOINT: hub.endpoint });
  const code = await runCli(["fit", "hf:bart/Nemo-GGUF", ...cuda("8GB"), "--json"], io);
  assert.equal(code, 0, io.err());
  const report = JSON.parse(io.out()) as FitJson;
  assert.equal(report.shapeSource, "header");
  assert.deepEqual(report.quants.map((q) => q.quant), ["Q8_0", "Q6_K", "Q5_K_M", "Q4_K_M", "IQ4_XS", "Q3_K_M", "IQ2_XXS"]);
  assert.equal(report.choice?.quant, "Q4_K_M");
  assert.ok(hub.requests.some((r) => /Nemo-IQ2_XXS\.gguf bytes=0-\d+$/.test(r)), hub.requests.join("\n"));
});

test("CPU only and impossible machines, and bad flags", async () => {
  const cpu = await fit(["--params", "7B", "--gpu", "cpu", "--ram", "16GB"]);
  assert.equal(cpu.code, 0);
  assert.match(cpu.out, /^Choice: (Q4_K_M|IQ4_XS) .* all layers on the CPU/m);
  assert.doesNotMatch(cpu.out, /^Bandwidth: GPU/m);
  const tooSmall = await fit(["--params", "70B", "--gpu", "cpu", "--ram", "8GB"]);
  assert.equal(tooSmall.code, 1);
  assert.match(tooSmall.out, /No quant runs on this machine; even IQ2_XXS needs more memory/);
  const bad = await fit(["--params", "huge", "--gpu", "cpu", "--ram", "8GB"]);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--params must be a size like 7B/);
  const badVram = await fit(["--params", "7B", "--gpu", "cuda", "--vram", "lots"]);
  assert.equal(badVram.code, 2);
  assert.match(badVram.err, /--vram must be a size like 12GB/);
  const two = await fit(["--params", "7B", "--model", "x.gguf", "--gpu", "cpu"]);
  assert.equal(two.code, 2);
  assert.match(two.err, /give one of --params SIZE, --model FILE or hf:USER\/REPO/);
  const badBandwidth = await fit(["--params", "7B", "--gpu", "cpu", "--ram-bandwidth", "lots"]);
  assert.equal(badBandwidth.code, 2);
  assert.match(badBandwidth.err, /--ram-bandwidth must be in GB\/s, like 936 or 60, got "lots"/);
});

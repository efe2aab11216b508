import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../src/cli/main.ts";
import { captureIO } from "../support/cliIO.ts";
import { ggufHeader, llamaHeader } from "../support/ggufHeader.ts";

const GiB = 2 ** 30;

/** A Llama-3-8B header padded (sparsely) to the size of its Q4_K_M file. */
async function withModel(run: (path: string, root: string) => Promise<void>) {
  const root = await mkdtemp(join(tmpdir(), "taproom-plan-"));
  try {
    const path = join(root, "Llama-3-8B-Q4_K_M.gguf");
    await writeFile(path, llamaHeader({ layers: 32, embedding: 4096, heads: 32, kvHeads: 8, feedForward: 14336, vocab: 128256, context: 8192, fileType: 15, name: "Llama 3 8B" }));
    await truncate(path, Math.round(4.58 * GiB));
    await run(path, root);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

test("taproom plan --json: the model, the machine given by flags, and the plan", async () => {
  await withModel(async (path, root) => {
    const io = captureIO({ TAPROOM_HOME: root });
    assert.equal(await runCli(["plan", "--model", path, "--json", "--gpu", "cuda", "--vram", "8GB", "--ram", "32GB", "--cores", "8"], io), 0, io.err());
    const out = JSON.parse(io.out());
    assert.equal(out.model.architecture, "llama");
    assert.equal(out.model.quant, "Q4_K_M");
    assert.equal(out.model.fileBytes, Math.round(4.58 * GiB));
    assert.deepEqual(out.machine, { gpu: "cuda", vramBytes: 8 * GiB, ramBytes: 32 * GiB, cpuCores: 8 });
    assert.deepEqual(Object.keys(out.plan).sort(), ["backend", "contextSize", "fitsFully", "flashAttention", "gpuLayers", "memory", "reasons", "runnable", "suggestions", "threads", "tokensPerSecond", "totalLayers"]);
    assert.equal(out.plan.backend, "cuda");
    assert.equal(out.plan.gpuLayers, 33);
    assert.equal(out.plan.totalLayers, 33);
    assert.equal(out.plan.contextSize, 8192);
    assert.equal(out.plan.threads, 2);
    assert.equal(out.plan.fitsFully, true);
    assert.match(out.plan.reasons[0], /GiB needed, 8\.0 GiB VRAM: all 33 layers on the GPU with 8192 context/);
    assert.equal(io.err(), "");
  });
});

test("taproom plan prints the decision and the reasons; overrides win", async () => {
  await withModel(async (path, root) => {
    const io = captureIO({ TAPROOM_HOME: root });
    assert.equal(await runCli(["plan", "--model", path, "--gpu", "cuda", "--vram", "4GB", "--ram", "16GB", "--cores", "6", "--context", "4096", "--threads", "3"], io), 0, io.err());
    const text = io.out();
    assert.match(text, /^Model: Llama 3 8B \(llama, 7\.5B parameters, Q4_K_M, 4\.58 GiB, 33 layers, trained on 8192 tokens\)$/m);
    assert.match(text, /^Machine: cuda, 4 GiB VRAM, 16 GiB RAM, 6 cores$/m);
    assert.match(text, /^Plan: cuda, (\d+)\/33 layers on the GPU, 4096 context, 3 threads, flash attention off$/m);
    assert.match(text, /^ {2}- 4\.0 GiB VRAM holds \d+ of 33 layers with 4096 context/m);
    assert.match(text, /^ {2}- 3 threads as asked$/m);
    assert.match(text, /^You could:\n {2}- \w+ \(about \d+\.\d GiB\) would fit fully on the GPU with 4096 context$/m);
  });
});

test("taproom plan on a CPU-only machine and with --gpu-layers", async () => {
  await withModel(async (path, root) => {
    const cpu = captureIO({ TAPROOM_HOME: root });
    assert.equal(await runCli(["plan", "--model", path, "--gpu", "cpu", "--ram", "16GB", "--cores", "2"], cpu), 0, cpu.err());
    assert.match(cpu.out(), /^Plan: cpu, 0\/33 layers on the GPU, 8192 context, 2 threads, flash attention off$/m);
    const forced = captureIO({ TAPROOM_HOME: root });
    assert.equal(await runCli(["plan", "--model", path, "--gpu", "cuda", "--vram", "24GB", "--ram", "32GB", "--cores", "4", "--gpu-layers", "20", "--json"], forced), 0);
    assert.equal(JSON.parse(forced.out()).plan.gpuLayers, 20);
  });
});

test("taproom plan: a model too big for the machine exits 1 and says why", async () => {
  await withModel(async (path, root) => {
    const io = captureIO({ TAPROOM_HOME: root });
    assert.equal(await runCli(["plan", "--model", path, "--gpu", "cpu", "--ram", "4GB", "--cores", "2"], io), 1);
    assert.match(io.out(), /^Plan: cannot run on this machine$/m);
    assert.match(io.out(), /^ {2}- cannot run on this machine: it needs about \d+\.\d GiB of memory and there is 4\.0 GiB RAM$/m);
  });
});

test("taproom plan refuses a file that would crash llama.cpp, and bad flags", async () => {
  const root = await mkdtemp(join(tmpdir(), "taproom-plan-"));
  try {
    const path = join(root, "broken.gguf");
    await writeFile(path, ggufHeader({ metadata: { "general.architecture": "llama", "llama.context_length": 4096, "llama.embedding_length": 64, "llama.block_count": 2, "llama.attention.head_count": 4, "tokenizer.ggml.model": "llama" }, tensors: [{ name: "token_embd.weight", dims: [64, 300] }] }));
    const io = captureIO({ TAPROOM_HOME: root });
    assert.equal(await runCli(["plan", "--model", path, "--gpu", "cpu", "--ram", "8GB"], io), 1);
    assert.match(io.err(), /missing llama\.feed_forward_length — this file would crash llama\.cpp/);
    const usage = captureIO({ TAPROOM_HOME: root });
    assert.equal(await runCli(["plan", "--model", path, "--context", "0"], usage), 2);
    assert.match(usage.err(), /--context must be at least 1/);
    const missing = captureIO({ TAPROOM_HOME: root });
    assert.equal(await runCli(["plan"], missing), 2);
    assert.match(missing.err(), /--model FILE is required/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test("taproom plan --gpu metal on a machine without it says so and how to plan for one", { skip: process.platform === "darwin" }, async () => {
  await withModel(async (path, root) => {
    const io = captureIO({ TAPROOM_HOME: root });
    assert.equal(await runCli(["plan", "--model", path, "--gpu", "metal"], io), 1);
    assert.match(io.err(), /the metal backend is not available on this machine \(.*give --vram SIZE to plan for a metal machine\)/);
    assert.equal(io.out(), "");
  });
});

test("a model is named as taproom models lists it: plan and fit take a library name, and a wrong one says what the library has", async () => {
  const root = await mkdtemp(join(tmpdir(), "taproom-plan-name-"));
  try {
    const { mkdir } = await import("node:fs/promises");
    await mkdir(join(root, "models"));
    const path = join(root, "models", "Llama-3-8B-Q4_K_M.gguf");
    await writeFile(path, llamaHeader({ layers: 32, embedding: 4096, heads: 32, kvHeads: 8, feedForward: 14336, vocab: 128256, context: 8192, fileType: 15, name: "Llama 3 8B" }));
    await truncate(path, Math.round(4.58 * GiB));
    const machine = ["--gpu", "cuda", "--vram", "8GB", "--ram", "32GB"];
    for (const name of ["Llama-3-8B-Q4_K_M.gguf", "Llama-3-8B-Q4_K_M", "llama-3-8b"]) {
      const io = captureIO({ TAPROOM_HOME: root });
      assert.equal(await runCli(["plan", "--model", name, "--json", ...machine], io), 0, io.err());
      assert.equal(JSON.parse(io.out()).model.path, path);
    }
    const fit = captureIO({ TAPROOM_HOME: root });
    assert.equal(await runCli(["fit", "--model", "Llama-3-8B-Q4_K_M.gguf", ...machine], fit), 0, fit.err());
    const wrong = captureIO({ TAPROOM_HOME: root });
    assert.equal(await runCli(["plan", "--model", "Llama-3-8B-Q4_K_S.gguf", ...machine], wrong), 1);
    assert.match(wrong.err(), /^taproom plan: no model file or library model named "Llama-3-8B-Q4_K_S\.gguf" \(did you mean "llama-3-8b-q4_k_m"\?\); the library \(.*\) has Llama-3-8B-Q4_K_M\.gguf\. taproom models lists them\n$/);
    assert.doesNotMatch(wrong.err(), /ENOENT|stat/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

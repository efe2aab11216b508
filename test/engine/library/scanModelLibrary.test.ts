import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, truncate, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { scanModelLibrary } from "../../../src/engine/library/scanModelLibrary.ts";
import { readModelFacts } from "../../../src/engine/library/readModelFacts.ts";
import { ggufHeader, llamaHeader } from "../../support/ggufHeader.ts";

const GiB = 2 ** 30;
const llama3_8b = { layers: 32, embedding: 4096, heads: 32, kvHeads: 8, feedForward: 14336, vocab: 128256, context: 8192 };

/** A header-only GGUF grown (sparsely) to a real model's size, so fit verdicts are real. */
async function model(path: string, sizeBytes: number, extra: Partial<Parameters<typeof llamaHeader>[0]> = {}) {
  await writeFile(path, llamaHeader({ ...llama3_8b, ...extra }));
  await truncate(path, Math.round(sizeBytes));
}

async function library() {
  const dir = await mkdtemp(join(tmpdir(), "taproom-lib-"));
  const models = join(dir, "models");
  const extra = join(dir, "elsewhere", "nested");
  await mkdir(models, { recursive: true });
  await mkdir(extra, { recursive: true });
  await model(join(models, "Llama-3-8B-Instruct-Q4_K_M.gguf"), Math.round(4.58 * GiB), { fileType: 15, name: "Llama 3 8B Instruct", chatTemplate: "<|start_header_id|>{{ m }}" });
  await model(join(models, "Big-70B-Q4_K_M-00001-of-00002.gguf"), 21 * GiB, { layers: 80, embedding: 8192, heads: 64, feedForward: 28672, fileType: 15 });
  // A second part, as llama-gguf-split writes it, is a GGUF of its own holding more tensors.
  await writeFile(join(models, "Big-70B-Q4_K_M-00002-of-00002.gguf"), ggufHeader({ metadata: { "split.no": 1, "split.count": 2 }, tensors: [{ name: "output.weight", dims: [8192, 128256] }] }));
  await truncate(join(models, "Big-70B-Q4_K_M-00002-of-00002.gguf"), 21.5 * GiB);
  await model(join(models, "Half-IQ3_M-00001-of-00003.gguf"), 1000);
  await writeFile(join(models, "broken.gguf"), "<html>404 Not Found</html>");
  await writeFile(join(models, "notes.txt"), "not a model");
  await writeFile(join(models, "Downloading-Q8_0.gguf.part"), "half");
  await model(join(extra, "Mistral-7B-Q6_K.gguf"), 5.5 * GiB, { fileType: 18, chatTemplate: "[INST] {{ m }} [/INST]", context: 32768 });
  return { dir, folders: [models, join(dir, "elsewhere"), join(dir, "does-not-exist")], cachePath: join(dir, "cache", "models.json") };
}

test("the scan groups split files, reads metadata, judges each model, and lists broken files without failing", async () => {
  const { folders, cachePath } = await library();
  const machine = { gpu: "cuda" as const, vramBytes: 12 * GiB, ramBytes: 32 * GiB };
  const models = await scanModelLibrary({ folders, machine, cachePath });
  assert.deepEqual(models.map((m) => m.name), ["Big-70B-Q4_K_M", "broken.gguf", "Half-IQ3_M", "Llama-3-8B-Instruct-Q4_K_M.gguf", "Mistral-7B-Q6_K.gguf"]);
  const [big, broken, half, llama, mistral] = models;

  assert.equal(big?.parts, 2);
  assert.equal(big?.paths.length, 2);
  assert.equal(big?.sizeBytes, 42.5 * GiB);
  assert.equal(big?.layers, 80);
  assert.equal(big?.verdict?.fit, "none");
  assert.match(big?.verdict?.reason ?? "", /RAM, more than the 32\.0 GiB this machine has/);

  assert.match(broken?.error ?? "", /broken\.gguf: not a GGUF file$/);
  assert.equal(broken?.verdict, undefined);
  assert.match(half?.error ?? "", /Half-IQ3_M-00001-of-00003\.gguf: split model missing part\(s\) 2, 3 of 3$/);

  assert.equal(llama?.architecture, "llama");
  assert.equal(llama?.quant, "Q4_K_M");
  assert.equal(llama?.trainContext, 8192);
  assert.equal(llama?.chatTemplate, "Llama 3");
  assert.ok(Math.abs((llama?.parameters ?? 0) - 7.5e9) < 0.01e9, String(llama?.parameters));
  assert.equal(llama?.verdict?.fit, "full");
  assert.equal(llama?.verdict?.summary, "fits fully on the GPU with 8192 context");

  assert.equal(mistral?.quant, "Q6_K");
  assert.equal(mistral?.chatTemplate, "Mistral/Llama 2");
  assert.equal(mistral?.verdict?.contextSize, 8192, "judged at the wanted context, not the 32K train context");
  // Mistral 7B Q6_K (5.5 GiB, 8 KV heads x 32 layers: 128 KiB per token) leaves room for far more context on 12 GiB.
  assert.equal(mistral?.verdict?.fit, "full");
  assert.ok((mistral?.verdict?.maxContext ?? 0) > 16384 && (mistral?.verdict?.maxContext ?? 0) <= 32768, String(mistral?.verdict?.maxContext));
  assert.equal(mistral?.verdict?.summary, `fits fully on the GPU with 8192 context (up to ${mistral?.verdict?.maxContext})`);
  assert.equal(llama?.verdict?.maxContext, 8192, "never beyond the train context");
  assert.equal(big?.verdict?.maxContext, 0);
});

test("a small GPU gets a partial verdict with the layer count, and no GPU a CPU verdict", async () => {
  const { folders } = await library();
  const small = await scanModelLibrary({ folders, machine: { gpu: "cuda", vramBytes: 4 * GiB, ramBytes: 64 * GiB } });
  const llama = small.find((m) => m.name.startsWith("Llama"));
  assert.equal(llama?.verdict?.fit, "partial");
  assert.match(llama?.verdict?.summary ?? "", /^partly: \d+\/33 layers on the GPU, 8192 context$/);
  assert.ok((llama?.verdict?.gpuLayers ?? 0) > 10 && (llama?.verdict?.gpuLayers ?? 99) < 33);
  const cpu = await scanModelLibrary({ folders, machine: { gpu: false, vramBytes: 0, ramBytes: 64 * GiB } });
  assert.equal(cpu.find((m) => m.name.startsWith("Llama"))?.verdict?.fit, "cpu");
  assert.equal(cpu.find((m) => m.name.startsWith("Big"))?.verdict?.fit, "cpu");
});

test("metadata is cached by path, size and mtime: unchanged files are not read again", async () => {
  const { dir, folders, cachePath } = await library();
  const machine = { gpu: false as const, vramBytes: 0, ramBytes: 16 * GiB };
  const reads: string[] = [];
  const readFacts = (path: string) => (reads.push(path), readModelFacts(path));
  await scanModelLibrary({ folders, machine, cachePath, readFacts });
  assert.equal(reads.length, 4, "every readable-or-broken file once; the incomplete split is not read");
  reads.length = 0;
  const again = await scanModelLibrary({ folders, machine, cachePath, readFacts });
  assert.deepEqual(reads, []);
  assert.match(again.find((m) => m.name === "broken.gguf")?.error ?? "", /not a GGUF file/, "errors are cached too");
  const touched = join(dir, "models", "Llama-3-8B-Instruct-Q4_K_M.gguf");
  await utimes(touched, new Date(), new Date(Date.now() + 5000));
  await scanModelLibrary({ folders, machine, cachePath, readFacts });
  assert.deepEqual(reads, [touched]);
});

test("corrupt and truncated headers are refused in milliseconds with a one-line reason", async () => {
  const dir = await mkdtemp(join(tmpdir(), "taproom-bad-"));
  const good = llamaHeader({ layers: 2, embedding: 64, heads: 4, kvHeads: 4, feedForward: 128, vocab: 300, context: 512 });
  const patched = (at: number, value: bigint | number) => {
    const copy = good.slice();
    const view = new DataView(copy.buffer);
    if (typeof value === "bigint") view.setBigUint64(at, value, true);
    else view.setUint32(at, value, true);
    return copy;
  };
  const cases: Array<[string, Uint8Array, RegExp]> = [
    ["tensor-count.gguf", patched(8, 2n ** 40n), /corrupt or truncated GGUF header/],
    ["version.gguf", patched(4, 99), /GGUF version 99 is not supported/],
    ["cut-header.gguf", good.subarray(0, 100), /corrupt or truncated GGUF header/],
    ["cut-data.gguf", good.subarray(0, good.length - 40), /truncated: the file ends before its tensor data/],
    ["empty.gguf", new Uint8Array(0), /not a GGUF file/],
  ];
  for (const [name, bytes] of cases) await writeFile(join(dir, name), bytes);
  const started = Date.now();
  const models = await scanModelLibrary({ folders: [dir], machine: { gpu: false, vramBytes: 0, ramBytes: 8 * GiB } });
  assert.ok(Date.now() - started < 5000);
  for (const [name, , reason] of cases) {
    const model = models.find((m) => m.name === name);
    assert.match(model?.error ?? "", reason, name);
    assert.doesNotMatch(model?.error ?? "", /\n/);
  }
});

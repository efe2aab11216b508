import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ggufHeader, type GgufValue } from "../../support/ggufHeader.ts";
import { readModelFacts, ModelMetadataError } from "../../../src/engine/library/index.ts";

const complete: Record<string, GgufValue> = {
  "general.architecture": "llama",
  "llama.context_length": 4096,
  "llama.embedding_length": 64,
  "llama.block_count": 2,
  "llama.feed_forward_length": 128,
  "llama.attention.head_count": 4,
  "tokenizer.ggml.model": "llama",
};
const tensors = [{ name: "token_embd.weight", dims: [64, 300] }];

async function withFile(metadata: Record<string, GgufValue>, run: (path: string) => Promise<void>) {
  const dir = await mkdtemp(join(tmpdir(), "taproom-validate-"));
  try {
    const path = join(dir, "model.gguf");
    await writeFile(path, ggufHeader({ metadata, tensors }));
    await run(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test("a header with every key llama.cpp asserts on is read", async () => {
  await withFile(complete, async (path) => {
    const facts = await readModelFacts(path);
    assert.equal(facts.layers, 2);
    assert.equal(facts.feedForward, 128);
  });
});

for (const key of ["llama.block_count", "llama.embedding_length", "llama.feed_forward_length", "llama.attention.head_count", "llama.context_length", "tokenizer.ggml.model"]) {
  test(`missing ${key} is refused before any load`, async () => {
    const metadata = { ...complete };
    delete metadata[key];
    await withFile(metadata, async (path) => {
      await assert.rejects(readModelFacts(path), (error: unknown) => {
        assert.ok(error instanceof ModelMetadataError);
        assert.equal(error.message, `${path}: missing ${key} — this file would crash llama.cpp`);
        return true;
      });
    });
  });
}

test("the check follows the file's architecture, not llama's", async () => {
  const qwen = Object.fromEntries(Object.entries(complete).map(([k, v]) => [k.replace(/^llama\./, "qwen2."), v]));
  qwen["general.architecture"] = "qwen2";
  await withFile(qwen, async (path) => assert.equal((await readModelFacts(path)).architecture, "qwen2"));
  const broken: Record<string, GgufValue> = { ...qwen, "llama.feed_forward_length": 128 };
  delete broken["qwen2.feed_forward_length"];
  await withFile(broken, async (path) => {
    await assert.rejects(readModelFacts(path), /missing qwen2\.feed_forward_length — this file would crash llama\.cpp/);
  });
});

test("a zero where a count belongs is refused like a missing key", async () => {
  await withFile({ ...complete, "llama.block_count": 0 }, async (path) => {
    await assert.rejects(readModelFacts(path), /missing llama\.block_count/);
  });
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { modelFileBytes } from "../../../src/engine/library/index.ts";
import { readModelFile } from "../../../src/engine/generation/readModelFile.ts";
import { loadModel } from "../../../src/engine/generation/loadModel.ts";
import { ModelLoadError } from "../../../src/engine/generation/errors.ts";
import { llamaHeader } from "../../support/ggufHeader.ts";

const GiB = 2 ** 30;

test("a split model is sized and planned by all its parts, not by the part that was opened", async () => {
  const dir = await mkdtemp(join(tmpdir(), "taproom-split-"));
  const part1 = join(dir, "Big-Q4_K_M-00001-of-00002.gguf");
  const part2 = join(dir, "Big-Q4_K_M-00002-of-00002.gguf");
  const header = llamaHeader({ layers: 80, embedding: 8192, heads: 64, kvHeads: 8, feedForward: 28672, vocab: 128256, context: 8192, fileType: 15 });
  await writeFile(part1, header);
  await truncate(part1, 20 * GiB);
  await writeFile(part2, header);
  await truncate(part2, 19 * GiB);
  await writeFile(join(dir, "Other-Q8_0.gguf"), "x");
  assert.equal(await modelFileBytes(part1), 39 * GiB);
  assert.equal(await modelFileBytes(join(dir, "Other-Q8_0.gguf")), 1);
  assert.equal((await readModelFile(part1)).fileBytes, 39 * GiB);
  // 39 GiB does not run with 24 GiB VRAM and 16 GiB RAM; part 1 alone (20 GiB) would have.
  const machine = { gpu: "cuda" as const, vramBytes: 24 * GiB, ramBytes: 16 * GiB, cpuCores: 8 };
  await assert.rejects(loadModel({ path: part1, machine }), (error: unknown) => error instanceof ModelLoadError && /cannot run on this machine/.test(error.message));
});

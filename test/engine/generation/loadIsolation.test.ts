// Issue 14, findings 2 and 3: hostile GGUF files never hang the reader, and a file that
// would abort llama.cpp is refused (by a metadata check, or by a child-process test load)
// while the process that asked keeps running.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkLoadIsolated, fileIdentity } from "../../../src/engine/generation/loadCheck.ts";
import { loadModel } from "../../../src/engine/generation/loadModel.ts";
import { ModelLoadError } from "../../../src/engine/generation/errors.ts";
import { readModelFacts } from "../../../src/engine/library/readModelFacts.ts";
import { tinyChatModelBytes } from "../../support/tinyGguf.ts";

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "taproom-hostile-gguf-"));
});

const u32 = (value: number) => ({ type: "u32" as const, value });

test("a GGUF with an odd rope dimension (GGML_ASSERT, exit 134 before) is refused with the reason, before llama.cpp sees it", async () => {
  const path = join(dir, "odd-rope.gguf");
  // 96 / 32 = 3: a head size of 3 with 3 rotated dimensions aborted llama.cpp at the first evaluation.
  await writeFile(path, tinyChatModelBytes({ metadata: { "llama.attention.head_count": u32(32), "llama.attention.head_count_kv": u32(32), "llama.rope.dimension_count": u32(3) } }));
  await assert.rejects(readModelFacts(path), /odd-rope\.gguf: llama\.rope\.dimension_count 3 is odd .* would crash llama\.cpp/);
  await assert.rejects(loadModel({ path, gpu: "cpu", threads: 1, contextSize: 256 }), (e: Error) => e instanceof ModelLoadError && /rope\.dimension_count 3 is odd/.test(e.message));
});

test("other shapes llama.cpp asserts on are refused by name", async () => {
  const cases: Array<[string, Record<string, ReturnType<typeof u32>>, RegExp]> = [
    ["kv0.gguf", { "llama.attention.head_count_kv": u32(0) }, /head_count_kv is 0/],
    ["experts.gguf", { "llama.expert_count": u32(4) }, /expert_used_count 0 must be between 1 and expert_count 4/],
    ["value-length.gguf", { "llama.attention.value_length": u32(0) }, /value_length is 0/],
    ["experts-used.gguf", { "llama.expert_count": u32(4), "llama.expert_used_count": u32(8) }, /expert_used_count 8/],
  ];
  for (const [name, metadata, reason] of cases) {
    await writeFile(join(dir, name), tinyChatModelBytes({ metadata }));
    await assert.rejects(readModelFacts(join(dir, name)), reason, name);
  }
});

test("a file that passes every check but still aborts llama.cpp is refused by the child's test load; this process lives on", { timeout: 120_000 }, async () => {
  const path = join(dir, "aborts.gguf");
  // A per-layer KV head count of 0 in block 1 (arrays are not checked in JS): GGML_ASSERT(a->ne[0] == b->ne[0]).
  await writeFile(path, tinyChatModelBytes({ metadata: { "llama.attention.head_count_kv": { type: "i32s", value: [2, 0] } } }));
  await assert.rejects(checkLoadIsolated(path), (e: Error) => e instanceof ModelLoadError && /aborted while test-loading this file \(.*GGML_ASSERT/.test(e.message) && e.message.startsWith(path));
});

test("a file that test-loads is remembered by its contents: another copy loads without a second child", { timeout: 120_000 }, async () => {
  const remember = join(dir, "checked.json");
  const a = join(dir, "a.gguf");
  await writeFile(a, tinyChatModelBytes());
  await checkLoadIsolated(a, { rememberFile: remember });
  const saved = JSON.parse(await readFile(remember, "utf8")) as { loaded: string[] };
  assert.deepEqual(saved.loaded, [await fileIdentity(a)]);
  const b = join(dir, "b.gguf");
  await writeFile(b, tinyChatModelBytes());
  const started = Date.now();
  await checkLoadIsolated(b, { rememberFile: remember });
  assert.equal(await fileIdentity(b), saved.loaded[0]);
  assert.ok(Date.now() - started < 20_000);
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm, truncate, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KvStateFileError, KvStateStore } from "../../src/store/kvStates.ts";
import type { StateRecord } from "../../src/core/promptCache/state.ts";

async function withDir(run: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "taproom-kv-"));
  try {
    await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const record = (savedAt = "2026-01-01T00:00:00.000Z"): StateRecord => ({
  key: { model: { name: "m", bytes: 10, fingerprint: "f" }, contextSize: 2048, cacheLayout: "flash-attention=false", template: "chatml" },
  tokens: [1, 2, 3],
  savedAt,
});

const fill = (bytes: number, byte = 7) => (path: string) => writeFile(path, Buffer.alloc(bytes, byte));

test("a saved state comes back with its record, and loading hands over the file it wrote", () => {
  return withDir(async (dir) => {
    const store = new KvStateStore({ dir });
    assert.equal(await store.info("c1"), undefined, "nothing saved yet");
    const saved = await store.save("c1", record(), fill(1000));
    assert.deepEqual(saved, { kept: true, bytes: 1000, evicted: [] });
    const info = await store.info("c1");
    assert.ok(info && "record" in info);
    assert.deepEqual(info.record.tokens, [1, 2, 3]);
    assert.equal(info.fileBytes, 1000);
    let loaded: Buffer | undefined;
    await store.load("c1", async (path) => void (loaded = await readFile(path)));
    assert.equal(loaded?.length, 1000);
    // A second save replaces the first: one state per chat, the old file gone.
    await store.save("c1", record(), fill(500, 9));
    assert.equal((await readdir(dir)).filter((n) => n.endsWith(".kv")).length, 1);
    assert.equal((await store.list())[0]?.bytes, 500);
  });
});

test("a damaged state file is a miss: its checksum fails, it is deleted, the error says so", () => {
  return withDir(async (dir) => {
    const store = new KvStateStore({ dir });
    await store.save("c1", record(), fill(1000));
    const file = (await readdir(dir)).find((n) => n.endsWith(".kv"))!;
    const bytes = await readFile(join(dir, file));
    bytes[500] = bytes[500]! ^ 0xff;
    await writeFile(join(dir, file), bytes);
    let called = false;
    await assert.rejects(store.load("c1", async () => void (called = true)), (e: unknown) => e instanceof KvStateFileError && /damaged \(its checksum does not match\)/.test(e.message));
    assert.equal(called, false, "a damaged file never reaches llama.cpp");
    assert.equal(await store.info("c1"), undefined, "deleted");
    assert.deepEqual(await readdir(dir), []);
  });
});

test("a truncated file, a damaged record and a refused load are misses too", () => {
  return withDir(async (dir) => {
    const store = new KvStateStore({ dir });
    await store.save("c1", record(), fill(1000));
    await truncate(join(dir, (await readdir(dir)).find((n) => n.endsWith(".kv"))!), 10);
    assert.deepEqual(await store.info("c1"), { problem: "the saved state's file has 10 bytes, not 1000 (deleted)" });
    await store.save("c2", record(), fill(100));
    await writeFile(join(dir, "c2.json"), "{ not json");
    assert.deepEqual(await store.info("c2"), { problem: "the saved state's record was damaged (deleted)" });
    await store.save("c3", record(), fill(100));
    await assert.rejects(store.load("c3", async () => { throw new Error("llama.cpp: bad magic"); }), /could not be loaded \(llama.cpp: bad magic\)/);
    assert.equal(await store.info("c3"), undefined);
  });
});

test("disk use is bounded: a state over the per-chat limit is not kept, the oldest go to stay under the total", () => {
  return withDir(async (dir) => {
    const store = new KvStateStore({ dir, limits: { maxChatBytes: 1500, maxTotalBytes: 2500 } });
    const big = await store.save("huge", record(), fill(2000));
    assert.equal(big.kept, false);
    assert.match(big.reason!, /over the limit of 0 MiB per chat|over the limit/);
    assert.equal(await store.info("huge"), undefined);
    await store.save("a", record("2026-01-01T00:00:00.000Z"), fill(1000));
    await store.save("b", record("2026-01-02T00:00:00.000Z"), fill(1000));
    const third = await store.save("c", record("2026-01-03T00:00:00.000Z"), fill(1000));
    assert.deepEqual(third.evicted, ["a"]);
    assert.deepEqual((await store.list()).map((s) => s.chatId).sort(), ["b", "c"]);
  });
});

test("a save that fails leaves the previous state and no temp file", () => {
  return withDir(async (dir) => {
    const store = new KvStateStore({ dir });
    await store.save("c1", record(), fill(100));
    await assert.rejects(store.save("c1", record(), async (path) => {
      await writeFile(path, "partial");
      throw new Error("disk full");
    }), /disk full/);
    const info = await store.info("c1");
    assert.ok(info && "record" in info && info.fileBytes === 100);
    assert.deepEqual((await readdir(dir)).filter((n) => n.endsWith(".tmp")), []);
  });
});

test("files a crash left behind are removed once they are old", () => {
  return withDir(async (dir) => {
    const store = new KvStateStore({ dir });
    await store.save("c1", record(), fill(100));
    await writeFile(join(dir, ".c1.x.kv.tmp"), "x");
    await writeFile(join(dir, "c9.orphan.kv"), "x");
    assert.equal(await store.removeStale(), 0, "young files may be a save in progress");
    const old = new Date(Date.now() - 3600_000);
    for (const name of [".c1.x.kv.tmp", "c9.orphan.kv"]) await utimes(join(dir, name), old, old);
    assert.equal(await store.removeStale(), 2);
    assert.ok((await store.info("c1")) !== undefined, "a live state stays");
  });
});

test("a chat id that is not one cannot name a path", () => {
  return withDir(async (dir) => {
    const store = new KvStateStore({ dir });
    await assert.rejects(store.info("../x"), /is not a chat id/);
  });
});

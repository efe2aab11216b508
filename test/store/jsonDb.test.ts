import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openJsonDb } from "../../src/store/jsonDb.ts";
import { writeFileAtomic } from "../../src/store/atomicWrite.ts";

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), "taproom-db-"));
}

test("data written through openJsonDb is on disk and reads back in a new instance", async () => {
  const dir = await tempDir();
  const path = join(dir, "nested", "settings.json");
  const db = await openJsonDb({ path, defaults: { count: 0 } });
  db.data.count = 5;
  await db.write();
  const again = await openJsonDb({ path, defaults: { count: 0 } });
  assert.equal(again.data.count, 5);
  assert.deepEqual(JSON.parse(await readFile(path, "utf8")), { count: 5 });
});

test("a corrupt file is kept aside, not lost, and defaults are used", async () => {
  const dir = await tempDir();
  const path = join(dir, "chat.json");
  await writeFile(path, "{ truncated");
  let backup = "";
  const db = await openJsonDb({ path, defaults: { ok: true }, onCorrupt: (b) => (backup = b) });
  assert.deepEqual(db.data, { ok: true });
  assert.equal(await readFile(backup, "utf8"), "{ truncated");
});

test("atomic write leaves no temp files and replaces content whole", async () => {
  const dir = await tempDir();
  const path = join(dir, "file.txt");
  await writeFileAtomic(path, "old");
  await writeFileAtomic(path, "new");
  assert.equal(await readFile(path, "utf8"), "new");
  assert.deepEqual(await readdir(dir), ["file.txt"]);
});

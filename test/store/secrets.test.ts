import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readBackendKey, saveBackendKey } from "../../src/store/secrets.ts";

test("server keys: saved per address readable by the user alone, other fields kept, removed on request", async () => {
  const path = join(await mkdtemp(join(tmpdir(), "taproom-secrets-")), "secrets.json");
  assert.equal(await readBackendKey(path, "http://a:1"), undefined, "no file: no key");
  await writeFile(path, JSON.stringify({ note: "kept", backendKeys: { "http://b:2": "kb" } }));
  await saveBackendKey(path, "http://a:1", "ka");
  assert.equal(await readBackendKey(path, "http://a:1"), "ka");
  assert.equal(await readBackendKey(path, "http://b:2"), "kb");
  assert.equal((await stat(path)).mode & 0o777, 0o600);
  await saveBackendKey(path, "http://a:1", undefined);
  assert.deepEqual(JSON.parse(await readFile(path, "utf8")), { note: "kept", backendKeys: { "http://b:2": "kb" } });
});

test("a broken secrets file is named with its field, never overwritten", async () => {
  const path = join(await mkdtemp(join(tmpdir(), "taproom-secrets-")), "secrets.json");
  await writeFile(path, "{ not json");
  await assert.rejects(readBackendKey(path, "http://a:1"), /secrets\.json: "\(root\)" is not valid JSON/);
  await assert.rejects(saveBackendKey(path, "http://a:1", "k"), /is not valid JSON/);
  assert.equal(await readFile(path, "utf8"), "{ not json");
  await writeFile(path, JSON.stringify({ backendKeys: { "http://a:1": 5 } }));
  await assert.rejects(readBackendKey(path, "http://a:1"), /"backendKeys" must map server addresses to keys/);
});

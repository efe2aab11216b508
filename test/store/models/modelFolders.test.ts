import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readExtraModelFolders } from "../../../src/store/models/modelFolders.ts";

test("extra model folders come from settings.json; relative ones resolve against the data directory", async () => {
  const root = await mkdtemp(join(tmpdir(), "taproom-settings-"));
  assert.deepEqual(await readExtraModelFolders(root), []);
  await writeFile(join(root, "settings.json"), JSON.stringify({ modelFolders: ["/mnt/models", "more", 7, ""] }));
  assert.deepEqual(await readExtraModelFolders(root), ["/mnt/models", join(root, "more")]);
  await writeFile(join(root, "settings.json"), "{ not json");
  assert.deepEqual(await readExtraModelFolders(root), []);
});

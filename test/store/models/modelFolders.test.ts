import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { addModelFolder, ModelFolderError, readExtraModelFolders, removeModelFolder } from "../../../src/store/models/modelFolders.ts";

test("extra model folders come from settings.json; relative ones resolve against the data directory", async () => {
  const root = await mkdtemp(join(tmpdir(), "taproom-settings-"));
  assert.deepEqual(await readExtraModelFolders(root), []);
  await writeFile(join(root, "settings.json"), JSON.stringify({ modelFolders: ["/mnt/models", "more", 7, ""] }));
  assert.deepEqual(await readExtraModelFolders(root), ["/mnt/models", join(root, "more")]);
  await writeFile(join(root, "settings.json"), "{ not json");
  assert.deepEqual(await readExtraModelFolders(root), []);
});

test("folders are added once, absolute, only when they exist, and removed without touching other settings", async () => {
  const root = await mkdtemp(join(tmpdir(), "taproom-settings-"));
  await writeFile(join(root, "settings.json"), JSON.stringify({ lastCharacter: "Brindle", modelFolders: ["more"] }));
  const extra = join(root, "disk2");
  await mkdir(extra);
  assert.deepEqual(await addModelFolder(root, "disk2", root), [join(root, "more"), extra]);
  assert.deepEqual(await addModelFolder(root, extra), [join(root, "more"), extra], "adding twice changes nothing");
  await assert.rejects(addModelFolder(root, join(root, "nope")), (e: unknown) => e instanceof ModelFolderError && e.message === `${join(root, "nope")}: no such folder`);
  await assert.rejects(addModelFolder(root, join(root, "settings.json")), /settings\.json: not a folder/);
  assert.deepEqual(await removeModelFolder(root, join(root, "more")), [extra]);
  await assert.rejects(removeModelFolder(root, "/elsewhere"), /\/elsewhere: not one of the model folders/);
  const saved = JSON.parse(await readFile(join(root, "settings.json"), "utf8"));
  assert.deepEqual(saved, { lastCharacter: "Brindle", modelFolders: [extra] });
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readRegexScriptFile, writeRegexScriptFile } from "../../src/store/regex/regexScriptFiles.ts";

const exported = {
  id: "5b7a3f0e-2f3c-4a6e-9a51-0c7d2b1e9f44", scriptName: "Strip status block", findRegex: "/<status>[\\s\\S]*?<\\/status>\\s*/g",
  replaceString: "", trimStrings: [], placement: [2], disabled: false, markdownOnly: false, promptOnly: true, runOnEdit: false,
  substituteRegex: 0, minDepth: 2, maxDepth: null,
};

test("a SillyTavern script export imports with a new id and exports back as it came", async () => {
  const dir = await mkdtemp(join(tmpdir(), "taproom-regex-files-"));
  await writeFile(join(dir, "in.json"), JSON.stringify(exported, null, 4));
  const imported = await readRegexScriptFile(join(dir, "in.json"));
  assert.equal(imported.scripts.length, 1);
  const { id, ...rest } = imported.scripts[0]!;
  const { id: oldId, ...expected } = exported;
  assert.deepEqual(rest, expected);
  assert.match(String(id), /^[0-9a-f-]{36}$/);
  assert.notEqual(id, oldId);
  await writeRegexScriptFile(join(dir, "out.json"), { ...imported.scripts[0]!, id: oldId });
  assert.equal(await readFile(join(dir, "out.json"), "utf8"), `${JSON.stringify(exported, null, 4)}\n`, "byte for byte as SillyTavern writes it");
});

test("a list imports script by script; nameless and broken ones are refused by name, the rest kept", async () => {
  const dir = await mkdtemp(join(tmpdir(), "taproom-regex-files-"));
  await writeFile(join(dir, "list.json"), JSON.stringify([exported, { findRegex: "/a/" }, { scriptName: "bad", findRegex: 1 }]));
  const imported = await readRegexScriptFile(join(dir, "list.json"));
  assert.equal(imported.scripts.length, 1);
  assert.deepEqual(imported.refused, ["[1]: has no scriptName (SillyTavern refuses it too)", '[2] "bad": findRegex must be text (found a number)']);
  await writeFile(join(dir, "bad.json"), "{");
  await assert.rejects(readRegexScriptFile(join(dir, "bad.json")), /bad\.json: not valid JSON/);
});

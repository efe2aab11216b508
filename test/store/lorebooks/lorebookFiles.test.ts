import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getLorebook, importLorebook, listLorebooks, saveLorebook } from "../../../src/store/lorebooks/lorebookFiles.ts";
import { LorebookFormatError } from "../../../src/core/lorebook/model.ts";

function home() {
  const dir = mkdtempSync(join(tmpdir(), "taproom-lore-"));
  return { dir, env: { TAPROOM_HOME: dir } };
}

test("samples are listed, and the Copper Tankard is there with its features", async () => {
  const { env } = home();
  const tankard = await getLorebook("The Copper Tankard", { env });
  assert.equal(tankard?.source, "sample");
  const e = tankard!.book.entries;
  assert.ok(e.length >= 10 && e.length <= 20);
  assert.ok(e.some((x) => x.constant) && e.some((x) => x.position === 4) && e.some((x) => x.group) && e.some((x) => x.key.some((k) => k.startsWith("/"))) && e.some((x) => x.keysecondary.length));
});

test("import a card JSON's book, list it first, names made unique on a second import", async () => {
  const { dir, env } = home();
  const card = join(dir, "card.json");
  writeFileSync(card, JSON.stringify({ spec: "chara_card_v2", spec_version: "2.0", data: { name: "Mira", character_book: { entries: [{ keys: ["moon"], content: "M", extensions: {}, enabled: true, insertion_order: 1 }] } } }));
  const a = await importLorebook(card, { env });
  const b = await importLorebook(card, { env });
  assert.equal(a.book.name, "Mira");
  assert.equal(b.book.name, "Mira (2)");
  const names = (await listLorebooks({ env })).map((s) => s.book.name);
  assert.deepEqual(names.slice(0, 2).sort(), ["Mira", "Mira (2)"]);
  assert.ok(names.includes("The Copper Tankard"));
  const saved = JSON.parse(readFileSync(a.file, "utf8"));
  assert.deepEqual(saved.entries["0"].key, ["moon"]);
});

test("a failed import writes nothing and names the field", async () => {
  const { dir, env } = home();
  const bad = join(dir, "bad.json");
  writeFileSync(bad, JSON.stringify({ entries: { "0": { key: "x", order: "soon" } } }));
  await assert.rejects(importLorebook(bad, { env }), (e: Error) => e instanceof LorebookFormatError && /bad\.json: entries\.0\.order/.test(e.message));
  writeFileSync(join(dir, "junk.json"), "{not json");
  await assert.rejects(importLorebook(join(dir, "junk.json"), { env }), /junk\.json: \(file\): not valid JSON/);
  assert.deepEqual(readdirSync(dir).sort(), ["bad.json", "junk.json"]);
});

test("save overwrites atomically and a user book shadows a sample of the same name", async () => {
  const { env } = home();
  const sample = (await getLorebook("The Copper Tankard", { env }))!;
  sample.book.entries[0]!.content = "changed";
  await saveLorebook(sample.book, { env });
  const got = (await getLorebook("the copper tankard", { env }))!;
  assert.equal(got.source, "user");
  assert.equal(got.book.entries[0]!.content, "changed");
  assert.equal((await listLorebooks({ env })).filter((s) => s.book.name === "The Copper Tankard").length, 1);
});

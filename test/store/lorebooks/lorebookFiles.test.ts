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

test("import a card JSON's book, list it first, names made unique on a second import of a changed book", async () => {
  const { dir, env } = home();
  const card = join(dir, "card.json");
  writeFileSync(card, JSON.stringify({ spec: "chara_card_v2", spec_version: "2.0", data: { name: "Mira", character_book: { entries: [{ keys: ["moon"], content: "M", extensions: {}, enabled: true, insertion_order: 1 }] } } }));
  const a = await importLorebook(card, { env });
  const again = await importLorebook(card, { env });
  assert.equal(again.alreadyImported, true, "the same book again is the one already there");
  assert.equal(again.file, a.file);
  writeFileSync(card, JSON.stringify({ spec: "chara_card_v2", spec_version: "2.0", data: { name: "Mira", character_book: { entries: [{ keys: ["moon"], content: "M, changed", extensions: {}, enabled: true, insertion_order: 1 }] } } }));
  const b = await importLorebook(card, { env });
  assert.equal(a.book.name, "Mira");
  assert.equal(b.book.name, "Mira (2)");
  const names = (await listLorebooks({ env })).map((s) => s.book.name);
  assert.deepEqual(names.slice(0, 2).sort(), ["Mira", "Mira (2)"]);
  assert.ok(names.includes("The Copper Tankard"));
  const saved = JSON.parse(readFileSync(a.file, "utf8"));
  assert.deepEqual(saved.entries["0"].key, ["moon"]);
});

test("a file that is no lorebook is refused and writes nothing; odd values import with a warning naming file, entry and field", async () => {
  const { dir, env } = home();
  const bad = join(dir, "bad.json");
  writeFileSync(bad, JSON.stringify({ entries: "none" }));
  await assert.rejects(importLorebook(bad, { env }), (e: Error) => e instanceof LorebookFormatError && /bad\.json: entries: expected/.test(e.message));
  writeFileSync(join(dir, "junk.json"), "{not json");
  await assert.rejects(importLorebook(join(dir, "junk.json"), { env }), /junk\.json: \(file\): not valid JSON/);
  assert.deepEqual(readdirSync(dir).sort(), ["bad.json", "junk.json"]);
  const odd = join(dir, "odd.json");
  writeFileSync(odd, JSON.stringify({ entries: { "0": { key: "x", order: "soon", probability: null, useProbability: false } } }));
  const saved = await importLorebook(odd, { env });
  assert.equal(saved.book.entries[0]!.order, 100);
  assert.deepEqual(saved.book.warnings?.map((w) => w.replace(odd, "odd.json")), [
    "odd.json: entry 0: position: missing, read as 0 (before the character)",
    'odd.json: entry 0: key: text "x", read as a one-item list',
    'odd.json: entry 0: order: "soon" is not a number; read as 100 (SillyTavern\'s default)',
    "odd.json: entry 0: probability: null, read as 100 (SillyTavern's default)",
  ]);
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

test("entry edits for the editor: save, add, remove go to the book's own file atomically; a sample is copied, never written", async () => {
  const { dir, env } = home();
  const { createLorebook, saveLorebookEntry, addLorebookEntry, removeLorebookEntry, summarizeLorebooks } = await import("../../../src/store/lorebooks/lorebookFiles.ts");
  // A user book whose file name differs from its name keeps its file.
  const { mkdirSync } = await import("node:fs");
  mkdirSync(join(dir, "lorebooks"), { recursive: true });
  const own = join(dir, "lorebooks", "my-file.json");
  writeFileSync(own, JSON.stringify({ name: "Harbor", entries: { "0": { uid: 0, key: ["dock"], content: "old", mystery: 7 } } }));
  const stored = (await getLorebook("Harbor", { env }))!;
  await saveLorebookEntry("Harbor", { ...stored.book.entries[0]!, content: "new" }, { env });
  const onDisk = JSON.parse(readFileSync(own, "utf8"));
  assert.equal(onDisk.entries["0"].content, "new");
  assert.equal(onDisk.entries["0"].mystery, 7);
  assert.deepEqual(readdirSync(join(dir, "lorebooks")), ["my-file.json"]);
  const { entry } = await addLorebookEntry("Harbor", { key: ["ship"], content: "S" }, { env });
  assert.equal(entry.uid, 1);
  await removeLorebookEntry("Harbor", 0, { env });
  assert.deepEqual(Object.keys(JSON.parse(readFileSync(own, "utf8")).entries), ["1"]);
  await assert.rejects(saveLorebookEntry("Harbor", { ...entry, role: 7 }, { env }), /Harbor #1: role: must be a whole number from 0 to 2/);
  assert.deepEqual(Object.keys(JSON.parse(readFileSync(own, "utf8")).entries), ["1"]);
  await assert.rejects(saveLorebookEntry("Nope", entry, { env }), /no lorebook named "Nope"/);
  // Editing a sample writes a user copy.
  const tankard = (await getLorebook("The Copper Tankard", { env }))!;
  const saved = await saveLorebookEntry("The Copper Tankard", { ...tankard.book.entries[0]!, content: "mine" }, { env });
  assert.equal(saved.source, "user");
  assert.equal((await getLorebook("The Copper Tankard", { env }))!.book.entries[0]!.content, "mine");
  // New books get unique names and never replace another book's file.
  const a = await createLorebook("a/b", { env });
  const b = await createLorebook("a_b", { env });
  assert.notEqual(a.file, b.file);
  const list = await summarizeLorebooks({ env, globalBooks: ["harbor"] });
  assert.deepEqual(list.find((s) => s.name === "Harbor"), { name: "Harbor", entries: 1, disabled: 0, constant: 0, source: "user", file: own, global: true, warnings: [] });
});

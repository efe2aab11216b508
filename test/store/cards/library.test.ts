import { test, beforeEach, afterEach } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AmbiguousCardError, CardImportError, CardLibrary, CardNotFoundError, ReadOnlyCardError } from "../../../src/store/cards/library.ts";
import { readCardFile } from "../../../src/store/cards/cardFiles.ts";
import { placeholderPng, writePngCard, imageChunks } from "../../../src/core/cards/png.ts";
import { writeCharx } from "../../../src/core/cards/charx.ts";
import { CardFormatError } from "../../../src/core/cards/errors.ts";
import { json, v1Card, v2Card, v3Card } from "../../support/cards.ts";

let home: string;
let inbox: string;

function library(bundled: string | null = null): CardLibrary {
  return new CardLibrary({ dir: join(home, "characters"), indexPath: join(home, "cache", "index.json"), bundledDir: bundled });
}

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), "taproom-lib-"));
  inbox = await mkdtemp(join(tmpdir(), "taproom-inbox-"));
  await writeFile(join(inbox, "ilsa.json"), json(v2Card()));
  await writeFile(join(inbox, "odo.json"), json(v1Card()));
  await writeFile(join(inbox, "three.png"), writePngCard(placeholderPng({ size: 8 }), { chara: json(v2Card()), ccv3: json(v3Card()) }));
  await writeFile(join(inbox, "box.charx"), writeCharx({ cardJson: json(v3Card({ name: "Boxed" })), assets: new Map([["assets/icon/images/main.png", placeholderPng()]]) }));
});

afterEach(async () => {
  await rm(home, { recursive: true, force: true });
  await rm(inbox, { recursive: true, force: true });
});

const inboxFiles = () => ["ilsa.json", "odo.json", "three.png", "box.charx"].map((f) => join(inbox, f));

test("import copies every format, list shows them, get finds by id and by name", async () => {
  const lib = library();
  const results = await lib.import(inboxFiles());
  assert.deepEqual(results.map((r) => [r.status, r.name]), [["imported", "Ilsa"], ["imported", "Odo"], ["imported", "Ilsa Three"], ["imported", "Boxed"]]);
  const list = await lib.list();
  assert.deepEqual(list.map((s) => `${s.id}:${s.format}:${s.spec}`).sort(), ["boxed:charx:v3", "ilsa-three:png:v3", "ilsa:json:v2", "odo:json:v1"]);
  assert.equal((await lib.get("ilsa-three")).card.character.name, "Ilsa Three");
  assert.equal((await lib.get("boxed")).assets?.size, 1);
  assert.equal((await lib.get("ODO")).card.character.name, "Odo");
  await assert.rejects(lib.get("nobody"), CardNotFoundError);
});

test("duplicates (the same bytes) are detected and skipped", async () => {
  const lib = library();
  await lib.import([join(inbox, "ilsa.json")]);
  await writeFile(join(inbox, "copy.json"), await readFile(join(inbox, "ilsa.json")));
  const [result] = await lib.import([join(inbox, "copy.json")]);
  assert.equal(result?.status, "duplicate");
  assert.equal(result?.id, "ilsa");
  assert.deepEqual(await readdir(join(home, "characters")), ["ilsa.json"]);
});

test("a failed import changes nothing in the library", async () => {
  const lib = library();
  await lib.import([join(inbox, "odo.json")]);
  await writeFile(join(inbox, "bad.json"), "{not json");
  await writeFile(join(inbox, "plain.png"), placeholderPng());
  await assert.rejects(lib.import([join(inbox, "ilsa.json"), join(inbox, "bad.json"), join(inbox, "plain.png")]), (e: unknown) => {
    assert.ok(e instanceof CardImportError);
    assert.deepEqual(e.message.split("\n").map((l) => l.slice(inbox.length + 1)), ["bad.json: not valid JSON (Expected property name or '}' in JSON at position 1)", "plain.png: PNG has no character card in it (no chara or ccv3 text chunk)"]);
    assert.equal(e.total, 3);
    return true;
  });
  assert.deepEqual(await readdir(join(home, "characters")), ["odo.json"]);
});

test("with skipBad the readable files are imported and the bad ones returned as refused", async () => {
  const lib = library();
  await writeFile(join(inbox, "bad.json"), "{not json");
  const results = await lib.import([join(inbox, "bad.json"), join(inbox, "ilsa.json")], { skipBad: true });
  assert.deepEqual(results.map((r) => [r.status, r.source.slice(inbox.length + 1)]), [["imported", "ilsa.json"], ["refused", "bad.json"]]);
  assert.match(results[1]?.error ?? "", /bad\.json: not valid JSON/);
  assert.deepEqual(await readdir(join(home, "characters")), ["ilsa.json"]);
});

test("a 50 MB file is refused with one line before it is read", async () => {
  const big = join(inbox, "huge.png");
  await writeFile(big, new Uint8Array(50 * 1024 * 1024));
  await assert.rejects(library().import([big]), (e: unknown) => e instanceof CardImportError && /^\/.*huge\.png: file is 50\.0 MB; card files over 32\.0 MB are refused$/.test(e.message));
  await assert.rejects(readdir(join(home, "characters")), /ENOENT/);
});

test("export -> import round trip is equal for each format", async () => {
  const lib = library();
  await lib.import(inboxFiles());
  for (const [id, format, ext] of [["ilsa", "v2json", "json"], ["ilsa-three", "png", "png"], ["boxed", "charx", "charx"], ["ilsa-three", "json", "json"]] as const) {
    const out = join(inbox, `out-${id}-${format}.${ext}`);
    await lib.export(id, { format, out });
    const original = await lib.get(id);
    const back = await readCardFile(out);
    assert.deepEqual(back.card.character, original.card.character, `${id} ${format}`);
    assert.deepEqual(back.card.extraData, original.card.extraData);
    if (format === "png") assert.deepEqual(imageChunks(back.bytes).map((c) => Buffer.from(c).toString("hex")), imageChunks(original.image!).map((c) => Buffer.from(c).toString("hex")));
  }
});

test("save writes an edit back in the file's own format; delete removes it", async () => {
  const lib = library();
  await lib.import(inboxFiles());
  const card = await lib.get("ilsa-three");
  card.card.character.description = "Edited.";
  await lib.save(card);
  const again = await lib.get("ilsa-three");
  assert.equal(again.format, "png");
  assert.equal(again.card.character.description, "Edited.");
  assert.equal((await lib.list()).find((s) => s.id === "ilsa-three")?.description, "Edited.");
  await lib.delete("ilsa-three");
  assert.equal((await lib.list()).some((s) => s.id === "ilsa-three"), false);
});

test("bundled samples are listed, resolvable and read-only", async () => {
  const lib = library(new URL("../../../characters/", import.meta.url).pathname);
  const list = await lib.list();
  const brindle = list.find((s) => s.name === "Brindle");
  assert.equal(brindle?.bundled, true);
  assert.equal(brindle?.id, "samples/brindle");
  const loaded = await lib.resolve("Brindle");
  assert.equal(loaded.card.character.extensions.world, "The Copper Tankard");
  assert.ok(loaded.card.character.alternate_greetings.length >= 2);
  await assert.rejects(lib.save(loaded), ReadOnlyCardError);
  assert.ok(list.some((s) => s.hasBook));
  assert.ok(list.some((s) => s.format === "charx" && s.spec === "v3"));
});

test("a bundled sample copied into the library is the user's own, editable file; a second copy is reported", async () => {
  const lib = library(new URL("../../../characters/", import.meta.url).pathname);
  const copy = await lib.copyToLibrary("samples/brindle");
  assert.equal(copy.status, "imported");
  assert.equal(copy.id, "brindle");
  const loaded = await lib.get("brindle");
  assert.equal(loaded.bundled, false);
  assert.equal(loaded.path, join(home, "characters", "brindle.json"));
  await lib.save({ ...loaded, card: { ...loaded.card, character: { ...loaded.card.character, scenario: "Closing time." } } });
  assert.equal((await lib.get("brindle")).card.character.scenario, "Closing time.");
  assert.notEqual((await lib.get("samples/brindle")).card.character.scenario, "Closing time.");
  const again = await lib.copyToLibrary("samples/brindle");
  assert.equal(again.status, "imported");
  assert.equal(again.id, "brindle-2");
  const dup = await lib.copyToLibrary("samples/brindle");
  assert.deepEqual([dup.status, dup.id], ["duplicate", "brindle-2"]);
});

test("resolve takes a file path too", async () => {
  const card = await library().resolve("three.png", inbox);
  assert.equal(card.card.character.name, "Ilsa Three");
});

test("list uses the cache: unchanged files are not re-read; changed files are", async () => {
  const lib = library();
  await lib.import([join(inbox, "ilsa.json")]);
  await lib.list();
  const index = JSON.parse(await readFile(join(home, "cache", "index.json"), "utf8"));
  const path = join(home, "characters", "ilsa.json");
  index.entries[path].name = "From cache";
  await writeFile(join(home, "cache", "index.json"), JSON.stringify(index));
  assert.equal((await library().list())[0]?.name, "From cache");
  const before = await stat(path);
  await writeFile(path, json(v2Card({ name: "Changed on disk" })));
  assert.notEqual((await stat(path)).size, before.size);
  assert.equal((await library().list())[0]?.name, "Changed on disk");
});

test("unreadable files in the library are reported, not fatal", async () => {
  const lib = library();
  await lib.import([join(inbox, "odo.json")]);
  await writeFile(join(home, "characters", "junk.png"), "not a png");
  const list = await lib.list();
  assert.deepEqual(list.map((s) => s.id), ["odo"]);
  assert.match(lib.problems[0]?.message ?? "", /junk\.png: not a character card/);
});

test("cards with the same name get distinct ids, whatever their formats", async () => {
  const lib = library();
  await writeFile(join(inbox, "ilsa.png"), writePngCard(placeholderPng(), { chara: json(v2Card()), ccv3: json(v2Card()) }));
  await writeFile(join(inbox, "ilsa2.json"), json(v2Card({ description: "another Ilsa" })));
  const results = await lib.import([join(inbox, "ilsa.json"), join(inbox, "ilsa.png"), join(inbox, "ilsa2.json")]);
  assert.deepEqual(results.map((r) => r.id), ["ilsa", "ilsa-2", "ilsa-3"]);
  assert.equal((await lib.list()).find((s) => s.path.endsWith("ilsa.json"))?.id, "ilsa", "listed and cached");
  await writeFile(join(home, "characters", "ilsa.charx"), writeCharx({ cardJson: json(v3Card()), assets: new Map() }));
  const ids = (await lib.list()).map((s) => s.id);
  assert.equal(new Set(ids).size, ids.length);
  assert.ok(ids.includes("ilsa.json") && ids.includes("ilsa.charx"));
});

test("update applies an editor's fields to the file as it is now, atomically, in its own format", async () => {
  const lib = library(new URL("../../../characters/", import.meta.url).pathname);
  await lib.import(inboxFiles());
  const opened = await lib.get("boxed");
  await lib.update("boxed", { tags: ["edited elsewhere"] });
  const saved = await lib.update(opened.id!, { description: "From the editor.", first_mes: "Hello again." });
  const back = await readCardFile(saved.path);
  assert.equal(back.format, "charx");
  assert.equal(back.card.character.description, "From the editor.");
  assert.deepEqual(back.card.character.tags, ["edited elsewhere"], "the earlier edit was not overwritten");
  assert.deepEqual(back.assets, opened.assets);
  assert.deepEqual(back.card.character.character_book, opened.card.character.character_book);
  assert.ok((back.card.character.modification_date ?? 0) > 1700000100);
  assert.equal((await lib.list()).find((s) => s.id === "boxed")?.firstMes, "Hello again.");
  assert.deepEqual((await readdir(join(home, "characters"))).filter((f) => f.startsWith(".")), [], "no temporary files left");
  await assert.rejects(lib.update("boxed", { name: "" }), CardFormatError);
  assert.equal((await readCardFile(saved.path)).card.character.name, "Boxed");
  await assert.rejects(lib.update("Brindle", { description: "x" }), ReadOnlyCardError);
});

test("duplicates are the same bytes, not the same size: a card of equal length with one letter changed is imported", async () => {
  const lib = library();
  await lib.import([join(inbox, "ilsa.json")]);
  const text = await readFile(join(inbox, "ilsa.json"), "utf8");
  assert.ok(text.includes('"Ilsa"'));
  await writeFile(join(inbox, "ilsb.json"), text.replace('"Ilsa"', '"Ilsb"'));
  await writeFile(join(inbox, "same.json"), text);
  const results = await lib.import([join(inbox, "same.json"), join(inbox, "ilsb.json")]);
  assert.deepEqual(results.map((r) => [r.status, r.name]), [["duplicate", "Ilsa"], ["imported", "Ilsb"]]);
});

test("listing reads a PNG card's text without its picture: damage in the picture is found when the card is opened", async () => {
  const lib = library();
  const png = Buffer.from(writePngCard(placeholderPng({ size: 32 }), { chara: json(v2Card()), ccv3: json(v3Card()) }));
  const idat = png.indexOf("IDAT", 8, "latin1");
  png.writeUInt8(png[idat + 10]! ^ 0xff, idat + 10);
  await lib.import([join(inbox, "three.png")]);
  await writeFile(join(home, "characters", "damaged.png"), png);
  const listed = await lib.list();
  assert.deepEqual(listed.map((c) => [c.id, c.name]).sort(), [["damaged", "Ilsa Three"], ["ilsa-three", "Ilsa Three"]]);
  await assert.rejects(lib.get("damaged"), /damaged\.png: PNG chunk IDAT at byte \d+ has a bad CRC/);
});

test("an index written by an older taproom (version 1, with file hashes) is read again from the files", async () => {
  const lib = library();
  await lib.import([join(inbox, "ilsa.json")]);
  const path = join(home, "characters", "ilsa.json");
  const info = await stat(path);
  const stale = { id: "ilsa", name: "Stale Name", path, format: "json", spec: "v2", tags: [], creator: "", description: "", firstMes: "", hasBook: false, world: "", bundled: false, hash: "abc", mtimeMs: info.mtimeMs, size: info.size };
  await mkdir(join(home, "cache"), { recursive: true });
  await writeFile(join(home, "cache", "index.json"), JSON.stringify({ version: 1, entries: { [path]: stale } }));
  const listed = await library().list();
  assert.deepEqual(listed.map((c) => c.name), ["Ilsa"]);
  const index = JSON.parse(await readFile(join(home, "cache", "index.json"), "utf8")) as { version: number; entries: Record<string, object> };
  assert.equal(index.version, 2);
  assert.ok(!("hash" in index.entries[path]!));
});

test("a name two cards share is refused with both ids, never picked silently; each id still opens its card", async () => {
  const lib = library();
  await lib.import([join(inbox, "ilsa.json")]);
  await writeFile(join(inbox, "other-ilsa.json"), json(v2Card({ description: "Another Ilsa altogether." })));
  await lib.import([join(inbox, "other-ilsa.json")]);
  const ids = (await lib.list()).map((s) => s.id).sort();
  assert.equal(ids.length, 2);
  await assert.rejects(lib.get("Ilsa"), (error: Error) => error instanceof AmbiguousCardError && error.message === `2 characters are named "Ilsa" (${ids.join(", ")}): name one by its id`);
  for (const id of ids) assert.equal((await lib.get(id)).id, id);
});

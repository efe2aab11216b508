import { test, beforeEach, afterEach } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CardLibrary, ReadOnlyCardError } from "../../../src/store/cards/library.ts";
import { CardBookSaveError, listCardBooks, readCardBook, saveCardBook } from "../../../src/store/cards/cardBooks.ts";
import { readCardFile } from "../../../src/store/cards/cardFiles.ts";
import { decodeCardFile } from "../../../src/core/cards/codec.ts";
import { imageChunks, placeholderPng, writePngCard } from "../../../src/core/cards/png.ts";
import { readCharx, writeCharx } from "../../../src/core/cards/charx.ts";
import { defaultEntry } from "../../../src/core/lorebook/model.ts";
import { json, v1Card, v2Card, v3Card } from "../../support/cards.ts";

let home: string;
const dir = () => join(home, "characters");
const icon = placeholderPng({ size: 8 });

function library(bundled: string | null = null) {
  return new CardLibrary({ dir: dir(), indexPath: join(home, "cache", "index.json"), bundledDir: bundled });
}

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), "taproom-cardbooks-"));
  await mkdir(dir(), { recursive: true });
  await writeFile(join(dir(), "ilsa.json"), json(v2Card()));
  await writeFile(join(dir(), "three.png"), writePngCard(placeholderPng({ size: 8 }), { chara: json(v2Card()), ccv3: json(v3Card()) }));
  await writeFile(join(dir(), "boxed.charx"), writeCharx({ cardJson: json(v3Card({ name: "Boxed" })), assets: new Map([["assets/icon/images/main.png", icon], ["assets/other/notes.txt", new TextEncoder().encode("hi")]]) }));
  await writeFile(join(dir(), "odo.json"), json(v1Card()));
});

afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

test("every card with a book is listed as '<name> (card book)'; cards without one are not", async () => {
  const books = await listCardBooks(library());
  assert.deepEqual(books.map((b) => [b.card.id, b.book.name, b.book.entries.length]), [
    ["boxed", "Boxed (card book)", 2],
    ["ilsa", "Ilsa (card book)", 2],
    ["three", "Ilsa Three (card book)", 2],
  ]);
  assert.equal(books[1]!.book.entries[0]!.content, "The lamp burns whale oil.");
});

for (const [id, format] of [["ilsa", "json"], ["three", "png"], ["boxed", "charx"]] as const) {
  test(`an edited book is saved into the ${format} card itself; every other field, unknown key and file survives`, async () => {
    const lib = library();
    const before = await readCardFile(join(dir(), `${id}.${format}`));
    const { book } = await readCardBook(lib, id);
    book.entries[0] = { ...book.entries[0]!, content: "The lamp burns seal oil now." };
    book.entries.push({ ...defaultEntry(9), key: ["fog"], content: "The horn sounds in fog.", position: 4, depth: 1 });
    const saved = await saveCardBook(lib, id, book);
    assert.equal(saved.format, format);
    const after = await readCardFile(saved.path);
    assert.equal(after.format, format);
    const { character_book: cb, modification_date: m1, ...rest } = after.card.character;
    const { character_book: ob, modification_date: m0, ...was } = before.card.character;
    assert.deepEqual(rest, was, "no other field changed");
    assert.deepEqual(after.card.character.extensions, before.card.character.extensions);
    assert.deepEqual(after.card.extraData, before.card.extraData);
    assert.deepEqual(after.card.extraTop, before.card.extraTop);
    if (before.card.spec === "v3") assert.ok((m1 ?? 0) > (m0 ?? 0), "a V3 card's modification_date moves on");
    assert.equal(cb?.name, "Lamp lore");
    assert.deepEqual(cb?.extensions, { book_ext: true });
    for (const [key, value] of Object.entries(ob?.entries[0]?.extensions ?? {})) assert.deepEqual(cb?.entries[0]?.extensions[key], value, `extensions.${key}`);
    assert.equal(cb?.entries[0]?.weird_key, "kept");
    assert.equal(cb?.entries[0]?.content, "The lamp burns seal oil now.");
    assert.deepEqual(cb?.entries[1], ob?.entries[1], "the entry not edited is as it was");
    assert.deepEqual([cb?.entries[2]?.keys, cb?.entries[2]?.content, cb?.entries[2]?.extensions.depth], [["fog"], "The horn sounds in fog.", 1]);
    if (format === "png") {
      const hex = (b: Uint8Array) => imageChunks(b).map((c) => Buffer.from(c).toString("hex"));
      assert.deepEqual(hex(after.bytes), hex(before.image!), "the picture is untouched");
    }
    if (format === "charx") {
      const archive = readCharx(after.bytes, "boxed.charx");
      assert.deepEqual([...archive.assets.keys()].sort(), ["assets/icon/images/main.png", "assets/other/notes.txt"]);
    }
    // Re-opened, it is the book as edited; an export carries it too.
    assert.deepEqual((await readCardBook(lib, id)).book.entries, book.entries);
    const out = join(home, `export-${id}.charx`);
    await lib.export(id, { format: "charx", out });
    const exported = decodeCardFile(new Uint8Array(await readFile(out)), out).card.character.character_book;
    assert.equal(exported?.entries[0]?.content, "The lamp burns seal oil now.");
    assert.equal(exported?.entries.length, 3);
  });
}

test("a V1 JSON card's book is written back flat, where V1 readers find it", async () => {
  await writeFile(join(dir(), "odo.json"), json(v1Card({ character_book: { extensions: {}, entries: [{ keys: ["river"], content: "Cold.", extensions: {}, enabled: true, insertion_order: 1 }] } })));
  const lib = library();
  const { book } = await readCardBook(lib, "odo");
  book.entries[0] = { ...book.entries[0]!, content: "Colder than you think." };
  await saveCardBook(lib, "odo", book);
  const raw = JSON.parse(await readFile(join(dir(), "odo.json"), "utf8"));
  assert.equal(raw.spec, undefined, "still V1");
  assert.equal(raw.talkativeness, "0.5", "its loose V1 keys stay");
  assert.equal(raw.character_book.entries[0].content, "Colder than you think.");
});

test("a book the file could not carry as edited is refused and nothing is written; samples are read-only", async () => {
  const lib = library(join(home, "samples"));
  const bytes = await readFile(join(dir(), "ilsa.json"));
  const { book } = await readCardBook(lib, "ilsa");
  // JSON has no NaN: written, it would read back as another order.
  book.entries[0] = { ...book.entries[0]!, order: Number.NaN };
  await assert.rejects(saveCardBook(lib, "ilsa", book), (e: unknown) => e instanceof CardBookSaveError && /ilsa\.json: this JSON card cannot carry the edited book without loss; nothing was written/.test(e.message));
  assert.deepEqual(await readFile(join(dir(), "ilsa.json")), bytes);
  await mkdir(join(home, "samples"));
  await writeFile(join(home, "samples", "wren.json"), json(v2Card({ name: "Wren" })));
  const sample = await readCardBook(lib, "samples/wren");
  await assert.rejects(saveCardBook(lib, "samples/wren", sample.book), ReadOnlyCardError);
});

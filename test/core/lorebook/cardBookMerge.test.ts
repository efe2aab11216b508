import { test } from "node:test";
import assert from "node:assert/strict";
import type { CharacterBook } from "../../../src/core/cards/character.ts";
import { mergeCharacterBook, parseCharacterBook } from "../../../src/core/lorebook/characterBook.ts";
import { defaultEntry } from "../../../src/core/lorebook/model.ts";

const original = (): CharacterBook => ({
  name: "Lamp lore",
  description: "What the keeper knows.",
  scan_depth: 3,
  extensions: { book_ext: true },
  odd_book_key: [1, 2],
  entries: [
    { keys: ["lamp"], content: "The lamp burns whale oil.", extensions: { depth: 2, x_tool: "kept" }, enabled: true, insertion_order: 100, weird_key: "kept" },
    { keys: ["stairs"], content: "Ninety-nine steps.", extensions: {}, enabled: false, insertion_order: 5 },
    { id: 7, keys: [], content: "Always here.", extensions: {}, enabled: true, insertion_order: 1, constant: true },
  ],
});
const opts = { file: "ilsa.json", name: "Ilsa (card book)" };

test("an unchanged book is written back exactly as it was", () => {
  const book = original();
  assert.deepEqual(mergeCharacterBook(book, parseCharacterBook(book, opts)), book);
});

test("only the edited entry is rewritten; the book's own fields and the untouched entries stay key for key", () => {
  const book = original();
  const edited = parseCharacterBook(book, opts);
  edited.entries[1] = { ...edited.entries[1]!, content: "A hundred steps.", disable: false };
  const merged = mergeCharacterBook(book, edited);
  assert.equal(merged.name, "Lamp lore", "the book keeps its own name, not the list's");
  assert.equal(merged.description, "What the keeper knows.");
  assert.deepEqual(merged.odd_book_key, [1, 2]);
  assert.deepEqual(merged.extensions, { book_ext: true });
  assert.equal(merged.entries[0], book.entries[0]);
  assert.equal(merged.entries[2], book.entries[2]);
  assert.equal(merged.entries[1]!.content, "A hundred steps.");
  assert.equal(merged.entries[1]!.enabled, true);
  assert.equal(merged.entries[1]!.id, 1);
  // Read back, it is the book as edited.
  assert.deepEqual(parseCharacterBook(merged, opts).entries, edited.entries);
});

test("a book without a name gets none; deleted entries go, added ones get an id that reads back", () => {
  const { name: _n, ...nameless } = original();
  const book = nameless as CharacterBook;
  const edited = parseCharacterBook(book, opts);
  assert.equal(edited.name, "Ilsa (card book)");
  edited.entries = [edited.entries[1]!, edited.entries[2]!, { ...defaultEntry(8), key: ["fog"], content: "Fog horn." }];
  const merged = mergeCharacterBook(book, edited);
  assert.equal("name" in merged, false);
  assert.equal(merged.entries.length, 3);
  // "stairs" had no id and now stands first: kept as it was it would read back as #0, so it is written with its id.
  assert.equal(merged.entries[0]!.id, 1);
  assert.equal(merged.entries[1], book.entries[2], "an entry with its own id is kept as it was");
  assert.deepEqual(merged.entries[2]!.keys, ["fog"]);
  assert.deepEqual(parseCharacterBook(merged, opts).entries.map((e) => [e.uid, e.content]), [[1, "Ninety-nine steps."], [7, "Always here."], [8, "Fog horn."]]);
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { booksForCharacter } from "../../../src/store/lorebooks/booksForCharacter.ts";
import { saveLorebook } from "../../../src/store/lorebooks/lorebookFiles.ts";
import { defaultEntry, type Lorebook } from "../../../src/core/lorebook/model.ts";
import type { Character } from "../../../src/core/cards/character.ts";

const character = (extensions: Record<string, unknown> = {}): Character => ({
  name: "Brindle", description: "", personality: "", scenario: "", first_mes: "", mes_example: "", creator_notes: "",
  system_prompt: "", post_history_instructions: "", alternate_greetings: [], tags: [], creator: "", character_version: "",
  extensions,
  character_book: { extensions: {}, entries: [{ keys: ["ale"], content: "card lore", extensions: {}, enabled: true, insertion_order: 1 }] },
});
const named = (name: string): Lorebook => ({ name, extra: {}, entries: [{ ...defaultEntry(0), key: ["x"], content: name }] });

test("a chat uses its own books, then the character's, then the global ones; a global book is used once", async () => {
  const dir = mkdtempSync(join(tmpdir(), "taproom-books-"));
  const env = { TAPROOM_HOME: dir };
  for (const n of ["Chat Notes", "Harbor World", "Weather", "Calendar"]) await saveLorebook(named(n), { env });
  const { books, problems } = await booksForCharacter(character({ world: "Harbor World" }), ["Chat Notes", "weather"], {
    env, globalBooks: ["Weather", "Calendar", "Missing"],
  });
  // The card names its world book and the library has it: SillyTavern uses that book alone, not the copy inside the card.
  assert.deepEqual(books.map((b) => b.name), ["Chat Notes", "Harbor World", "Weather", "Calendar"]);
  assert.deepEqual(problems, ['lorebook "Missing" is not in the library']);
  const none = await booksForCharacter({ ...character(), character_book: undefined } as Character, [], { env });
  assert.deepEqual(none.books, []);
});

test("the card's own book stands in for a world book the library lacks, and its repairs are reported", async () => {
  const dir = mkdtempSync(join(tmpdir(), "taproom-books-"));
  const env = { TAPROOM_HOME: dir };
  const card = character({ world: "Eldoria" });
  card.character_book!.entries[0]!.extensions = { probability: null, useProbability: false };
  card.character_book!.entries[0]!.position = "before_char";
  const { books, problems, warnings } = await booksForCharacter(card, [], { env });
  assert.deepEqual(books.map((b) => b.name), ["Brindle (card)"]);
  assert.deepEqual(problems, [], "the missing world book is not a problem while the card carries its book");
  assert.deepEqual(warnings, ["Brindle: character_book entry 0: extensions.probability: null, read as 100 (SillyTavern's default)"]);
  await saveLorebook(named("Eldoria"), { env });
  const imported = await booksForCharacter(card, [], { env });
  assert.deepEqual(imported.books.map((b) => b.name), ["Eldoria"], "once imported, the world book alone: no lore fires twice");
  const global = await booksForCharacter(card, [], { env, globalBooks: ["Eldoria"] });
  assert.deepEqual(global.books.map((b) => b.name), ["Eldoria"], "a global world book is used once, and the card's copy not at all");
});

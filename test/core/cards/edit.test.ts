import { test } from "node:test";
import assert from "node:assert/strict";
import { applyCharacterEdits, type CharacterEdits } from "../../../src/core/cards/edit.ts";
import { parseCardObject } from "../../../src/core/cards/parse.ts";
import { CardFormatError } from "../../../src/core/cards/errors.ts";
import { v2Card, v3Card } from "../../support/cards.ts";

const character = (input: Record<string, unknown>) => parseCardObject(input, { source: "c.json" }).card.character;

test("edits change only the fields given; extensions, lorebook and the rest are kept", () => {
  const before = character(v2Card());
  const after = applyCharacterEdits(before, { description: "New.", alternate_greetings: ["Only one."], tags: [] }, { source: "c.json", now: 5 });
  assert.equal(after.description, "New.");
  assert.deepEqual(after.alternate_greetings, ["Only one."]);
  assert.deepEqual(after.tags, []);
  assert.deepEqual(after.extensions, before.extensions);
  assert.deepEqual(after.character_book, before.character_book);
  assert.equal(after.modification_date, undefined, "a card without dates does not gain one");
  assert.equal(before.description, "A lighthouse keeper.", "the original is not changed");
});

test("a V3 card's modification_date is stamped; emptying group greetings removes the list", () => {
  const after = applyCharacterEdits(character(v3Card()), { group_only_greetings: [] }, { source: "c.json", now: 1800000000 });
  assert.equal(after.modification_date, 1800000000);
  assert.equal(after.creation_date, 1700000000);
  assert.equal("group_only_greetings" in after, false);
});

test("bad edits are refused, naming the field, before anything changes", () => {
  const before = character(v2Card());
  const cases: [unknown, RegExp][] = [
    [{ name: "  " }, /^c\.json: name: a character needs a name$/],
    [{ description: 42 }, /^c\.json: description: expected text, got number$/],
    [{ tags: ["ok", 3] }, /^c\.json: tags: expected a list of text$/],
    [{ extensions: {} }, /^c\.json: extensions: is not a field the editor can change$/],
  ];
  for (const [edits, message] of cases) {
    assert.throws(() => applyCharacterEdits(before, edits as CharacterEdits, { source: "c.json" }), (e: unknown) => e instanceof CardFormatError && message.test(e.message));
  }
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { parseCardJson, parseCardObject } from "../../../src/core/cards/parse.ts";
import { toV2Object, toV3Object, writeV1Json, writeV2Json, writeV3Json } from "../../../src/core/cards/write.ts";
import { CardFormatError } from "../../../src/core/cards/errors.ts";
import { json, v1Card, v2Card, v3Card } from "../../support/cards.ts";

const opts = { source: "card.json" };

test("V1 flat card: fields read, unknown top-level keys kept", () => {
  const { card, warnings } = parseCardJson(json(v1Card()), opts);
  assert.equal(card.spec, "v1");
  assert.equal(card.character.name, "Odo");
  assert.equal(card.character.first_mes, "Fare's a copper.");
  assert.deepEqual(card.character.alternate_greetings, []);
  assert.deepEqual(card.extraTop, { create_date: "2023-1-1", talkativeness: "0.5" });
  assert.deepEqual(warnings, []);
});

test("V2 card: every field, extensions and book untouched, unknown data keys kept", () => {
  const input = v2Card({}, { create_date: "x", avatar: "none" });
  const { card } = parseCardObject(input, opts);
  const data = input.data as Record<string, unknown>;
  assert.equal(card.spec, "v2");
  assert.equal(card.specVersion, "2.0");
  assert.equal(card.character.system_prompt, "Be {{original}} and kind.");
  assert.deepEqual(card.character.alternate_greetings, ["Another night.", "Fog again."]);
  assert.deepEqual(card.character.extensions, data.extensions);
  assert.deepEqual(card.character.character_book, data.character_book);
  assert.deepEqual(card.extraData, { x_data_unknown: "kept too" });
  assert.deepEqual(card.extraTop, { create_date: "x", avatar: "none" });
});

test("V3 card: V3 fields read", () => {
  const { card } = parseCardObject(v3Card(), opts);
  assert.equal(card.spec, "v3");
  assert.equal(card.character.nickname, "Ils");
  assert.deepEqual(card.character.creator_notes_multilingual, { en: "notes", fr: "notes fr" });
  assert.deepEqual(card.character.group_only_greetings, ["Hello, all."]);
  assert.equal(card.character.creation_date, 1700000000);
  assert.equal(card.character.assets?.[0]?.uri, "ccdefault:");
});

test("V2 and V3 JSON round trip to equal cards", () => {
  for (const input of [v2Card({}, { avatar: "none" }), v3Card()]) {
    const first = parseCardObject(input, opts).card;
    const text = first.spec === "v3" ? writeV3Json(first) : writeV2Json(first);
    assert.deepEqual(parseCardJson(text, opts).card, first);
  }
});

test("V2 writer copies V1 fields to the top level for old readers", () => {
  const out = toV2Object(parseCardObject(v2Card(), opts).card);
  assert.equal(out.name, "Ilsa");
  assert.equal(out.first_mes, "The lamp is lit.");
  assert.equal(out.spec, "chara_card_v2");
});

test("V2 -> V3 -> V2 keeps every V2 field, unknown keys and extensions", () => {
  const original = v2Card({}, { avatar: "none" });
  const v2 = parseCardObject(original, opts).card;
  const v3 = parseCardObject(toV3Object(v2), opts).card;
  assert.equal(v3.spec, "v3");
  const back = toV2Object(v3);
  const originalData = original.data as Record<string, unknown>;
  const backData = back.data as Record<string, unknown>;
  for (const [key, value] of Object.entries(originalData)) assert.deepEqual(backData[key], value, key);
  assert.equal(back.avatar, "none");
});

test("repairs wrong but repairable types, with warnings", () => {
  const input = v2Card({
    name: 42,
    tags: "solo",
    alternate_greetings: null,
    creator_notes: true,
    character_book: { entries: [{ keys: "lamp", content: "c", insertion_order: "5", enabled: "true" }] },
  });
  const { card, warnings } = parseCardObject(input, opts);
  assert.equal(card.character.name, "42");
  assert.deepEqual(card.character.tags, ["solo"]);
  assert.deepEqual(card.character.alternate_greetings, []);
  assert.equal(card.character.creator_notes, "true");
  const entry = card.character.character_book?.entries[0];
  assert.deepEqual(entry?.keys, ["lamp"]);
  assert.equal(entry?.insertion_order, 5);
  assert.equal(entry?.enabled, true);
  const fields = warnings.map((w) => w.field);
  for (const f of ["data.name", "data.tags", "data.alternate_greetings", "data.creator_notes", "data.character_book.entries[0].insertion_order"]) {
    assert.ok(fields.includes(f), `warning for ${f}: ${fields.join(", ")}`);
  }
  assert.match(warnings.find((w) => w.field === "data.alternate_greetings")?.message ?? "", /missing \(the spec requires a list\); an empty list is used/);
  const v1 = parseCardObject({ name: "Old", description: "", personality: "", scenario: "", first_mes: "Hi", mes_example: "" }, opts);
  assert.deepEqual(v1.warnings, [], "a V1 card has no lists to miss");
});

test("V3 dates given as text are repaired", () => {
  const { card, warnings } = parseCardObject(v3Card({ creation_date: "1700000000" }), opts);
  assert.equal(card.character.creation_date, 1700000000);
  assert.equal(warnings[0]?.field, "data.creation_date");
});

test("refusals are CardFormatErrors naming the file and field", () => {
  const cases: [unknown, RegExp][] = [
    [v2Card({ description: { nested: 1 } }), /^card\.json: data\.description: expected text, got an object$/],
    [v2Card({ alternate_greetings: 5 }), /^card\.json: data\.alternate_greetings: expected a list of text/],
    [v2Card({ extensions: "nope" }), /^card\.json: data\.extensions: expected an object, got a string$/],
    [v3Card({ creation_date: "yesterday" }), /^card\.json: data\.creation_date: expected a number/],
    [[1, 2], /^card\.json: not a character card: the JSON is a list/],
    [{ hello: "world" }, /^card\.json: spec: not a character card/],
  ];
  for (const [input, message] of cases) {
    assert.throws(() => parseCardObject(input, opts), (e: unknown) => e instanceof CardFormatError && message.test(e.message));
  }
});

test("bad JSON is refused in one line naming the file", () => {
  assert.throws(() => parseCardJson("{nope", opts), (e: unknown) => e instanceof CardFormatError && /^card\.json: not valid JSON/.test(e.message) && !e.message.includes("\n"));
});

test("unknown spec with data is read as V2 with a warning", () => {
  const { card, warnings } = parseCardObject({ ...v2Card(), spec: "chara_card_v9" }, opts);
  assert.equal(card.character.name, "Ilsa");
  assert.equal(card.specName, "chara_card_v9");
  assert.equal(warnings[0]?.field, "spec");
});

test("V1 card carrying newer fields flat keeps them when written back as V1", () => {
  const input = v1Card({ tags: ["river"], creator: "me", alternate_greetings: ["Cross?"], extensions: { fav: true, x_tool: { a: 1 } } });
  const first = parseCardObject(input, opts).card;
  assert.deepEqual(first.character.extensions, { fav: true, x_tool: { a: 1 } });
  const written = JSON.parse(writeV1Json(first));
  assert.deepEqual(written, input);
  assert.deepEqual(parseCardJson(writeV1Json(first), opts).card, first);
  const odd = parseCardObject(v1Card({ extensions: "legacy" }), opts).card;
  assert.equal(odd.extraTop.extensions, "legacy");
  assert.equal(JSON.parse(writeV1Json(odd)).extensions, "legacy");
});

test("a V2 field missing from data is taken from its top-level V1 copy, with a warning", () => {
  const input = v2Card({ first_mes: undefined }, { first_mes: "From the top." });
  const { card, warnings } = parseCardJson(json(input), opts);
  assert.equal(card.character.first_mes, "From the top.");
  assert.deepEqual(warnings, [{ field: "data.first_mes", message: "missing from data; taken from the top-level first_mes" }]);
  const present = parseCardObject(v2Card({ first_mes: "" }, { first_mes: "Stale copy." }), opts);
  assert.equal(present.card.character.first_mes, "", "data wins when it has the field, even empty");
});

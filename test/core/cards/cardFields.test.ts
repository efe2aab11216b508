import { test } from "node:test";
import assert from "node:assert/strict";
import { fieldSummary, fieldsOf, formatGreetings, parseGreetings, withFields } from "../../../src/core/cards/cardFields.ts";
import { parseCardObject } from "../../../src/core/cards/parse.ts";
import { v2Card } from "../../support/cards.ts";

test("alternate greetings read back from their edited text, line breaks and all", () => {
  const greetings = ["*Rain.*\n\"Come in.\"", "Fog again.\n", "Third"];
  assert.deepEqual(parseGreetings(formatGreetings(greetings)), greetings);
  assert.deepEqual(parseGreetings(""), []);
  assert.deepEqual(parseGreetings("Typed without a mark"), ["Typed without a mark"], "text before the first mark is a greeting");
  assert.deepEqual(parseGreetings("one\n  <greeting>  \n\n<GREETING>\ntwo"), ["one", "two"], "the mark ignores case and spaces; an empty greeting is dropped");
  assert.equal(fieldSummary("alternate_greetings", formatGreetings(greetings)), '3 · *Rain.*');
  assert.equal(fieldSummary("alternate_greetings", ""), "");
  assert.equal(fieldSummary("scenario", "A storm.\nRain."), "A storm.");
});

test("saving the editor's fields changes alternate greetings only when their text changed", () => {
  const { card } = parseCardObject(v2Card({ alternate_greetings: ["  padded  ", "x"] }), { source: "c.json" });
  const fields = fieldsOf(card.character);
  assert.deepEqual(withFields(card.character, fields).alternate_greetings, ["  padded  ", "x"]);
  const added = withFields(card.character, { ...fields, alternate_greetings: `${fields.alternate_greetings}\n<GREETING>\nNew` });
  assert.deepEqual(added.alternate_greetings, ["  padded  ", "x", "New"]);
  assert.deepEqual(withFields(card.character, { ...fields, alternate_greetings: "" }).alternate_greetings, []);
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { choosePersona, removePersona, upsertPersona } from "../../../src/core/chat/persona.ts";

const ann = { name: "Ann", description: "A traveller." };
const bo = { name: "Bo", description: "A smith." };

test("the chat's persona wins, then the default, then the first, then User", () => {
  assert.equal(choosePersona({ personas: [ann, bo], defaultName: "Ann", chatName: "bo" }), bo);
  assert.equal(choosePersona({ personas: [ann, bo], defaultName: "Bo" }), bo);
  assert.equal(choosePersona({ personas: [ann, bo], defaultName: "Gone", chatName: "Also gone" }), ann);
  assert.deepEqual(choosePersona({ personas: [] }), { name: "User", description: "" });
});

test("personas are added, replaced by name and removed", () => {
  let list = upsertPersona([], ann);
  list = upsertPersona(list, bo);
  list = upsertPersona(list, { name: " ann ", description: "Changed." });
  assert.deepEqual(list, [{ name: "ann", description: "Changed." }, bo]);
  assert.deepEqual(removePersona(list, "ANN"), [bo]);
  assert.throws(() => upsertPersona(list, { name: " ", description: "" }), /needs a name/);
});

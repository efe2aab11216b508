import { test } from "node:test";
import assert from "node:assert/strict";
import { charactersReducer, charactersView, initialCharacters, type CharactersAction } from "../../../src/ui/characters/charactersState.ts";
import { cardEditorReducer, initialCardEditor, type CardEditorAction } from "../../../src/ui/characters/cardEditorState.ts";
import { fieldsOf } from "../../../src/core/cards/cardFields.ts";
import { card } from "../../support/fakeAppServices.ts";
import { testCharacter } from "../../support/chatFixtures.ts";

test("keys handled before a render act on the list as the keys before them left it", () => {
  const cards = [card("ada", "Ada"), card("bo", "Bo"), card("cy", "Cy")];
  const actions: CharactersAction[] = [
    { type: "loaded", cards, problems: 0, trashed: [] },
    { type: "query", action: { type: "insert", text: "c" } },
  ];
  const state = actions.reduce(charactersReducer, initialCharacters);
  const { visible, selected } = charactersView(state);
  assert.deepEqual([visible.map((c) => c.id), selected?.id], [["cy"], "cy"], "the filter typed a moment ago already applies");
  const reloaded = charactersReducer({ ...state, details: new Map([["cy", "unreadable"]]) }, { type: "loaded", cards, problems: 1, trashed: [], select: "bo" });
  assert.deepEqual([reloaded.selectedId, reloaded.details.size, reloaded.problems], ["bo", 0, 1], "a reload reads details again and selects what it was asked to");
});

test("a field edited and kept in one burst of keys is the field's new text, not yet saved", () => {
  const fields = fieldsOf(testCharacter());
  const actions: CardEditorAction[] = [
    { type: "startEdit", field: "name" },
    { type: "input", action: { type: "end" } },
    { type: "input", action: { type: "insert", text: " II" } },
    { type: "keepEdit" },
  ];
  const state = actions.reduce(cardEditorReducer, initialCardEditor(fields, null));
  assert.deepEqual([state.fields.name, state.saved.name, state.editing], ["Seraphina II", "Seraphina", null]);
  const saved = cardEditorReducer(state, { type: "saved", fields: state.fields });
  assert.deepEqual([saved.saved.name, saved.savedOnce], ["Seraphina II", true]);
});

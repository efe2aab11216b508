// SillyTavern's characterFilter and triggers, read from real World Info / card shapes, and how a why-report names them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseWorldInfo } from "../../../src/core/lorebook/worldInfo.ts";
import { parseCharacterBook } from "../../../src/core/lorebook/characterBook.ts";
import { activateLore } from "../../../src/core/lorebook/activate.ts";
import { loreReport } from "../../../src/core/lorebook/report.ts";
import { summarizeActivation } from "../../../src/core/lorebook/summary.ts";
import { chars, fired, run } from "../../support/loreBooks.ts";

/** Entries as SillyTavern's World Info editor saves them (only the fields that matter here differ). */
function stEntry(uid: number, fields: Record<string, unknown>) {
  return {
    uid, key: ["tavern"], keysecondary: [], comment: `entry ${uid}`, content: `C${uid}`, constant: false, vectorized: false,
    selective: true, selectiveLogic: 0, addMemo: true, order: 100 + uid, position: 0, disable: false, excludeRecursion: false,
    preventRecursion: false, delayUntilRecursion: false, probability: 100, useProbability: true, depth: 4, group: "",
    groupOverride: false, groupWeight: 100, scanDepth: null, caseSensitive: null, matchWholeWords: null, useGroupScoring: null,
    automationId: "", role: null, sticky: 0, cooldown: 0, delay: 0, displayIndex: uid, triggers: [],
    characterFilter: { isExclude: false, names: [], tags: [] }, ...fields,
  };
}

const stBook = parseWorldInfo({
  entries: {
    0: stEntry(0, { characterFilter: { isExclude: false, names: ["Brindle"], tags: [] } }),
    1: stEntry(1, { characterFilter: { isExclude: true, names: ["Brindle"], tags: [] } }),
    2: stEntry(2, { characterFilter: { isExclude: false, names: [], tags: ["innkeeper"] } }),
    3: stEntry(3, { characterFilter: { isExclude: true, names: [], tags: ["dwarf"] } }),
    4: stEntry(4, { triggers: ["swipe", "regenerate"] }),
    5: stEntry(5, {}),
  },
}, { file: "tavern.json", name: "Tavern" });

const brindle = { name: "Brindle", tags: ["Innkeeper", "dwarf"] };
const wren = { name: "Wren", tags: ["bard"] };
const outcomes = (r: ReturnType<typeof run>) => Object.fromEntries(r.verdicts.map((v) => [v.uid, v.outcome]));

test("characterFilter names and tags limit an entry to some characters; isExclude turns it around", () => {
  const forBrindle = run(stBook, "at the tavern", { character: brindle });
  assert.deepEqual(fired(forBrindle), ["C0", "C2", "C5"]);
  assert.equal(outcomes(forBrindle)[1], "character_filtered");
  assert.equal(outcomes(forBrindle)[3], "character_filtered");
  const forWren = run(stBook, "at the tavern", { character: wren });
  assert.deepEqual(fired(forWren), ["C1", "C3", "C5"]);
  assert.match(forWren.verdicts[0]!.detail, /only for Brindle \(this chat is with Wren\)/);
  assert.match(forWren.verdicts[2]!.detail, /only for characters tagged innkeeper \(Wren has bard\)/);
  // Names match the card name whatever the case; SillyTavern matched its avatar file name.
  assert.deepEqual(fired(run(stBook, "at the tavern", { character: { name: "brindle ", tags: [] } })).slice(0, 1), ["C0"]);
  // A book exported from SillyTavern lists avatar files: "Brindle.png" is Brindle.
  const exported = parseWorldInfo({ entries: { 0: stEntry(0, { characterFilter: { isExclude: false, names: ["Brindle.png"], tags: [] } }) } }, { file: "st.json", name: "ST" });
  assert.deepEqual(fired(run(exported, "at the tavern", { character: brindle })), ["C0"]);
  assert.deepEqual(fired(run(exported, "at the tavern", { character: wren })), []);
  // Without a character (a book tried on its own), the filters are not applied.
  assert.deepEqual(fired(run(stBook, "at the tavern")), ["C0", "C1", "C2", "C3", "C5"]);
});

test("triggers limit an entry to some generation types; none listed means all, the default is a normal reply", () => {
  const normal = run(stBook, "at the tavern");
  assert.equal(outcomes(normal)[4], "trigger_mismatch");
  assert.match(normal.verdicts[4]!.detail, /fires only on swipe, regenerate \(this is a normal generation\)/);
  for (const generationType of ["swipe", "regenerate"] as const) assert.ok(fired(run(stBook, "at the tavern", { generationType })).includes("C4"));
  assert.equal(outcomes(run(stBook, "at the tavern", { generationType: "continue" }))[4], "trigger_mismatch");
  assert.ok(fired(run(stBook, "at the tavern", { generationType: "impersonate" })).includes("C5"));
});

test("a sticky entry is held back too on a generation type or character it is not for, as in SillyTavern", () => {
  const b = parseWorldInfo({ entries: { 0: stEntry(0, { sticky: 5, triggers: ["normal"], characterFilter: { isExclude: false, names: ["Brindle"], tags: [] } }) } }, { file: "s.json", name: "S" });
  const first = run(b, "the tavern", { character: brindle });
  assert.equal(first.state.sticky["S/0"], 6);
  const later = ["the tavern", "a", "b"];
  assert.equal(outcomes(run(b, later, { character: brindle, state: first.state }))[0], "sticky");
  assert.equal(outcomes(run(b, later, { character: brindle, state: first.state, generationType: "continue" }))[0], "trigger_mismatch");
  assert.equal(outcomes(run(b, later, { character: wren, state: first.state }))[0], "character_filtered");
});

test("a card's embedded book carries the same filters in extensions.character_filter and extensions.triggers", () => {
  const b = parseCharacterBook({
    entries: [
      { id: 0, keys: ["tavern"], content: "Only Wren", enabled: true, insertion_order: 1, extensions: { character_filter: { isExclude: false, names: ["Wren"], tags: [] } } },
      { id: 1, keys: ["tavern"], content: "Only impersonation", enabled: true, insertion_order: 2, extensions: { triggers: ["impersonate"] } },
    ],
  }, { file: "card.json", name: "Card" });
  assert.deepEqual(fired(run(b, "the tavern", { character: brindle })), []);
  assert.deepEqual(fired(run(b, "the tavern", { character: wren, generationType: "impersonate" })), ["Only Wren", "Only impersonation"]);
});

test("malformed filters count as none, and stay in the entry for export", () => {
  const b = parseWorldInfo({ entries: { 0: stEntry(0, { characterFilter: "Brindle", triggers: [7] }) } }, { file: "m.json", name: "M" });
  assert.deepEqual(fired(run(b, "tavern", { character: wren })), ["C0"]);
  assert.equal(b.entries[0]!.extra.characterFilter, "Brindle");
});

test("the why-report and the near-miss list name the new outcomes with their reasons", () => {
  const r = activateLore({ books: [stBook], messages: [{ text: "at the tavern" }], contextSize: 8192, tokenize: chars, character: wren });
  const report = loreReport("Tavern", r, "≈ chars/4");
  assert.ok(report.notFired.includes("#0 entry 0  character_filtered: only for Brindle (this chat is with Wren)"));
  assert.ok(report.notFired.includes("#4 entry 4  trigger_mismatch: fires only on swipe, regenerate (this is a normal generation)"));
  const misses = summarizeActivation(r).misses.map((m) => `${m.uid} ${m.outcome}`);
  assert.deepEqual(misses, ["0 character_filtered", "2 character_filtered", "4 trigger_mismatch"]);
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { addEntry, emptyLorebook, entryProblems, LorebookEditError, removeEntry, updateEntry } from "../../../src/core/lorebook/edit.ts";
import { defaultEntry, type Lorebook } from "../../../src/core/lorebook/model.ts";
import { activateLore } from "../../../src/core/lorebook/activate.ts";
import { summarizeActivation } from "../../../src/core/lorebook/summary.ts";

const base = (): Lorebook => ({ name: "Inn", extra: { kept: 1 }, entries: [{ ...defaultEntry(3), key: ["ale"], content: "Ale is cheap." }] });

test("editing returns a new book: the old one (and its compiled keys) is untouched, the edit takes effect", () => {
  const b = base();
  const next = updateEntry(b, { ...b.entries[0]!, key: ["mead"] });
  assert.notEqual(next, b);
  assert.deepEqual(b.entries[0]!.key, ["ale"]);
  assert.deepEqual(next.extra, { kept: 1 });
  const run = (book: Lorebook) => activateLore({ books: [book], messages: [{ text: "mead please" }], contextSize: 4096, tokenize: (t) => t.length }).insertions.length;
  assert.equal(run(b), 0);
  assert.equal(run(next), 1);
});

test("add takes the next free uid with SillyTavern's defaults; remove drops by uid", () => {
  const { book, entry } = addEntry(base(), { key: ["bed"], content: "Rooms upstairs." });
  assert.equal(entry.uid, 4);
  assert.deepEqual([entry.order, entry.depth, entry.probability, entry.selectiveLogic], [100, 4, 100, 0]);
  assert.deepEqual(book.entries.map((e) => e.uid), [3, 4]);
  assert.deepEqual(removeEntry(book, 3).entries.map((e) => e.uid), [4]);
  assert.throws(() => removeEntry(book, 99), (e: Error) => e instanceof LorebookEditError && e.message === "Inn #99: uid: no such entry in this book");
  assert.equal(addEntry(emptyLorebook(" New ")).entry.uid, 0);
  assert.throws(() => emptyLorebook("  "), /a book needs a name/);
});

test("an edit with a bad field or an unusable regex is refused with the field named", () => {
  const e = base().entries[0]!;
  assert.deepEqual(entryProblems(e), []);
  assert.throws(() => updateEntry(base(), { ...e, position: 9 }), /Inn #3: position: must be a whole number from 0 to 6/);
  assert.throws(() => updateEntry(base(), { ...e, sticky: -2 }), /sticky: must be empty or a whole number/);
  assert.throws(() => updateEntry(base(), { ...e, key: ["ok", "/(a+)+$/"] }), /key\[1\]: \/\(a\+\)\+\$\/: nested quantifier refused/);
  assert.deepEqual(entryProblems({ ...e, keysecondary: ["/(unclosed/"], probability: 120 }).map((p) => p.field), ["probability", "keysecondary[0]"]);
});

test("the active-now summary: fired entries in prompt order with where and why, near misses, warnings", () => {
  const book: Lorebook = { name: "Inn", extra: {}, entries: [
    { ...defaultEntry(0), key: ["ale"], comment: "Ale", content: "Ale.", position: 4, depth: 1, role: 1, order: 5 },
    { ...defaultEntry(1), key: ["ale"], comment: "", content: "Before.", position: 0, order: 50 },
    { ...defaultEntry(2), key: ["ale"], keysecondary: ["night"], comment: "Night ale", content: "N" },
    { ...defaultEntry(3), key: ["ale"], probability: 0, comment: "Rare", content: "R" },
    { ...defaultEntry(4), key: ["bread"], comment: "Bread", content: "B" },
    { ...defaultEntry(5), key: ["/(x+)+y/"], comment: "Bad", content: "X" },
  ] };
  const s = summarizeActivation(activateLore({ books: [book], messages: [{ text: "ale" }], contextSize: 4096, tokenize: (t) => t.length }));
  assert.deepEqual(s.active.map((a) => [a.title, a.where, a.outcome, a.tokens]), [["entry 1", "before the character", "key_matched", 7], ["Ale", "at depth 1 as user", "key_matched", 4]]);
  assert.deepEqual(s.misses.map((m) => [m.title, m.outcome]), [["Night ale", "secondary_failed"], ["Rare", "probability_roll"]]);
  // Counted as world-info.js counts: the fired contents joined, each with its "\n": "Before.\nAle.\n".
  assert.equal(s.tokensUsed, 13);
  assert.deepEqual(s.warnings, ["Inn #5: key /(x+)+y/: nested quantifier refused (catastrophic backtracking)"]);
});

test("an edit to an entry's keys, content or timing drops the sticky and cooldown a chat holds for it; other edits keep them", () => {
  const book: Lorebook = { name: "Inn", extra: {}, entries: [
    { ...defaultEntry(0), key: ["storm"], sticky: 3, content: "A storm rolls in." },
    { ...defaultEntry(1), key: ["bell"], cooldown: 4, content: "The bell rings." },
  ] };
  const turn = (b: Lorebook, texts: string[], state?: ReturnType<typeof activateLore>["state"]) =>
    activateLore({ books: [b], messages: texts.map((text) => ({ text })), contextSize: 4096, tokenize: (t) => t.length, ...(state && { state }) });
  // The chat stores this state as JSON, apart from the book.
  const saved = JSON.parse(JSON.stringify(turn(book, ["a storm", "the bell"]).state));
  const later = ["a storm", "the bell", "calm", "quiet"];
  const outcomes = (b: Lorebook) => turn(b, later, saved).verdicts.map((v) => v.outcome);
  assert.deepEqual(outcomes(book), ["sticky", "cooldown"]);
  assert.deepEqual(outcomes(updateEntry(book, { ...book.entries[0]!, comment: "Weather", order: 7 })), ["sticky", "cooldown"]);
  assert.deepEqual(outcomes(updateEntry(book, { ...book.entries[0]!, content: "A gale rolls in." })), ["no_key_matched", "cooldown"]);
  assert.deepEqual(outcomes(updateEntry(book, { ...book.entries[1]!, key: ["bell", "gong"] })), ["sticky", "no_key_matched"]);
  assert.deepEqual(outcomes(updateEntry(book, { ...book.entries[1]!, cooldown: 2 })), ["sticky", "no_key_matched"]);
  // A deleted entry's uid taken by a new one: the new entry does not inherit the old one's stickiness.
  const reused = addEntry(removeEntry(book, 1), { key: ["bell"], content: "A new bell." }).book;
  assert.equal(reused.entries[1]!.uid, 1);
  const ringing = ["a storm", "the bell", "calm", "the bell"];
  assert.deepEqual(turn(book, ringing, saved).verdicts.map((v) => v.outcome), ["sticky", "cooldown"]);
  assert.deepEqual(turn(reused, ringing, saved).verdicts.map((v) => v.outcome), ["sticky", "key_matched"]);
  // A state saved before entries had fingerprints keeps its effects.
  const { versions: _v, ...old } = saved;
  assert.deepEqual(turn(updateEntry(book, { ...book.entries[0]!, content: "changed" }), later, old).verdicts.map((v) => v.outcome), ["sticky", "cooldown"]);
});

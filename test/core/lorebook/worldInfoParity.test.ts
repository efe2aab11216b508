// Each case is traced through SillyTavern's public/scripts/world-info.js (checkWorldInfo,
// WorldInfoBuffer.get/matchKeys, filterByInclusionGroups, the prompt-building loop at its end)
// and the expected outcome is what that code gives; the comment says which lines decide it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { book, fired, run } from "../../support/loreBooks.ts";
import { parseWorldInfo } from "../../../src/core/lorebook/worldInfo.ts";

const verdict = (r: ReturnType<typeof run>, uid: number, bookName = "b") => r.verdicts.find((v) => v.uid === uid && v.book === bookName)!;
const byLength = (t: string) => t.length;

test("equal order: the entry activated later is placed first (sort by descending order, then unshift)", () => {
  // [...allActivatedEntries].sort(sortFn) keeps A before B; each is unshift()ed into its position, so B ends up first.
  const b = book([{ key: ["inn"], content: "A" }, { key: ["inn"], content: "B" }, { key: ["inn"], order: 50, content: "low" }]);
  assert.deepEqual(fired(run(b, "the inn")), ["low", "B", "A"]);
  // Activated in a later (recursion) pass means activated later: it goes in front of its equals.
  const chain = book([{ key: ["inn"], content: "A, with ale" }, { key: ["ale"], content: "ale lore" }, { key: ["inn"], content: "C" }]);
  assert.deepEqual(fired(run(chain, "the inn")), ["ale lore", "C", "A, with ale"]);
});

test("the budget counts contents with macros expanded, joined with their newlines, not entry by entry", () => {
  // newContent += `${substituteParams(content)}\n`; overflow when tokens(allActivatedText) + tokens(newContent) >= budget.
  const b = book([{ key: ["k"], order: 2, content: "{{user}}" }, { key: ["k"], order: 1, content: "abc" }]);
  const expand = (s: string) => s.replace("{{user}}", "Bartholomew");
  // "Bartholomew\n" is 12 characters: with a budget of 12 it overflows (12 >= 12) although "{{user}}\n" would be 9.
  const r = run(b, "k", { contextSize: 100, tokenize: byLength, settings: { budgetPercent: 12 }, expandMacros: expand });
  assert.deepEqual(fired(r), []);
  assert.match(verdict(r, 0).detail, /12 of 12/);
  // Counted joined: "Bartholomew\nabc\n" is 16 characters; with chars/4 that is 4 tokens, where the entries
  // one by one (12/4 = 3, 4/4 = 1) would round to the same, but 3 + 2 characters would not: see below.
  const ceil4 = (t: string) => Math.ceil(t.length / 4);
  const two = book([{ key: ["k"], order: 2, content: "aaaaa" }, { key: ["k"], order: 1, content: "bbbbb" }]);
  // Joined "aaaaa\nbbbbb\n" = 12 characters = 3 tokens (< 4 fires both); one by one would be 2 + 2 = 4 (>= 4).
  assert.deepEqual(fired(run(two, "k", { contextSize: 100, tokenize: ceil4, settings: { budgetPercent: 4 } })), ["bbbbb", "aaaaa"]);
});

test("the budget is 25% of the context rounded as Math.round, at least 1, and the cap lowers it", () => {
  // budget = Math.round(world_info_budget * maxContext / 100) || 1; a cap above 0 replaces a larger budget.
  assert.equal(run(book([]), "x", { contextSize: 1026 }).budget, 257);
  assert.equal(run(book([]), "x", { contextSize: 1 }).budget, 1);
  assert.equal(run(book([]), "x", { contextSize: 1026, settings: { budgetCap: 100 } }).budget, 100);
});

test("an empty secondary key counts as a key that is never found", () => {
  // hasSecondaryKeywords = selective && keysecondary.length: [""] has length 1; substituteParams("") is "" (falsy): no match.
  const mk = (selectiveLogic: number) => book([{ key: ["inn"], keysecondary: [""], selectiveLogic, content: `logic ${selectiveLogic}` }]);
  assert.deepEqual(fired(run(mk(0), "inn")), [], "AND ANY needs one found");
  assert.deepEqual(fired(run(mk(1), "inn")), ["logic 1"], "NOT ALL: one not found is enough");
  assert.deepEqual(fired(run(mk(2), "inn")), ["logic 2"], "NOT ANY: none found");
  assert.deepEqual(fired(run(mk(3), "inn")), [], "AND ALL: not all found");
  // Not selective: the secondary keys are not looked at.
  assert.deepEqual(fired(run(book([{ key: ["inn"], keysecondary: [""], selective: false, content: "plain" }]), "inn")), ["plain"]);
  // An unknown logic matches none of the four branches and never passes.
  assert.deepEqual(fired(run(book([{ key: ["inn"], keysecondary: ["inn"], selectiveLogic: 7, content: "odd" }]), "inn")), []);
});

test("a key of only white space is found in any text; an empty key never", () => {
  // matchKeys(text, "   ".trim()): "".split(/\s+/) is one word, and /(?:^|\W)()(?:$|\W)/ matches "\x01..." at its start.
  const b = book([{ key: ["   "], content: "blank" }, { key: [""], content: "empty" }]);
  assert.deepEqual(fired(run(b, "anything at all")), ["blank"]);
});

test("scan depth 0 scans nothing, not even the recursion buffer", () => {
  // WorldInfoBuffer.get: `if (depth <= this.#startDepth) return ''`, before the recursion buffer is appended.
  const b = book([{ constant: true, content: "The inn has a cellar." }, { key: ["cellar"], content: "cellar lore" }]);
  const r = run(b, "we talk", { settings: { scanDepth: 0 } });
  assert.deepEqual(fired(r), ["The inn has a cellar."]);
  assert.equal(verdict(r, 1).outcome, "no_key_matched");
  // With a depth, the same recursion finds it.
  assert.deepEqual(fired(run(b, "we talk")), ["cellar lore", "The inn has a cellar."]);
});

test("probability is rolled only when useProbability is on; a file that leaves it out never rolls", () => {
  // verifyProbability: `if (!entry.useProbability || entry.probability === 100) return true`.
  const file = parseWorldInfo({ entries: { "0": { uid: 0, key: ["inn"], content: "never rolled", probability: 0, order: 1, position: 0 } } }, { file: "w.json", name: "w" });
  assert.equal(file.entries[0]!.useProbability, false);
  assert.match(file.warnings!.join("\n"), /useProbability: missing: probability 0% is not rolled/);
  for (const seed of [1, 2, 3]) assert.deepEqual(fired(run(file, "inn", { seed })), ["never rolled"]);
  const rolled = book([{ key: ["inn"], probability: 0, useProbability: true, content: "rolled" }]);
  assert.equal(verdict(run(rolled, "inn"), 0).outcome, "probability_roll");
});

test("regex keys run on SillyTavern's scan text: each message starts with \\x01 and carries its speaker's name", () => {
  // get(): MATCHER + messages.join('\n' + MATCHER), each message `${name}: ${mes}`, trimmed, newest first.
  const b = book([
    { key: ["/^Mira:/m"], content: "line start" },
    { key: ["/^\\x01Mira: hello/"], content: "marked start" },
    { key: ["/^second line$/m"], content: "inner line" },
    { key: ["/second line\\n\\x01Bo: hi/"], content: "joined newest first" },
    { key: ["/Mira: {2}/"], content: "untrimmed" },
  ]);
  // "Mira: " + the text, then trimmed as a whole: the spaces at the end go, the line break inside stays.
  const messages = [{ name: "Bo", text: "hi" }, { name: "Mira", text: "hello\nsecond line  " }];
  assert.deepEqual(fired(run(b, [], { messages })).sort(), ["inner line", "joined newest first", "marked start"]);
});

test("scan order: the chat's books, then the character's, then the global ones, each tier by descending order across its books", () => {
  // getSortedEntries (character first): [...chatLore.sort(sortFn), ...characterLore.sort(sortFn), ...globalLore.sort(sortFn)].
  const chat = book([{ key: ["k"], order: 1, content: "c".repeat(40) }], "chat");
  const g1 = book([{ key: ["k"], order: 10, content: "g".repeat(40) }], "g1");
  const g2 = book([{ key: ["k"], order: 90, content: "h".repeat(40) }], "g2");
  // A budget with room for two: the chat book's entry first (lowest order, but first tier), then the higher order of the globals.
  const r = run([chat, g1, g2], "k", { contextSize: 100, settings: { budgetPercent: 25 }, tiers: [0, 2, 2] });
  assert.deepEqual(r.insertions.map((i) => i.entryId), ["chat/0", "g2/0"]);
  assert.equal(verdict(r, 0, "g1").outcome, "budget_exhausted");
});

test("a group's loser is looked at again in a later pass, where an active winner keeps it out", () => {
  // filterByInclusionGroups only removes losers from this pass's list; the next pass checks them again and
  // drops them because allActivatedEntries has an entry of the same group.
  const b = book([
    { key: ["road"], group: "weather", groupOverride: true, order: 90, content: "Rain on the road, and a storm." },
    { key: ["road"], group: "weather", order: 10, content: "Sun on the road." },
  ]);
  const r = run(b, "the road");
  assert.deepEqual(fired(r), ["Rain on the road, and a storm."]);
  assert.match(verdict(r, 1).detail, /already has b\/0 active/);
});

test("minimum activations widen the scan one message at a time, up to one past the chat", () => {
  // over_max = (depth_max > 0 && depth > depth_max) || depth > chat.length, checked before buffer.advanceScan().
  const b = book([{ key: ["far"], content: "F" }]);
  const r = run(b, ["far", "b", "c"], { settings: { minActivations: 1 } });
  assert.deepEqual(fired(r), ["F"]);
  assert.match(verdict(r, 0).detail, /scanning 3 messages/);
});

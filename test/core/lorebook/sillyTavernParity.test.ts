// Activation details checked against SillyTavern's world-info.js behaviour, each with a small hand-made book.
import { test } from "node:test";
import assert from "node:assert/strict";
import { book, chars, fired, run } from "../../support/loreBooks.ts";
import { activateLoreForChat } from "../../../src/core/lorebook/forChat.ts";
import type { Chat } from "../../../src/core/chat/types.ts";

const verdict = (r: ReturnType<typeof run>, uid: number, bookName = "b") => r.verdicts.find((v) => v.uid === uid && v.book === bookName)!;

test("whole words: single-word keys need word boundaries, multi-word keys match as a phrase anywhere", () => {
  const b = book([{ key: ["drag"], content: "single" }, { key: ["red dragon"], content: "phrase" }, { key: ["half-elf"], content: "hyphen" }]);
  assert.deepEqual(fired(run(b, "the red dragonfly lands")), ["phrase"]);
  assert.deepEqual(fired(run(b, "a half-elf, a half-elfling")), ["hyphen"]);
  assert.deepEqual(fired(run(b, "a half-elfling")), []);
  assert.deepEqual(fired(run(b, "dragging", { settings: { matchWholeWords: false } })), ["single"]);
  const cs = book([{ key: ["Red Dragon"], caseSensitive: true, content: "cs" }]);
  assert.deepEqual(fired(run(cs, "a red dragon")), []);
  assert.deepEqual(fired(run(cs, "a Red Dragon")), ["cs"]);
  assert.deepEqual(fired(run(cs, "a red dragon", { settings: { caseSensitive: true } })), []);
});

test("regex keys ignore the case and whole-word settings: their own flags decide", () => {
  const b = book([{ key: ["/Dragon/"], content: "exact" }, { key: ["/drag/i"], content: "part" }]);
  assert.deepEqual(fired(run(b, "a dragon")), ["part"]);
  // Equal orders come out later-activated first (see "equal order" below).
  assert.deepEqual(fired(run(b, "a Dragon", { settings: { caseSensitive: false } })), ["part", "exact"]);
  // A /g flag must not make the next test start mid-text (lastIndex).
  const g = book([{ key: ["/ale/g"], content: "A" }, { key: ["/ale/g"], keysecondary: ["/ale/g"], content: "B" }]);
  assert.equal(run(g, "ale").insertions.length, 2);
});

test("an entry's scan depth of 0 never matches; global depth 0 leaves only constants", () => {
  const b = book([{ key: ["x"], scanDepth: 0, content: "zero" }, { key: ["x"], content: "global" }, { constant: true, content: "c" }]);
  assert.deepEqual(fired(run(b, "x")), ["c", "global"]);
  assert.deepEqual(fired(run(b, "x", { settings: { scanDepth: 0 } })), ["c"]);
});

test("max recursion steps counts scans: 1 = no recursion, 2 = one level", () => {
  const b = book([
    { key: ["tavern"], content: "Brindle" },
    { key: ["Brindle"], content: "cellar" },
    { key: ["cellar"], content: "door" },
  ]);
  assert.deepEqual(fired(run(b, "tavern", { settings: { maxRecursionSteps: 1 } })), ["Brindle"]);
  assert.deepEqual(fired(run(b, "tavern", { settings: { maxRecursionSteps: 2 } })), ["cellar", "Brindle"]);
  assert.deepEqual(fired(run(b, "tavern")), ["door", "cellar", "Brindle"]);
});

test("delay until recursion works by levels: level 2 waits until level 1 recursion is exhausted", () => {
  const b = book([
    { key: ["gate"], content: "a gate", order: 1 },
    { key: ["gate"], delayUntilRecursion: 1, content: "the tower", order: 2 },
    { key: ["gate"], delayUntilRecursion: 2, content: "the vault", order: 3 },
    { key: ["tower"], delayUntilRecursion: 2, content: "tower top", order: 4 },
  ]);
  const r = run(b, "the gate");
  assert.deepEqual(fired(r), ["a gate", "the tower", "the vault", "tower top"]);
  assert.equal(verdict(r, 1).outcome, "recursion");
  assert.match(verdict(r, 2).detail, /delay level 2/);
  assert.match(verdict(r, 1).detail, /recursion pass 1 \(delay level 1\)/);
  // Recursion off: levels still advance (1 is taken at once, 2 gets its own pass), as SillyTavern does.
  const off = run(b, "the gate", { settings: { recursive: false } });
  assert.deepEqual(fired(off), ["a gate", "the tower", "the vault"]);
  assert.equal(verdict(off, 3).outcome, "no_key_matched");
});

test("exclude recursion: the entry is not checked on recursion passes, and says why when its key was only in lore", () => {
  const b = book([{ key: ["inn"], content: "The inn has a cat." }, { key: ["cat"], excludeRecursion: true, content: "cat lore" }]);
  const r = run(b, "the inn");
  assert.deepEqual(fired(r), ["The inn has a cat."]);
  assert.equal(verdict(r, 1).outcome, "recursion_excluded");
  assert.deepEqual(fired(run(b, "the inn cat")), ["cat lore", "The inn has a cat."]);
});

test("inclusion groups: a group with an entry already active admits no other from recursion", () => {
  const b = book([
    { key: ["road"], group: "weather", content: "It rains on the road. A storm comes." },
    { key: ["storm"], group: "weather", content: "storm lore" },
    { key: ["storm"], content: "free entry" },
  ]);
  const r = run(b, "the road");
  assert.deepEqual(fired(r), ["free entry", "It rains on the road. A storm comes."]);
  assert.equal(verdict(r, 1).outcome, "lost_group");
  assert.match(verdict(r, 1).detail, /already has b\/0 active/);
});

test("inclusion groups are decided before probability: a winner that fails its roll leaves the group empty", () => {
  const b = book([
    { key: ["inn"], group: "g", groupOverride: true, order: 90, probability: 0, content: "winner" },
    { key: ["inn"], group: "g", order: 10, content: "loser" },
  ]);
  const r = run(b, "inn");
  assert.deepEqual(fired(r), []);
  assert.equal(verdict(r, 0).outcome, "probability_roll");
  assert.equal(verdict(r, 1).outcome, "lost_group");
});

test("group scoring counts secondary keys only for AND ANY / AND ALL, and only where scoring is on", () => {
  const notAny = book([
    { key: ["inn"], keysecondary: ["rain", "snow"], selectiveLogic: 2, group: "g", useGroupScoring: true, groupWeight: 100000, content: "notany" },
    { key: ["inn", "ale"], group: "g", useGroupScoring: true, groupWeight: 1, content: "two" },
  ]);
  assert.deepEqual(fired(run(notAny, "inn ale")), ["two"]);
  const andAny = book([
    { key: ["inn"], keysecondary: ["ale", "fire"], selectiveLogic: 0, group: "g", useGroupScoring: true, groupWeight: 1, content: "inn+ale" },
    { key: ["inn"], group: "g", useGroupScoring: true, groupWeight: 100000, content: "inn" },
  ]);
  assert.deepEqual(fired(run(andAny, "inn ale")), ["inn+ale"]);
  // Without recursion the loser keeps the verdict of the pass that decided it.
  const r = run(andAny, "inn ale", { settings: { recursive: false } });
  assert.match(verdict(r, 1).detail, /fewer keys matched \(1 < 2\)/);
});

test("a group with a sticky member keeps it and drops the rest", () => {
  const b = book([{ key: ["inn"], group: "g", groupWeight: 1, sticky: 3, content: "first" }, { key: ["inn"], group: "g", groupWeight: 1, content: "second" }]);
  const state = { sticky: { "b/0": 10 }, cooldown: {}, started: { "b/0": 1 } };
  const r = run(b, ["x", "x", "inn"], { state });
  assert.deepEqual(fired(r), ["first"]);
  assert.equal(verdict(r, 0).outcome, "sticky");
});

test("books earlier in the list take the budget first, then higher order within a book", () => {
  const chatBook = book([{ key: ["k"], order: 1, content: "c".repeat(40) }], "chat");
  const global = book([{ key: ["k"], order: 999, content: "g".repeat(40) }], "global");
  const r = run([chatBook, global], "k", { contextSize: 60, settings: { budgetPercent: 25 } });
  assert.deepEqual(r.insertions.map((i) => i.entryId), ["chat/0"]);
  assert.equal(verdict(r, 0, "global").outcome, "budget_exhausted");
});

test("entries marked ignoreBudget (SillyTavern field) still fire after the budget is spent", () => {
  const b = book([
    { key: ["k"], order: 3, content: "a".repeat(80) },
    { key: ["k"], order: 2, content: "small" },
    { key: ["k"], order: 1, content: "vital", extra: { ignoreBudget: true } },
  ]);
  const r = run(b, "k", { contextSize: 40, settings: { budgetPercent: 25 } });
  assert.deepEqual(fired(r), ["vital"]);
  assert.equal(verdict(r, 1).outcome, "budget_exhausted");
});

test("an activated entry with empty content fires (for its effects) but inserts nothing; white space is content", () => {
  const r = run(book([{ key: ["k"], content: "" }]), "k");
  assert.equal(verdict(r, 0).fired, true);
  assert.deepEqual(r.insertions, []);
  // world-info.js skips an entry only when its content is falsy: "   " is placed.
  assert.deepEqual(fired(run(book([{ key: ["k"], content: "   " }]), "k")), ["   "]);
});

test("minimum activations stop one message past the depth cap, as world-info.js checks the depth before widening it", () => {
  const b = book([{ key: ["far"], content: "F" }, { key: ["near"], content: "N" }]);
  const msgs = ["far", "x", "y", "near"].map((text) => ({ text }));
  // Scan depth 2 finds N. Cap 2: 2 > 2 is false, so the scan widens to 3 (nothing), then 3 > 2 stops.
  assert.deepEqual(fired(run(b, [], { messages: msgs, settings: { minActivations: 2, minActivationsDepthMax: 2 } })), ["N"]);
  // Cap 3: widened to 3, then (3 > 3 is false) to 4, which reaches "far".
  assert.deepEqual(fired(run(b, [], { messages: msgs, settings: { minActivations: 2, minActivationsDepthMax: 3 } })), ["F", "N"]);
  const r = run(b, [], { messages: msgs, settings: { minActivations: 2 } });
  assert.match(verdict(r, 0).detail, /scanning 4 messages to reach 2 activations/);
});

test("timed effects: regenerating at the same chat length drops the effects that turn set", () => {
  const b = book([{ key: ["storm"], cooldown: 3, content: "S" }, { key: ["gale"], sticky: 3, content: "G" }]);
  const first = run(b, ["calm", "storm gale"]);
  assert.deepEqual(fired(first), ["G", "S"]);
  assert.deepEqual(first.state.started, { "b/0": 2, "b/1": 2 });
  const again = run(b, ["calm", "storm gale"], { state: first.state });
  assert.deepEqual(fired(again), ["G", "S"]);
  assert.equal(verdict(again, 0).outcome, "key_matched");
  const next = run(b, ["calm", "storm gale", "reply", "storm"], { state: first.state });
  assert.equal(verdict(next, 0).outcome, "cooldown");
  assert.equal(verdict(next, 1).outcome, "sticky");
  // Messages deleted back before the turn that set them: the effects go too.
  assert.equal(verdict(run(b, ["storm"], { state: first.state }), 0).outcome, "key_matched");
});

function chatOf(texts: [string, string][], loreState?: unknown): Chat {
  return {
    id: "chat-1", title: "t", characterId: "c", characterName: "Brindle", createdAt: "", updatedAt: "", settings: {}, variables: {},
    ...(loreState !== undefined && { loreState }),
    messages: texts.map(([role, text], i) => ({ id: `m${i}`, role: role as "user" | "assistant", name: role === "user" ? "You" : "Brindle", swipes: [{ text, sentAt: "" }], swipeIndex: 0 })),
  };
}

test("per chat: state round-trips through the chat as JSON, and a swipe does not scan the reply it replaces", () => {
  const b = book([{ key: ["storm"], cooldown: 4, content: "S" }, { key: ["ale"], content: "A" }]);
  const opts = { books: [b], contextSize: 4096, tokenize: chars };
  const turn = activateLoreForChat({ ...opts, chat: chatOf([["assistant", "hi"], ["user", "a storm"]]) });
  assert.deepEqual(turn.insertions.map((i) => i.content), ["S"]);
  const saved = JSON.parse(JSON.stringify(turn.state));
  const withReply = chatOf([["assistant", "hi"], ["user", "a storm"], ["assistant", "more ale?"]], saved);
  const swipe = activateLoreForChat({ ...opts, chat: withReply, generationType: "swipe" });
  assert.deepEqual(swipe.insertions.map((i) => i.content), ["S"]);
  const nextTurn = activateLoreForChat({ ...opts, chat: chatOf([["assistant", "hi"], ["user", "a storm"], ["assistant", "more ale?"], ["user", "storm again"]], saved) });
  assert.equal(nextTurn.verdicts[0]!.outcome, "cooldown");
  assert.equal(nextTurn.verdicts[1]!.fired, true);
  const broken = activateLoreForChat({ ...opts, chat: chatOf([["user", "storm"]], { sticky: null }) });
  assert.equal(broken.verdicts[0]!.outcome, "key_matched");
});

test("per chat: {{char}}, {{user}}, <BOT> and <USER> in keys name the chat's character and persona", () => {
  const b = book([
    { key: ["{{char}}"], content: "about the keeper" },
    { key: ["<USER>'s debt"], content: "the debt" },
    { key: ["{{user}}"], keysecondary: ["<BOT>"], selectiveLogic: 0, content: "both named" },
  ]);
  const character = { name: "Brindle", tags: [], first_mes: "", alternate_greetings: [] };
  const opts = { books: [b], contextSize: 4096, tokenize: chars, character, personaName: "Aria" };
  const r = activateLoreForChat({ ...opts, chat: chatOf([["assistant", "hi"], ["user", "Brindle, Aria's debt is paid."]]) });
  assert.deepEqual(r.insertions.map((i) => i.content), ["both named", "the debt", "about the keeper"]);
  const other = activateLoreForChat({ ...opts, personaName: "Cole", chat: chatOf([["assistant", "hi"], ["user", "Aria's debt"]]) });
  // The scanned text carries the speakers' names, so the keeper's own message names her.
  assert.deepEqual(other.insertions.map((i) => i.content), ["about the keeper"], "another persona's name does not match {{user}}");
});

// Worked examples from specs/groups.md §5, traced through SillyTavern's activateNaturalOrder,
// activateListOrder, activatePooledOrder, the manual pick and activateSwipe: each random
// number is scripted, and a draw more or less than SillyTavern makes fails the test.
import { test } from "node:test";
import assert from "node:assert/strict";
import { chooseSpeakers, GroupTurnError, type ChooseSpeakersInput } from "../../../src/core/group/activation.ts";
import { extractAllWords, shuffle, talkativenessOf } from "../../../src/core/group/words.ts";
import { inn, member, said, scripted } from "./fixtures.ts";

const natural = { activationStrategy: 0, allowSelfResponses: false };

function choose(input: Partial<ChooseSpeakersInput> & Pick<ChooseSpeakersInput, "random">) {
  const random = input.random as ReturnType<typeof scripted>;
  const choice = chooseSpeakers({ group: natural, members: inn(), messages: [], ...input });
  assert.equal(random.left(), 0, "every scripted number is drawn");
  return choice;
}

const who = (c: { speakers: { name: string; why: string }[] }) => c.speakers.map((s) => `${s.name} (${s.why})`);

test("N1: the person's message names Bob and Cleo, then Alice rolls under her talkativeness", () => {
  const choice = choose({
    messages: [said("assistant", "Alice", "Welcome!", "Alice.png")],
    input: "Hey bob, where is Cleo?",
    random: scripted(0.9, 0.1, 0.5, 0.7, 0.3, 0.05),
  });
  assert.deepEqual(who(choice), ["Bob Stone (mentioned)", "Cleo (mentioned)", "Alice (talkativeness)"]);
  assert.equal(choice.speakers[0]!.detail, 'named in your message ("bob")');
  assert.equal(choice.speakers[2]!.detail, "talkativeness 0.5 ≥ roll 0.3");
  assert.equal(choice.strategy, "natural");
});

test("N2: nothing typed, Alice wrote last and sits out; nobody rolls, so one chatty member is drawn", () => {
  const choice = choose({
    messages: [said("assistant", "Alice", "I think Alice should rest.", "Alice.png")],
    random: scripted(0, 0, 0, 0.95, 0.95, 0.4),
  });
  assert.deepEqual(who(choice), ["Bob Stone (fallback)"]);
  assert.deepEqual(choice.passed.map((p) => [p.name, p.why]), [["Cleo", "rolled"], ["Alice", "spoke-last"]]);
});

test("N3: with nobody chatty the fallback draws from every member, and Alice, who spoke last, speaks again", () => {
  const members = inn();
  members[1] = member("Bob Stone.png", "Bob Stone", { extensions: { talkativeness: 0 } });
  const choice = choose({
    members,
    messages: [said("assistant", "Alice", "Hm.", "Alice.png")],
    random: scripted(0.9, 0.1, 0.5, 0.5, 0.5, 0.1),
  });
  assert.deepEqual(who(choice), ["Alice (fallback)"]);
});

test("natural: self-responses allowed lift the ban; a typed message lifts it too", () => {
  const messages = [said("assistant", "Alice", "Alice here.", "Alice.png")];
  const allowed = choose({ group: { activationStrategy: 0, allowSelfResponses: true }, messages, random: scripted(0.5, 0.5, 0.5, 0.9, 0.9, 0.9) });
  assert.deepEqual(who(allowed), ["Alice (mentioned)"]);
  const typed = choose({ messages, input: "Alice?", random: scripted(0.5, 0.5, 0.5, 0.9, 0.9, 0.9) });
  assert.deepEqual(who(typed), ["Alice (mentioned)"]);
});

test("natural: only whole words of a name count; a name without ASCII words is named by the whole name", () => {
  assert.deepEqual(extractAllWords("Hey bob, Élodie!"), ["hey", "bob", "lodie"]);
  const members = [member("Bobby.png", "Bobby", { extensions: { talkativeness: 0 } }), member("Mei.png", "美玲", { extensions: { talkativeness: 0 } })];
  const choice = choose({ members, input: "bob and 美玲?", random: scripted(0.5, 0.5, 0.9, 0.9) });
  assert.deepEqual(who(choice), ["美玲 (mentioned)"]);
});

test("talkativeness is read as SillyTavern reads it: missing or junk is 0.5, blank and null are 0", () => {
  assert.deepEqual([undefined, "abc", "0.25", "", null, 1, {}].map(talkativenessOf), [0.5, 0.5, 0.25, 0, 0, 1, 0.5]);
  // Fisher-Yates from the end: n draws, the last always index 0.
  assert.deepEqual(shuffle(["A", "B", "C"], scripted(0.9, 0.1, 0.5)), ["B", "A", "C"]);
});

test("list: every member not muted, in list order, without a random draw", () => {
  const choice = choose({ group: { activationStrategy: 1, allowSelfResponses: false }, members: [inn()[0]!, { ...inn()[1]!, muted: true }, inn()[2]!], random: scripted() });
  assert.deepEqual(who(choice), ["Alice (list)", "Cleo (list)"]);
  assert.deepEqual(choice.passed.map((p) => [p.name, p.why]), [["Bob Stone", "muted"]]);
});

test("manual: a typed message gets no reply; an empty send draws one member at random", () => {
  const manual = { activationStrategy: 2, allowSelfResponses: false };
  const typed = choose({ group: manual, input: "Hello?", random: scripted() });
  assert.deepEqual(typed.speakers, []);
  assert.match(typed.nobody!, /manual mode: pick who speaks/);
  const empty = choose({ group: manual, random: scripted(0, 0.9, 0.2) });
  assert.deepEqual(who(empty), ["Cleo (manual-random)"]);
});

test("P1-P3: pooled picks who has not spoken since the person wrote; when all have, anyone but the last", () => {
  const pooled = { activationStrategy: 3, allowSelfResponses: false };
  const chat = [said("user", "Sam", "Hi all"), said("assistant", "Alice", "Hi!", "Alice.png"), said("assistant", "Bob Stone", "Yo.", "Bob Stone.png")];
  assert.deepEqual(who(choose({ group: pooled, messages: chat, random: scripted(0.7) })), ["Cleo (pooled)"]);
  assert.deepEqual(who(choose({ group: pooled, messages: chat, input: "Next?", random: scripted(0.5) })), ["Bob Stone (pooled)"]);
  const after = [...chat, said("assistant", "Cleo", "Hm.", "Cleo.png")];
  const p3 = choose({ group: pooled, messages: after, random: scripted(0.99) });
  assert.deepEqual(who(p3), ["Bob Stone (pooled)"]);
  assert.match(p3.speakers[0]!.detail, /everyone has spoken/);
});

test("a muted member never speaks on its own but can be asked to; every member muted says so", () => {
  const members = inn(true);
  const forced = choose({ members, force: "Cleo.png", random: scripted() });
  assert.deepEqual(who(forced), ["Cleo (forced)"]);
  assert.equal(forced.speakers[0]!.detail, "you asked for them (they are muted)");
  const allMuted = choose({ group: { activationStrategy: 1, allowSelfResponses: false }, members: members.map((m) => ({ ...m, muted: true })), random: scripted() });
  assert.equal(allMuted.nobody, "every member is muted: ask one to speak");
});

test("swipe and continue keep the author, muted or not; an old message is matched by name; a removed author is refused", () => {
  const members = inn(true);
  const chat = [said("user", "Sam", "Sing?"), said("assistant", "Cleo", "La la.", "Cleo.png")];
  assert.deepEqual(who(choose({ members, messages: chat, kind: "swipe", random: scripted() })), ["Cleo (swipe)"]);
  const legacy = [said("user", "Sam", "Hi"), said("assistant", "Bob Stone", "Hey.")];
  assert.deepEqual(who(choose({ members, messages: legacy, kind: "continue", random: scripted() })), ["Bob Stone (swipe)"]);
  const gone = [said("assistant", "Dora", "Bye.", "Dora.png")];
  assert.throws(() => chooseSpeakers({ group: natural, members, messages: gone, kind: "swipe", random: scripted() }), GroupTurnError);
});

test("an activation strategy taproom does not know chooses as natural order and says so", () => {
  const choice = choose({ group: { activationStrategy: 7, allowSelfResponses: false }, input: "cleo", random: scripted(0.9, 0.1, 0.5, 0.9, 0.9, 0.9) });
  assert.deepEqual(who(choice), ["Cleo (mentioned)"]);
  assert.match(choice.warning!, /strategy 7 is not one taproom knows/);
});

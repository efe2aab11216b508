// Character Card V3 content decorators: the parser, and activation of a V3 card's embedded book that uses them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseDecorators } from "../../../src/core/lorebook/decorators.ts";
import { parseCardObject } from "../../../src/core/cards/parse.ts";
import { parseCharacterBook, toCharacterBook } from "../../../src/core/lorebook/characterBook.ts";
import { parseWorldInfo, toWorldInfo } from "../../../src/core/lorebook/worldInfo.ts";
import { activateLoreForChat } from "../../../src/core/lorebook/forChat.ts";
import type { Chat } from "../../../src/core/chat/types.ts";
import { chars, fired, run } from "../../support/loreBooks.ts";

test("decorator lines at the start are read and cut, with the blank lines after them; later @@ text stays", () => {
  const p = parseDecorators("@@depth 3\r\n@@role assistant\n\nThe well is dry.\n@@not a decorator here");
  assert.equal(p.content, "The well is dry.\n@@not a decorator here");
  assert.equal(p.decorators!.depth, 3);
  assert.equal(p.decorators!.role, 2);
  const plain = "No decorators, @@ in the middle.";
  assert.deepEqual(parseDecorators(plain), { decorators: null, content: plain });
});

test("unknown decorators, bad values and repeats are ignored, never an error; @@@ fallbacks stand in for them", () => {
  const p = parseDecorators([
    "@@risu_only_decorator 4",
    "@@@agn_only_decorator 4",
    "@@@activate_only_every 4",
    "@@depth deep",
    "@@@depth 5",
    "@@@depth 9",
    "@@scan_depth 2",
    "@@@scan_depth 7",
    "@@scan_depth 3",
    "@@@ orphan",
    "Lore.",
  ].join("\n"));
  const d = p.decorators!;
  assert.equal(d.activateOnlyEvery, 4, "the third in a fallback chain");
  assert.equal(d.depth, 5, "fallback after a bad value; the one after it is not needed");
  assert.equal(d.scanDepth, 2, "a known decorator's fallback is skipped; a repeat is ignored");
  assert.deepEqual(d.ignored, ["@@risu_only_decorator 4", "@@@agn_only_decorator 4", "@@depth deep", "@@scan_depth 3", "@@@ orphan"]);
  assert.equal(p.content, "Lore.");
});

test("@@position maps the spec's before_desc/after_desc; personality and scenario have no place here and fall back", () => {
  assert.equal(parseDecorators("@@position before_desc\nx").decorators!.position, 0);
  assert.equal(parseDecorators("@@position after_desc\nx").decorators!.position, 1);
  const p = parseDecorators("@@position personality\n@@@position after_desc\nx");
  assert.equal(p.decorators!.position, 1);
  assert.equal(parseDecorators("@@position scenario\nx").decorators!.position, undefined);
  assert.equal(parseDecorators("@@depth -2\nx").decorators!.depth, 0, "below 1 is after the last message");
});

// A V3 card whose embedded book uses decorators, in the shape the spec writes.
const v3Card = {
  spec: "chara_card_v3",
  spec_version: "3.0",
  data: {
    name: "Brindle", description: "Keeps the Copper Tankard.", tags: ["innkeeper", "dwarf"], creator: "", character_version: "",
    mes_example: "", extensions: {}, system_prompt: "", post_history_instructions: "", first_mes: "Welcome in.",
    alternate_greetings: ["Back again?", "We're closed."], personality: "", scenario: "", creator_notes: "", group_only_greetings: [],
    character_book: {
      name: "Tankard lore",
      extensions: {},
      entries: [
        { id: 0, keys: ["cellar"], content: "@@depth 2\n@@role assistant\n\nThe cellar floods in spring.", enabled: true, insertion_order: 10, use_regex: false, extensions: {} },
        { id: 1, keys: ["map"], content: "@@position personality\n@@@position after_desc\nA map hangs behind the bar.", enabled: true, insertion_order: 20, use_regex: false, extensions: {} },
        { id: 2, keys: [], content: "@@activate\nBrindle hums while she works.", enabled: true, insertion_order: 30, use_regex: false, extensions: {} },
        { id: 3, keys: [], constant: true, content: "@@dont_activate\nNever shown.", enabled: true, insertion_order: 40, use_regex: false, extensions: {} },
        { id: 4, keys: ["ale"], content: "@@scan_depth 1\n@@risu_flavour sweet\nThe ale is brewed upstairs.", enabled: true, insertion_order: 50, use_regex: false, extensions: {} },
        { id: 5, keys: ["guard"], content: "@@additional_keys night, curfew\n@@exclude_keys captain\nGuards walk the lane after curfew.", enabled: true, insertion_order: 60, use_regex: false, extensions: {} },
        { id: 6, keys: ["depth"], content: "Only the word depth fires this.", enabled: true, insertion_order: 70, use_regex: false, extensions: {} },
      ],
    },
  },
};

function cardBook() {
  const { card } = parseCardObject(v3Card, { source: "brindle.json" });
  return { character: card.character, book: parseCharacterBook(card.character.character_book, { file: "brindle.json", name: "Tankard lore" }) };
}
const outcome = (r: ReturnType<typeof run>, uid: number) => r.verdicts.find((v) => v.uid === uid)!.outcome;

test("a V3 embedded book: @@depth and @@role place the entry, without the decorator lines", () => {
  const { book } = cardBook();
  const r = run(book, "What is in the cellar?");
  const cellar = r.insertions.find((i) => i.entryId === "Tankard lore/0")!;
  assert.deepEqual(cellar, { entryId: "Tankard lore/0", content: "The cellar floods in spring.", position: "at_depth", depth: 2, role: "assistant", order: 10 });
  assert.equal(r.verdicts.find((v) => v.uid === 0)!.tokens, chars("The cellar floods in spring."));
});

test("a V3 embedded book: @@position with a fallback, @@activate without keys, @@dont_activate over constant", () => {
  const { book } = cardBook();
  const r = run(book, "Is that a map?");
  assert.equal(r.insertions.find((i) => i.entryId === "Tankard lore/1")!.position, "after_char");
  assert.equal(outcome(r, 2), "decorator_activate");
  assert.ok(fired(r).includes("Brindle hums while she works."));
  assert.equal(outcome(r, 3), "decorator_dont_activate");
  assert.ok(!fired(r).includes("Never shown."));
});

test("a V3 embedded book: @@scan_depth narrows the scan; an unknown decorator is cut and ignored", () => {
  const { book } = cardBook();
  assert.deepEqual(fired(run(book, ["An ale, please.", "Coming up."])).filter((c) => c.includes("ale")), []);
  assert.ok(fired(run(book, ["Coming up.", "An ale, please."])).includes("The ale is brewed upstairs."));
});

test("a V3 embedded book: @@additional_keys must be found too, @@exclude_keys must not be", () => {
  const { book } = cardBook();
  assert.equal(outcome(run(book, "A guard nods."), 5), "decorator_keys");
  assert.match(run(book, "A guard nods.").verdicts.find((v) => v.uid === 5)!.detail, /none of night, curfew/);
  assert.ok(fired(run(book, "A guard, out past curfew.")).includes("Guards walk the lane after curfew."));
  const r = run(book, "The guard captain at night.");
  assert.equal(outcome(r, 5), "decorator_keys");
  assert.match(r.verdicts.find((v) => v.uid === 5)!.detail, /found captain/);
});

test("decorator lines are not scanned in recursion: '@@depth' does not fire an entry keyed 'depth'", () => {
  const { book } = cardBook();
  const r = run(book, "the cellar");
  assert.equal(outcome(r, 6), "no_key_matched");
});

test("the stored content keeps its decorators: card and World Info exports are unchanged, byte for byte", () => {
  const { book, character } = cardBook();
  const out = toCharacterBook(book);
  assert.deepEqual(out.entries.map((e) => e.content), character.character_book!.entries.map((e) => e.content));
  const wi = JSON.stringify(toWorldInfo(book));
  assert.equal(JSON.stringify(toWorldInfo(parseWorldInfo(JSON.parse(wi), { file: "x.json", name: "Tankard lore" }))), wi);
  assert.ok(wi.includes(JSON.stringify("@@depth 2\n@@role assistant\n\nThe cellar floods in spring.")));
});

function chatOf(messages: [role: "user" | "assistant", text: string][], swipeIndex = 0): Chat {
  return {
    id: "c1", title: "t", characterId: "b", characterName: "Brindle", createdAt: "", updatedAt: "", settings: {}, variables: {},
    messages: messages.map(([role, text], i) => ({
      id: `m${i}`, role, name: role === "user" ? "You" : "Brindle", swipeIndex: i === 0 ? swipeIndex : 0,
      swipes: i === 0 ? [{ text: "Welcome in.", sentAt: "" }, { text: "Back again?", sentAt: "" }] : [{ text, sentAt: "" }],
    })),
  };
}

test("@@activate_only_after and @@activate_only_every count the character's messages in the chat", () => {
  const book = parseCharacterBook({
    entries: [
      { id: 0, keys: ["rumour"], content: "@@activate_only_after 2\nA rumour of gold.", enabled: true, insertion_order: 1, extensions: {} },
      { id: 1, keys: ["rumour"], content: "@@activate_only_every 2\nThe bard's refrain.", enabled: true, insertion_order: 2, extensions: {} },
    ],
  }, { file: "r.json", name: "r" });
  const opts = { books: [book], contextSize: 4096, tokenize: chars };
  const one = activateLoreForChat({ ...opts, chat: chatOf([["assistant", ""], ["user", "any rumour?"]]) });
  assert.deepEqual(one.verdicts.map((v) => v.outcome), ["decorator_schedule", "decorator_schedule"]);
  assert.match(one.verdicts[0]!.detail, /@@activate_only_after 2: the chat has 1 character messages/);
  const two = activateLoreForChat({ ...opts, chat: chatOf([["assistant", ""], ["user", "hi"], ["assistant", "hello"], ["user", "any rumour?"]]) });
  assert.deepEqual(two.insertions.map((i) => i.content), ["A rumour of gold.", "The bard's refrain."]);
  // Plain texts carry no roles: the chat cannot be counted, so the decorators are ignored.
  assert.equal(run(book, "any rumour?").insertions.length, 2);
});

test("@@is_greeting fires only in a chat opened with that greeting (0 = first_mes, 1 = the first alternate)", () => {
  const { character } = cardBook();
  const book = parseCharacterBook({ entries: [{ id: 0, keys: [], constant: true, content: "@@is_greeting 1\nBrindle remembers you.", enabled: true, insertion_order: 1, extensions: {} }] }, { file: "g.json", name: "g" });
  const opts = { books: [book], contextSize: 4096, tokenize: chars, character };
  const first = activateLoreForChat({ ...opts, chat: chatOf([["assistant", ""], ["user", "hi"]], 0) });
  assert.equal(first.verdicts[0]!.outcome, "decorator_greeting");
  assert.match(first.verdicts[0]!.detail, /opened with greeting 0/);
  const second = activateLoreForChat({ ...opts, chat: chatOf([["assistant", ""], ["user", "hi"]], 1) });
  assert.deepEqual(second.insertions.map((i) => i.content), ["Brindle remembers you."]);
});

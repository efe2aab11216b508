import { test } from "node:test";
import assert from "node:assert/strict";
import { parseCardQuery, searchCards, sortCards, type CardListing } from "../../../src/core/cards/browse.ts";

const card = (name: string, tags: string[], creator = "", mtimeMs = 0): CardListing => ({ name, tags, creator, mtimeMs });
const cards = [
  card("Zoë Hartley", ["modern", "slow burn"], "ink", 30),
  card("Brindle", ["fantasy", "tavern"], "taproom", 10),
  card("Card 10", ["bench"], "bot", 20),
  card("Card 2", ["bench", "fantasy"], "bot", 20),
  card("Maelis", ["fantasy", "guide"], "taproom", 40),
];
const names = (list: CardListing[]) => list.map((c) => c.name);

test("search by name ignores case and accents; every word must match", () => {
  assert.deepEqual(names(searchCards(cards, "zoe")), ["Zoë Hartley"]);
  assert.deepEqual(names(searchCards(cards, "CARD")), ["Card 10", "Card 2"]);
  assert.deepEqual(names(searchCards(cards, "card 2")), ["Card 2"]);
  assert.deepEqual(names(searchCards(cards, "taproom")), ["Brindle", "Maelis"], "the creator is searched too");
  assert.deepEqual(names(searchCards(cards, "  ")), names(cards));
  assert.deepEqual(searchCards(cards, "nobody"), []);
});

test("search by tag: #tag and tag:\"two words\" match whole tags; a plain word may also be a tag", () => {
  assert.deepEqual(names(searchCards(cards, "#fantasy")), ["Brindle", "Card 2", "Maelis"]);
  assert.deepEqual(names(searchCards(cards, '#fantasy tag:"guide"')), ["Maelis"]);
  assert.deepEqual(names(searchCards(cards, 'tag:"slow burn"')), ["Zoë Hartley"]);
  assert.deepEqual(names(searchCards(cards, "#fan")), [], "tags match whole, not by prefix");
  assert.deepEqual(names(searchCards(cards, "tavern")), ["Brindle"]);
  assert.deepEqual(names(searchCards(cards, "#fantasy card")), ["Card 2"]);
  assert.deepEqual(parseCardQuery('Zoë #Modern tag:"Slow Burn"'), { words: ["zoe"], tags: ["modern", "slow burn"] });
});

test("sort by name (natural order), most recent first, or creator; the input is not changed", () => {
  assert.deepEqual(names(sortCards(cards, "name")), ["Brindle", "Card 2", "Card 10", "Maelis", "Zoë Hartley"]);
  assert.deepEqual(names(sortCards(cards, "recent")), ["Maelis", "Zoë Hartley", "Card 2", "Card 10", "Brindle"]);
  assert.deepEqual(names(sortCards(cards, "creator")), ["Card 2", "Card 10", "Zoë Hartley", "Brindle", "Maelis"]);
  assert.equal(cards[0]?.name, "Zoë Hartley");
});

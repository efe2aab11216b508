import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parseWorldInfo, toWorldInfo } from "../../../src/core/lorebook/worldInfo.ts";
import { parseCharacterBook, toCharacterBook } from "../../../src/core/lorebook/characterBook.ts";
import { LorebookFormatError } from "../../../src/core/lorebook/model.ts";

const fixture = JSON.parse(readFileSync(new URL("./fixtures/st-export.json", import.meta.url), "utf8"));
const opts = { file: "harbor.json", name: "Harbor" };

test("reads a SillyTavern export: fields, string numbers, false as delay level, defaults", () => {
  const b = parseWorldInfo(fixture, opts);
  assert.equal(b.name, "Harbor");
  const [a, s] = b.entries;
  assert.deepEqual(a!.key, ["harbor", "docks"]);
  assert.equal(a!.position, 4);
  assert.equal(a!.role, 1);
  assert.equal(a!.delayUntilRecursion, 0);
  assert.equal(s!.order, 5);
  assert.equal(s!.role, 0);
  assert.equal(s!.caseSensitive, true);
  assert.deepEqual(a!.extra.characterFilter, { isExclude: false, names: [], tags: [] });
  const minimal = parseWorldInfo({ entries: { "9": { key: "solo", content: "x" } } }, opts).entries[0]!;
  assert.deepEqual([minimal.uid, minimal.key, minimal.order, minimal.depth, minimal.probability, minimal.sticky], [9, ["solo"], 100, 4, 100, null]);
});

test("World Info JSON round-trips with unknown fields", () => {
  const once = toWorldInfo(parseWorldInfo(fixture, opts));
  const twice = toWorldInfo(parseWorldInfo(once, opts));
  assert.deepEqual(twice, once);
  assert.deepEqual(once.originalData, { name: "kept as is" });
  const e1 = (once.entries as Record<string, Record<string, unknown>>)["1"]!;
  assert.equal(e1.displayIndex, 1);
  assert.equal(e1.automationId, "auto");
});

test("ST -> card book -> ST loses no field; richer fields live in extensions", () => {
  const book = parseWorldInfo(fixture, opts);
  const card = toCharacterBook(book);
  const e1 = card.entries[1]!;
  assert.deepEqual(e1.keys, ["/ship(s)?/i"]);
  assert.equal(e1.enabled, false);
  assert.equal(e1.insertion_order, 5);
  assert.equal(e1.position, "after_char");
  assert.equal(e1.extensions.group_weight, 7);
  assert.equal(e1.extensions.sticky, 3);
  assert.equal(card.entries[0]!.extensions.position, 4);
  const back = parseCharacterBook(JSON.parse(JSON.stringify(card)), opts);
  assert.deepEqual(toWorldInfo(back).entries, toWorldInfo(book).entries);
});

test("card book -> internal -> card keeps unknown entry keys and extensions", () => {
  const card = {
    name: "Mini", description: "d", scan_depth: 3, extensions: { x: 1 },
    entries: [{ keys: ["a"], content: "A", extensions: { mine: "kept" }, enabled: true, insertion_order: 3, name: "A entry", priority: 2, use_regex: true }],
  };
  const back = toCharacterBook(parseCharacterBook(card, opts));
  assert.equal(back.description, "d");
  assert.equal(back.scan_depth, 3);
  assert.deepEqual(back.extensions, { x: 1 });
  const e = back.entries[0]!;
  assert.equal(e.extensions.mine, "kept");
  assert.equal(e.name, "A entry");
  assert.equal(e.priority, 2);
  assert.equal(e.use_regex, true);
  // No position at all: SillyTavern's convertCharacterBook reads anything but "before_char" as after the character.
  assert.equal(e.position, "after_char");
  assert.deepEqual(toCharacterBook(parseCharacterBook(back, opts)), back);
});

test("only a file that is no lorebook is refused, with one line naming file and field", () => {
  const bad = (f: () => unknown, re: RegExp) => assert.throws(f, (err: Error) => err instanceof LorebookFormatError && re.test(err.message) && !err.message.includes("\n"));
  bad(() => parseWorldInfo([], opts), /^harbor\.json: \(root\)/);
  bad(() => parseWorldInfo({}, opts), /harbor\.json: entries: expected/);
  bad(() => parseCharacterBook({ entries: {} }, opts), /character_book\.entries: expected a list/);
});

test("values SillyTavern accepts are read, each repair said once with file, entries and field", () => {
  const b = parseWorldInfo({ entries: {
    "1": { key: [1, null], depth: "deep", constant: "yes", probability: null, order: "7", disable: "false", comment: null, useProbability: true },
    "2": { key: ["a"], probability: null, useProbability: true, selective: true, order: 1, position: 0 },
    "3": null,
  } }, opts);
  assert.deepEqual(b.entries.map((e) => e.uid), [1, 2], "the entry that is no object is left out, and said so");
  const [one, two] = b.entries;
  assert.deepEqual(one!.key, ["1"]);
  assert.deepEqual([one!.depth, one!.constant, one!.probability, one!.order, one!.disable, one!.comment], [4, true, 100, 7, false, ""]);
  assert.equal(two!.probability, 100);
  const w = b.warnings!.join("\n");
  assert.match(w, /^harbor\.json: entries 1-2: probability: null, read as 100 \(SillyTavern's default\)$/m, "one line for both entries");
  assert.match(w, /^harbor\.json: entry 1: key: null in the list is not text; left out$/m);
  assert.match(w, /^harbor\.json: entry 1: depth: "deep" is not a number; read as 4/m);
  assert.match(w, /^harbor\.json: entry 1: order: text "7", read as the number 7$/m);
  assert.match(w, /^harbor\.json: entry 3: \(entry\): null is not an entry object; left out$/m);
  const card = parseCharacterBook({ entries: [{ keys: ["a"], content: "x", enabled: true, insertion_order: 1, extensions: { probability: "x", depth: null } }] }, opts);
  assert.equal(card.entries[0]!.probability, 100);
  assert.equal(card.entries[0]!.depth, 4);
  assert.match(card.warnings!.join("\n"), /harbor\.json: character_book entry 0: extensions\.probability: "x" is not a number; read as 100/);
});

test("an exported SillyTavern book activates as SillyTavern would: at depth with role, preventRecursion, disabled", async () => {
  const { activateLore } = await import("../../../src/core/lorebook/activate.ts");
  const { compileLorebook } = await import("../../../src/core/lorebook/compile.ts");
  const book = parseWorldInfo(fixture, opts);
  assert.equal(compileLorebook(book), compileLorebook(book));
  const r = activateLore({ books: [book], messages: [{ text: "We reach the docks at night, ships in sight." }], contextSize: 4096, tokenize: (t) => t.length });
  assert.deepEqual(r.insertions, [{ entryId: "Harbor/0", content: "Fog rolls over the docks after dark.", position: "at_depth", depth: 2, role: "user", order: 100 }]);
  assert.equal(r.verdicts[1]!.outcome, "disabled");
  assert.equal(r.verdicts[0]!.tokens, 36);
});

test("SillyTavern's card extensions (display_index, ignore_budget, match_*, triggers, outlet_name) map to World Info names and back", () => {
  const stCardEntry = {
    id: 4, keys: ["moon"], secondary_keys: [], comment: "Moon", content: "M", constant: false, selective: true,
    insertion_order: 100, enabled: true, position: "before_char", use_regex: true,
    extensions: {
      position: 0, exclude_recursion: false, display_index: 7, probability: 100, useProbability: true, depth: 4,
      selectiveLogic: 0, outlet_name: "", group: "", group_override: false, group_weight: 100, prevent_recursion: false,
      delay_until_recursion: false, scan_depth: null, match_whole_words: null, use_group_scoring: false,
      case_sensitive: true, automation_id: "", role: 0, vectorized: false, sticky: null, cooldown: null, delay: null,
      match_persona_description: false, match_character_description: true, match_character_personality: false,
      match_character_depth_prompt: false, match_scenario: false, match_creator_notes: false, triggers: ["normal"],
      ignore_budget: true, from_elsewhere: { a: 1 },
    },
  };
  const book = parseCharacterBook({ name: "Sky", entries: [stCardEntry] }, opts);
  const e = book.entries[0]!;
  assert.equal(e.caseSensitive, true);
  const wi = toWorldInfo(book).entries as Record<string, Record<string, unknown>>;
  assert.equal(wi["4"]!.displayIndex, 7);
  assert.equal(wi["4"]!.ignoreBudget, true);
  assert.equal(wi["4"]!.matchCharacterDescription, true);
  assert.deepEqual(wi["4"]!.triggers, ["normal"]);
  assert.deepEqual(wi["4"]!.extensions, { from_elsewhere: { a: 1 } });
  const again = toCharacterBook(parseWorldInfo(toWorldInfo(book), opts)).entries[0]!;
  assert.deepEqual(again.extensions, { ...stCardEntry.extensions, delay_until_recursion: 0 }); // false is read as level 0
  assert.equal(again.use_regex, true);
  assert.equal(again.id, 4);
  // And from a World Info file: its displayIndex lands where SillyTavern looks in a card.
  const fromWi = toCharacterBook(parseWorldInfo(fixture, opts)).entries[0]!;
  assert.equal(fromWi.extensions.display_index, 0);
  assert.deepEqual(fromWi.extensions.character_filter, { isExclude: false, names: [], tags: [] });
  assert.equal((fromWi as Record<string, unknown>).displayIndex, undefined);
});

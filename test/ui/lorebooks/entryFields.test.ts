import { test } from "node:test";
import assert from "node:assert/strict";
import { defaultEntry } from "../../../src/core/lorebook/model.ts";
import { ENTRY_FIELDS, EntryValueError, entryDetail, parseKeys, searchEntries } from "../../../src/ui/lorebooks/entryFields.ts";

const field = (id: string) => {
  const f = ENTRY_FIELDS.find((x) => x.id === id);
  assert.ok(f, id);
  return f;
};

test("number fields refuse what SillyTavern could not store, with the field and range named", () => {
  const e = defaultEntry(1);
  assert.throws(() => field("probability").apply!(e, "101"), (err: Error) => err instanceof EntryValueError && err.message === 'Probability must be a whole number from 0 to 100, got "101"');
  assert.throws(() => field("probability").apply!(e, "12.5"), /Probability must be a whole number/);
  assert.throws(() => field("depth").apply!(e, "-1"), /Depth must be a whole number from 0 to 10000, got "-1"/);
  assert.throws(() => field("order").apply!(e, "ten"), /Order must be a whole number .* got "ten"/);
  assert.throws(() => field("order").apply!(e, ""), /Order must be a whole number/);
  const p = field("probability").apply!({ ...e, useProbability: false }, " 0 ");
  assert.equal(p.probability, 0);
  assert.equal(p.useProbability, true, "a probability typed in is used");
});

test("keys are split on commas and new lines; secondary keys make the entry selective", () => {
  assert.deepEqual(parseKeys(" a, b ,,\nc d\n"), ["a", "b", "c d"]);
  assert.deepEqual(parseKeys("/\\d{1,3} gold/i, coin, /a,b/"), ["/\\d{1,3} gold/i", "coin", "/a,b/"], "a regex key keeps its commas");
  assert.deepEqual(parseKeys("/road, river"), ["/road", "river"], "a slash that never closes is plain text");
  assert.deepEqual(parseKeys(["/\\d{2,} silver/", "tab"].join(", ")), ["/\\d{2,} silver/", "tab"], "what the editor shows reads back the same");
  const e = field("keysecondary").apply!({ ...defaultEntry(0), selective: false }, "storm, rain");
  assert.deepEqual([e.keysecondary, e.selective], [["storm", "rain"], true]);
});

test("choices cycle both ways through SillyTavern's values", () => {
  const e = defaultEntry(0);
  const logic = field("selectiveLogic");
  const seen: number[] = [];
  let x = e;
  for (let i = 0; i < 4; i++) {
    x = logic.cycle!(x, 1);
    seen.push(x.selectiveLogic);
  }
  assert.deepEqual(seen, [3, 2, 1, 0], "AND ALL, NOT ANY, NOT ALL, back to AND ANY");
  assert.equal(field("position").cycle!(e, -1).position, 7, "before char goes back to outlet, SillyTavern's last position");
  assert.equal(field("position").cycle!({ ...e, position: 7 }, -1).position, 4, "and outlet back to at depth");
  assert.equal(field("position").cycle!({ ...e, position: 7 }, 1).position, 0, "outlet wraps forward to before char");
  assert.equal(field("caseSensitive").cycle!(e, 1).caseSensitive, true);
  assert.equal(field("caseSensitive").show(e), "book default");
  assert.equal(field("enabled").cycle!(e, 1).disable, true);
  assert.equal(field("delayUntilRecursion").show({ ...e, delayUntilRecursion: 2 }), "on (level 2)");
  assert.equal(entryDetail({ ...e, key: ["a"], position: 4, depth: 3, role: 2 }), "a · at depth 3 (assistant) · order 100");
});

test("search matches titles and primary or secondary keys, any case", () => {
  const entries = [
    { ...defaultEntry(0), comment: "Old Hob", key: ["hob"] },
    { ...defaultEntry(1), comment: "Coins", key: ["copper"], keysecondary: ["Purse"] },
  ];
  assert.deepEqual(searchEntries(entries, "HOB").map((e) => e.uid), [0]);
  assert.deepEqual(searchEntries(entries, "purse").map((e) => e.uid), [1]);
  assert.deepEqual(searchEntries(entries, "  ").map((e) => e.uid), [0, 1]);
  assert.deepEqual(searchEntries(entries, "dragon"), []);
});

test("timed effects and scan depth: empty means unset (off, or the book's depth); counts are checked", () => {
  const e = defaultEntry(2);
  assert.equal(field("sticky").show(e), "off");
  assert.equal(field("scanDepth").show(e), "book default");
  const sticky = field("sticky").apply!(e, " 3 ");
  assert.equal(sticky.sticky, 3);
  assert.equal(field("sticky").show(sticky), "3");
  assert.equal(field("sticky").apply!(sticky, "").sticky, null, "emptied, the entry is not sticky any more");
  assert.equal(field("scanDepth").apply!(e, "6").scanDepth, 6);
  assert.throws(() => field("cooldown").apply!(e, "-2"), /Cooldown \(messages\) must be a whole number from 0 to 100000, got "-2"/);
  assert.throws(() => field("delay").apply!(e, "1.5"), /Delay \(messages\) must be a whole number/);
  assert.throws(() => field("groupWeight").apply!(e, "0"), /Group weight must be a whole number from 1 to 100000/);
  assert.equal(field("groupOverride").cycle!(e, 1).groupOverride, true);
});

test("outlet: the position shows its name in the book's row; the name is typed, trimmed, and kept where SillyTavern keeps it", async () => {
  const { parseWorldInfo, toWorldInfo } = await import("../../../src/core/lorebook/worldInfo.ts");
  // As SillyTavern exports an entry that was never an outlet: outletName is there, empty.
  const st = { uid: 3, key: ["rain"], content: "Rain drums on the roof.", position: 0, outletName: "", order: 100 };
  const e = parseWorldInfo({ entries: { "3": st } }, { file: "w.json", name: "W" }).entries[0]!;
  const outlet = field("position").cycle!(e, -1);
  assert.equal(outlet.position, 7);
  assert.equal(field("position").show(outlet), "outlet");
  assert.equal(field("outletName").show(outlet), "none: the entry goes nowhere");
  assert.equal(entryDetail(outlet), "rain · outlet (no name) · order 100");
  const named = field("outletName").apply!(outlet, "  weather \n");
  assert.equal(field("outletName").show(named), "weather");
  assert.equal(field("outletName").text!(named), "weather");
  assert.equal(entryDetail(named), "rain · outlet weather · order 100");
  const written = toWorldInfo({ name: "W", entries: [named], extra: {} }).entries as Record<string, Record<string, unknown>>;
  assert.equal(written["3"]!.position, 7);
  assert.equal(written["3"]!.outletName, "weather");
  // Emptied again, the field stays as the file had it; an entry that never had one gets none.
  assert.equal(field("outletName").apply!(named, " ").extra.outletName, "");
  const fresh = defaultEntry(4);
  assert.equal(field("outletName").show(fresh), "");
  assert.equal(field("outletName").apply!(fresh, ""), fresh);
  const untouched = toWorldInfo({ name: "W", entries: [fresh], extra: {} }).entries as Record<string, Record<string, unknown>>;
  assert.ok(!("outletName" in untouched["4"]!));
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { book, fired, run } from "../../support/loreBooks.ts";

const why = (r: ReturnType<typeof run>, uid: number) => r.verdicts.find((v) => v.uid === uid)!.outcome;

test("primary key fires, case-insensitive, whole words by default", () => {
  const b = book([{ key: ["Dragon"], content: "D" }, { key: ["cat"], content: "C" }]);
  const r = run(b, "A DRAGON sleeps on the concatenation.");
  assert.deepEqual(fired(r), ["D"]);
  assert.equal(why(r, 1), "no_key_matched");
  assert.deepEqual(fired(run(b, "x", { settings: { matchWholeWords: false }, messages: [{ text: "concat" }] })), ["C"]);
});

test("per-entry case sensitivity and whole-word overrides win over the global setting", () => {
  const b = book([{ key: ["Rose"], caseSensitive: true, content: "R" }, { key: ["sun"], matchWholeWords: false, content: "S" }]);
  assert.deepEqual(fired(run(b, "a rose and sunlight")), ["S"]);
  assert.deepEqual(fired(run(b, "a Rose")), ["R"]);
});

test("secondary logic: AND ANY, NOT ALL, NOT ANY, AND ALL", () => {
  const mk = (logic: number) => book([{ key: ["king"], keysecondary: ["crown", "throne"], selectiveLogic: logic, content: "K" }]);
  const cases: [number, string, boolean][] = [
    [0, "king crown", true], [0, "king", false],
    [1, "king crown", true], [1, "king crown throne", false],
    [2, "king", true], [2, "king throne", false],
    [3, "king crown throne", true], [3, "king crown", false],
  ];
  for (const [logic, text, expect] of cases) {
    const r = run(mk(logic), text);
    assert.equal(r.insertions.length > 0, expect, `logic ${logic} on "${text}"`);
    if (!expect) assert.equal(why(r, 0), "secondary_failed");
  }
});

test("regex keys match; catastrophic ones are diagnostics and finish fast; an invalid one is plain text, as in SillyTavern", () => {
  const b = book([
    { key: ["/dra+gons?/i"], content: "ok" },
    { key: ["/(unclosed/"], content: "bad" },
    { key: ["/(a+)+$/"], content: "evil" },
    { key: ["/(x|xx)*y/"], content: "evil2" },
    { key: ["/(a)\\1/"], content: "backref" },
  ]);
  const t0 = performance.now();
  const r = run(b, "DRAAGON " + "a".repeat(50_000) + "!");
  assert.ok(performance.now() - t0 < 500);
  assert.deepEqual(fired(r), ["ok"]);
  assert.deepEqual(r.diagnostics.map((d) => d.uid).sort(), [1, 2, 3, 4]);
  assert.match(r.diagnostics.find((d) => d.uid === 2)!.problem, /nested quantifier/);
  // world-info.js parseRegexFromString returns null for a pattern JavaScript cannot compile, and the key is then matched as text.
  assert.match(r.diagnostics.find((d) => d.uid === 1)!.problem, /invalid regex.*matched as plain text/);
  assert.deepEqual(fired(run(b, "a key /(unclosed/ written out")), ["bad"]);
});

test("constant fires without keys; disabled never fires", () => {
  const r = run(book([{ constant: true, content: "always" }, { key: ["x"], disable: true, content: "off" }]), "x");
  assert.deepEqual(fired(r), ["always"]);
  assert.equal(why(r, 0), "constant");
  assert.equal(why(r, 1), "disabled");
});

test("probability is deterministic for a seed and varies across seeds", () => {
  const b = book(Array.from({ length: 40 }, (_, i) => ({ key: ["go"], probability: 50, content: `e${i}` })));
  const a1 = fired(run(b, "go", { seed: 7 }));
  assert.deepEqual(fired(run(b, "go", { seed: 7 })), a1);
  assert.notDeepEqual(fired(run(b, "go", { seed: 8 })), a1);
  assert.ok(a1.length > 5 && a1.length < 35);
  const r = run(b, "go", { seed: 7 });
  assert.ok(r.verdicts.some((v) => v.outcome === "probability_roll"));
  assert.equal(fired(run(book([{ key: ["go"], probability: 0, useProbability: false, content: "p" }]), "go")).length, 1);
});

test("scan depth: global and per entry; names included in the scanned text", () => {
  const b = book([{ key: ["old"], content: "O" }, { key: ["old"], scanDepth: 3, content: "deep" }, { key: ["Mira"], content: "N" }]);
  const msgs = ["old tale", "b", "c"].map((text) => ({ text, name: "Mira" }));
  // Equal orders: SillyTavern places the later activated entry first (see sillyTavernParity.test.ts).
  assert.deepEqual(fired(run(b, [], { messages: msgs })), ["N", "deep"]);
  assert.deepEqual(fired(run(b, [], { messages: msgs, settings: { includeNames: false } })), ["deep"]);
});

test("recursion: chains, prevent, exclude, delay-until-recursion, max steps", () => {
  const b = book([
    { key: ["tavern"], content: "The tavern is run by Brindle." },
    { key: ["Brindle"], content: "Brindle owns a cellar." },
    { key: ["cellar"], content: "The cellar hides a door.", preventRecursion: true },
    { key: ["door"], content: "door" },
    { key: ["Brindle"], excludeRecursion: true, content: "excluded" },
    { key: ["tavern"], delayUntilRecursion: 1, content: "late" },
  ]);
  const r = run(b, "we enter the tavern");
  assert.deepEqual(new Set(fired(r)), new Set(["The tavern is run by Brindle.", "Brindle owns a cellar.", "The cellar hides a door.", "late"]));
  assert.equal(why(r, 4), "recursion_excluded");
  assert.equal(why(r, 3), "no_key_matched");
  assert.equal(why(r, 1), "recursion");
  const one = run(b, "we enter the tavern", { settings: { maxRecursionSteps: 1 } });
  assert.ok(!fired(one).includes("The cellar hides a door."));
  const none = run(b, "we enter the tavern", { settings: { recursive: false } });
  assert.deepEqual(fired(none), ["The tavern is run by Brindle."]);
  assert.equal(why(none, 5), "waiting_for_recursion");
});

test("timed effects: sticky stays, cooldown blocks, delay waits (in messages)", () => {
  const b = book([{ key: ["storm"], sticky: 2, cooldown: 2, content: "S" }, { key: ["x"], delay: 3, content: "D" }]);
  const m = (n: number, last: string) => Array.from({ length: n }, (_, i) => ({ text: i === n - 1 ? last : "calm" }));
  let r = run(b, [], { messages: m(1, "storm x") });
  assert.deepEqual(fired(r), ["S"]);
  assert.equal(why(r, 1), "delay");
  r = run(b, [], { messages: m(2, "calm"), state: r.state });
  assert.equal(why(r, 0), "sticky");
  const afterSticky = run(b, [], { messages: m(3, "storm x"), state: JSON.parse(JSON.stringify(r.state)) });
  assert.equal(why(afterSticky, 0), "cooldown");
  assert.equal(why(afterSticky, 1), "key_matched");
  const later = run(b, [], { messages: m(5, "storm"), state: afterSticky.state });
  assert.equal(why(later, 0), "key_matched");
});

test("inclusion groups: one winner by weight (seeded), override by order, scoring", () => {
  const g = book([
    { key: ["inn"], group: "weather", groupWeight: 1, content: "rain" },
    { key: ["inn"], group: "weather", groupWeight: 1000, content: "sun" },
  ]);
  const r = run(g, "the inn", { seed: 1 });
  assert.equal(r.insertions.length, 1);
  assert.equal(r.verdicts.filter((v) => v.outcome === "lost_group").length, 1);
  const sunWins = [1, 2, 3, 4, 5].filter((s) => fired(run(g, "the inn", { seed: s }))[0] === "sun").length;
  assert.ok(sunWins >= 4);
  const o = book([
    { key: ["inn"], group: "w", groupOverride: true, order: 5, content: "low" },
    { key: ["inn"], group: "w", groupOverride: true, order: 50, content: "high" },
    { key: ["inn"], group: "w", groupWeight: 100000, content: "heavy" },
  ]);
  assert.deepEqual(fired(run(o, "inn")), ["high"]);
  const titled = book([
    { key: ["inn"], group: "w", groupOverride: true, order: 50, comment: "Sunny day", content: "sun" },
    { key: ["inn"], group: "w", content: "rain" },
  ]);
  const lost = run(titled, "inn").verdicts.find((v) => v.outcome === "lost_group");
  // Lost in the first pass, and again in the recursion pass the winner's content starts (SillyTavern looks at losers again).
  assert.equal(lost?.detail, 'group "w" already has "Sunny day" active', "the winner is named by its title, as the lore panel shows it");
  const s = book([
    { key: ["inn", "ale"], group: "w", useGroupScoring: true, groupWeight: 1, content: "two" },
    { key: ["inn"], group: "w", useGroupScoring: true, groupWeight: 100000, content: "one" },
  ]);
  assert.deepEqual(fired(run(s, "inn ale")), ["two"]);
});

test("minimum activations extend the scan depth until enough entries fire", () => {
  const b = book([{ key: ["far"], content: "F" }, { key: ["near"], content: "N" }]);
  const msgs = ["far", "x", "y", "near"].map((text) => ({ text }));
  assert.deepEqual(fired(run(b, [], { messages: msgs })), ["N"]);
  assert.deepEqual(fired(run(b, [], { messages: msgs, settings: { minActivations: 2 } })).sort(), ["F", "N"]);
});

test("token budget: percent of context and cap; higher order kept first, nothing after it is spent", () => {
  const b = book([
    { key: ["k"], order: 10, content: "a".repeat(40) },
    { key: ["k"], order: 90, content: "b".repeat(40) },
    { constant: true, order: 50, content: "c".repeat(40) },
    { key: ["k"], order: 5, content: "d" },
  ]);
  const r = run(b, "k", { contextSize: 100, settings: { budgetPercent: 25 } });
  assert.equal(r.budget, 25);
  // world-info.js counts the contents joined, each followed by "\n": "b…\n" is 11 tokens, with "c…\n" 21 (82 chars),
  // with "a…\n" 31 >= 25: the budget overflows there and, as in SillyTavern, the small d after it is not reached.
  assert.deepEqual(fired(r), ["c".repeat(40), "b".repeat(40)]);
  assert.equal(why(r, 0), "budget_exhausted");
  assert.match(r.verdicts[0]!.detail, /would bring the lore to 31 of 25 budget tokens/);
  assert.equal(why(r, 3), "budget_exhausted");
  assert.match(r.verdicts[3]!.detail, /left out after an earlier entry did not fit in the 25-token budget/);
  assert.equal(r.tokensUsed, 21);
  assert.equal(run(b, "k", { settings: { budgetCap: 10 } }).budget, 10);
  assert.equal(run(b, "k", { contextSize: 1, settings: { budgetPercent: 1 } }).budget, 1);
});

test("positions and roles map to LoreInsertion, sorted by order; several books at once", () => {
  const a = book([{ key: ["k"], position: 4, depth: 2, role: 1, order: 20, content: "deep" }], "global");
  const c = book([{ key: ["k"], position: 5, order: 10, content: "ex" }, { key: ["k"], position: 3, order: 30, content: "an" }], "char");
  const r = run([a, c], "k");
  assert.deepEqual(r.insertions.map((i) => [i.content, i.position, i.role, i.order, i.entryId]), [
    ["ex", "before_examples", "system", 10, "char/0"],
    ["deep", "at_depth", "user", 20, "global/0"],
    ["an", "an_bottom", "system", 30, "char/1"],
  ]);
  assert.equal(r.insertions[1]!.depth, 2);
});

test("macros in keys are expanded", () => {
  const b = book([{ key: ["{{char}}"], content: "me" }]);
  assert.deepEqual(fired(run(b, "Brindle waves", { expandMacros: (s) => s.replace("{{char}}", "Brindle") })), ["me"]);
});

test("nested-quantifier check catches deep and alternation shapes, allows ordinary patterns", async () => {
  const { hasNestedQuantifier } = await import("../../../src/core/lorebook/regexKey.ts");
  for (const bad of ["(a+)+$", "((a+))*", "(x|xx)*y", "(.*a){20}", "(?:\\w+\\s?)+$", "((ab)*c)+"]) assert.ok(hasNestedQuantifier(bad), bad);
  for (const ok of ["dra+gons?", "(red|blue) dragon", "\\b\\d+\\s*(copper|silver)s?\\b", "[(+)]+", "(?:sir )?knight", "\\(a+\\)+"]) assert.ok(!hasNestedQuantifier(ok), ok);
});

test("polynomial regex shapes (adjacent overlapping repeats) are refused; ordinary ones pass", async () => {
  const { hasOverlappingQuantifiers, compileRegexKey } = await import("../../../src/core/lorebook/regexKey.ts");
  for (const bad of ["a*a*b", ".*.*=.*", "\\w+\\s*\\w+", "\\s*\\s*$", "x+x+y", "(?:ab|c)[a-z]*.+", "A*a+", "\\d+[0-9]*z", ".{1,60}.{1,60}.{1,60}z", "\\w{2,40}\\w{0,40}$"]) {
    assert.ok(hasOverlappingQuantifiers(bad, bad === "A*a+"), bad);
  }
  for (const ok of ["dra+gons?", "\\b\\d+\\s*(copper|silver)s?\\b", ".*foo.*bar", "\\w+@\\w+", "a*b*c", "A*a+", "[(+)]+", "\\p{L}+ \\p{L}+", "\\d{1,3}\\s*gold", "\\w{2,20} \\w{2,20}", "\\w{1,5}\\w{1,5}x"]) {
    assert.ok(!hasOverlappingQuantifiers(ok), ok);
  }
  const r = compileRegexKey("/.*.*=/");
  assert.ok(!r.ok && /adjacent repeats/.test(r.problem));
  // Measured before this check: 1.9 s on 2,000 characters, past a 40 ms budget that cannot stop one window.
  const bounded = compileRegexKey("/.{1,60}.{1,60}.{1,60}z/");
  assert.ok(!bounded.ok && /adjacent repeats/.test(bounded.problem));
});

test("activation never runs a regex itself: it asks, and a second round with the answers fires the entry", async () => {
  const { activateLore } = await import("../../../src/core/lorebook/activate.ts");
  const { RegexAnswers, withRegexAnswers } = await import("../../../src/core/lorebook/regexAnswers.ts");
  const b = book([{ key: ["/dra+gon/i"], content: "ok" }, { key: ["start"], content: "Wyrm" }, { key: ["/wyrm/i"], content: "recursed" }]);
  const options = { books: [b], messages: [{ text: "start DRAAGON" }], contextSize: 8192, tokenize: (t: string) => t.length };
  const answers = new RegexAnswers();
  const first = activateLore({ ...options, regex: answers });
  assert.deepEqual(first.insertions.map((i) => i.content), ["Wyrm"]);
  const asked = answers.takeAsked();
  assert.deepEqual([...new Set(asked.map((q) => q.source))].sort(), ["dra+gon", "wyrm"]);
  const seen: string[][] = [];
  const r = await withRegexAnswers((regex) => activateLore({ ...options, regex }), {
    async match(queries) {
      seen.push(queries.map((q) => `${q.source}@${q.text.length}`));
      return queries.map((q) => ({ matched: new RegExp(q.source, q.flags).test(q.text) }));
    },
  });
  assert.deepEqual(r.insertions.map((i) => i.content).sort(), ["Wyrm", "ok", "recursed"]);
  assert.ok(seen.length >= 2, "the recursion text is asked about in a later round");
  const none = activateLore(options);
  assert.match(none.diagnostics[0]!.problem, /no regex matcher/);
  const refused = await withRegexAnswers((regex) => activateLore({ ...options, regex }), { async match(qs) { return qs.map(() => ({ refused: "too slow" })); } });
  assert.deepEqual(refused.diagnostics.map((d) => d.problem), ["too slow", "too slow"]);
});

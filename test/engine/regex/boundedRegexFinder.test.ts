import { test } from "node:test";
import assert from "node:assert/strict";
import { BoundedRegexFinder } from "../../../src/engine/regex/boundedRegexFinder.ts";
import { applyRegexScripts, directRegexFinder, readRegexScripts, RegexProblemLog } from "../../../src/core/regexScripts/index.ts";

test("the worker finds what JS's own replace visits: groups, named groups, empty matches, no g", () => {
  const finder = new BoundedRegexFinder();
  try {
    for (const [source, flags, text] of [["(\\w)(x)?", "g", "ab"], ["(?<w>b)", "g", "abcb"], ["", "g", "ab"], ["a", "", "aaa"], ["\\u{1F600}|.", "gu", "a😀"]] as const) {
      assert.deepEqual(finder.find(source, flags, text), directRegexFinder.find(source, flags, text), `/${source}/${flags}`);
    }
  } finally {
    finder.close();
  }
});

test("a catastrophic pattern from a card is stopped at the limit and refused from then on; other scripts keep working", () => {
  const finder = new BoundedRegexFinder({ matchLimitMs: 250 });
  const log = new RegexProblemLog();
  const { scripts } = readRegexScripts([
    { scriptName: "hostile", findRegex: "/(a+)+$/", replaceString: "x", placement: [2] },
    { scriptName: "fine", findRegex: "/a/g", replaceString: "b", placement: [2] },
  ], "card");
  const ctx = { finder, expand: (t: string) => t, report: log.report };
  try {
    const text = `${"a".repeat(40)}!`;
    const started = performance.now();
    assert.equal(applyRegexScripts(scripts, text, 2, {}, ctx), `${"b".repeat(40)}!`);
    const first = performance.now() - started;
    assert.ok(first < 10_000, `stopped, not run to the end (${first} ms)`);
    assert.deepEqual(log.take(), ['regex script "hostile" skipped: stopped after 250 ms on one text (too slow to match); refused until the script is changed']);
    const again = performance.now();
    applyRegexScripts(scripts, `${text}a!`, 2, {}, ctx);
    assert.ok(performance.now() - again < 1000, "refused at once the second time");
    assert.deepEqual(log.take(), [], "said once");
  } finally {
    finder.close();
  }
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { RegexWorkerMatcher } from "../../../src/engine/lore/regexWorker.ts";

// The hostile keys of issue 14: polynomial backtracking that passes the shape checks and ran past 60 s on 1,000 characters.
const HOSTILE = [
  { source: ".*e.*e.*e.*e.*e.*Q", flags: "" },
  { source: "(?=.*e.*e.*e.*e.*Q)", flags: "" },
  { source: "[\\s\\S]*e[\\s\\S]*e[\\s\\S]*e[\\s\\S]*e[\\s\\S]*e[\\s\\S]*Q", flags: "" },
];
const TEXT = "e".repeat(1000);

test("ordinary keys, lookaheads included, are answered by the worker", { timeout: 60_000 }, async () => {
  const m = new RegexWorkerMatcher();
  try {
    const answers = await m.match([
      { source: "dra+gons?", flags: "i", text: "A DRAAGON!" },
      { source: "^(?=.*gold)(?=.*dragon)", flags: "", text: "the dragon sleeps on gold" },
      { source: "(?<!red )dragon", flags: "", text: "a red dragon" },
      { source: "x", flags: "", text: "" },
    ]);
    assert.deepEqual(answers, [{ matched: true }, { matched: true }, { matched: false }, { matched: false }]);
  } finally {
    await m.close();
  }
});

test("each hostile key is stopped at its limit and refused from then on; the keys after it are still answered", { timeout: 120_000 }, async () => {
  const m = new RegexWorkerMatcher({ matchLimitMs: 200 });
  try {
    const queries = HOSTILE.flatMap((h) => [{ ...h, text: TEXT }, { source: "e{3}", flags: "", text: TEXT }]);
    const answers = await m.match(queries);
    for (let i = 0; i < HOSTILE.length; i++) {
      const a = answers[2 * i]!;
      assert.ok("refused" in a && /stopped after 200 ms/.test(a.refused), JSON.stringify(a));
      assert.deepEqual(answers[2 * i + 1], { matched: true });
    }
    // Refused without running again, on any text, until the key is changed.
    const again = await m.match(HOSTILE.map((h) => ({ ...h, text: "short" })));
    assert.ok(again.every((a) => "refused" in a && /refused until the key is changed/.test(a.refused)));
    assert.deepEqual(await m.match([{ source: ".*e.*Q", flags: "", text: "eQ" }]), [{ matched: true }]);
  } finally {
    await m.close();
  }
});

test("slow keys share one budget per scan: past it the rest are not tried this time, and not refused for good", { timeout: 60_000 }, async () => {
  const m = new RegexWorkerMatcher({ matchLimitMs: 150, batchLimitMs: 100 });
  try {
    const answers = await m.match([{ ...HOSTILE[0]!, text: TEXT }, { source: "e", flags: "", text: TEXT }]);
    assert.ok("refused" in answers[0]!);
    assert.ok("refused" in answers[1]! && /not tried/.test(answers[1].refused));
    assert.deepEqual(await m.match([{ source: "e", flags: "", text: TEXT }]), [{ matched: true }]);
  } finally {
    await m.close();
  }
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { NeedleMatcher } from "../../../src/core/lorebook/needleMatcher.ts";

const found = (needles: string[], text: string) => {
  const hits = new NeedleMatcher(needles).findIn(text);
  return needles.filter((_, i) => hits[i] === 1);
};

test("finds every needle that occurs, overlapping, nested and repeated ones included", () => {
  const needles = ["he", "she", "his", "hers", "red dragon", "dragonfly", "", "x"];
  assert.deepEqual(found(needles, "ushers and a red dragonfly"), ["he", "she", "hers", "red dragon", "dragonfly"]);
  assert.deepEqual(found(["aa", "aaa", "a"], "aaaa"), ["aa", "aaa", "a"]);
  assert.deepEqual(found(["café au lait", "🍺 ale", "zoë"], "a 🍺 ale for zoë, then café au lait"), ["café au lait", "🍺 ale", "zoë"]);
  assert.deepEqual(found(["abc"], "ab"), [], "a needle longer than the text");
});

test("agrees with indexOf on random needles and texts", () => {
  let s = 7;
  const rand = (n: number) => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) % n);
  const word = () => Array.from({ length: 1 + rand(4) }, () => "abcd "[rand(5)]).join("");
  for (let round = 0; round < 200; round++) {
    const needles = Array.from({ length: 1 + rand(12) }, word);
    const text = Array.from({ length: rand(60) }, () => "abcd e"[rand(6)]).join("");
    const hits = new NeedleMatcher(needles).findIn(text);
    needles.forEach((n, i) => assert.equal(hits[i] === 1, n !== "" && text.includes(n), `${JSON.stringify(n)} in ${JSON.stringify(text)}`));
  }
});

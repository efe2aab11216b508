import { test } from "node:test";
import assert from "node:assert/strict";
import { breakerTest, dryPenalties } from "../../../src/engine/generation/dryPenalty.ts";

const letters = (text: string) => [...text].map((c) => c.charCodeAt(0));
const code = (c: string) => c.charCodeAt(0);
const params = { multiplier: 0.8, base: 1.75, allowedLength: 2, lastN: 0 };
const breakers = breakerTest(["\n"], (t) => String.fromCharCode(t));

test("the token that would extend a repeat is penalised, growing with the repeat's length", () => {
  // "abcd ... abc": "d" would repeat "abcd" (3 matched, so penalty 0.8 * 1.75^1).
  const penalties = dryPenalties(letters("abcdxyzabc"), breakers, params);
  assert.deepEqual([...penalties.keys()], [code("d")]);
  assert.ok(Math.abs(penalties.get(code("d"))! - 0.8 * 1.75) < 1e-9);
  // A shorter repeat than allowed goes free.
  assert.equal(dryPenalties(letters("cdxyzc"), breakers, params).size, 0);
});

test("repeats stop at sequence breakers and outside the range", () => {
  // "\nab" repeats only "ab" (the newline breaks it): 0.8 * 1.75^0.
  assert.equal(dryPenalties(letters("\nabq\nab"), breakers, params).get(code("q")), 0.8);
  // The last token a breaker: nothing follows a repeat.
  assert.equal(dryPenalties(letters("ab\nab\n"), breakers, params).size, 0);
  assert.equal(dryPenalties(letters("abcdxyzabc"), breakers, { ...params, lastN: 5 }).size, 0);
  assert.equal(dryPenalties(letters("abcdxyzabc"), breakers, { ...params, multiplier: 0 }).size, 0);
});

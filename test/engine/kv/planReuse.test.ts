import { test } from "node:test";
import assert from "node:assert/strict";
import { planReuse } from "../../../src/engine/kv/planReuse.ts";

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
/** What the cache holds once the plan's ranges are erased. */
function apply(cached: number[], erase: Array<{ start: number; end: number }>): number[] {
  return cached.filter((_, i) => !erase.some((r) => i >= r.start && i < r.end));
}

test("a prompt that extends the cache reuses all of it but its last token", () => {
  const cached = range(0, 100);
  const plan = planReuse(cached, range(0, 150), { shift: true });
  assert.equal(plan.reused, 100);
  assert.deepEqual(plan.erase, []);
  const same = planReuse(cached, range(0, 100), { shift: true });
  assert.equal(same.reused, 99, "the last prompt token is evaluated again for its logits");
  assert.deepEqual(same.erase, [{ start: 99, end: 100 }]);
});

test("trimmed messages are erased and the rest kept, shifted (context shift)", () => {
  // system 0-49, message A 50-99 (trimmed), messages B.. 100-299, then the new message.
  const cached = range(0, 300);
  const next = [...range(0, 50), ...range(100, 300), ...range(1000, 1040)];
  const plan = planReuse(cached, next, { shift: true });
  assert.deepEqual(plan.shifted, [{ start: 50, end: 100 }]);
  assert.equal(plan.reused, 250);
  assert.deepEqual(apply(cached, plan.erase), next.slice(0, plan.reused));
  const prefixOnly = planReuse(cached, next, { shift: false });
  assert.equal(prefixOnly.reused, 50, "without shifting only the common prefix is kept");
  assert.deepEqual(prefixOnly.erase, [{ start: 50, end: 300 }]);
});

test("several blocks that went are erased in one plan; a block that came stops the reuse there", () => {
  // lore L (20-40) went, the old note (150-160) moved to after 200, a new message follows.
  const cached = range(0, 250);
  const next = [...range(0, 20), ...range(40, 150), ...range(160, 200), ...range(150, 160), ...range(200, 250), ...range(900, 930)];
  const plan = planReuse(cached, next, { shift: true });
  assert.deepEqual(plan.shifted, [{ start: 20, end: 40 }, { start: 150, end: 160 }]);
  assert.equal(plan.reused, 20 + 110 + 40, "the moved note and what follows it are evaluated");
  assert.deepEqual(apply(cached, plan.erase), next.slice(0, plan.reused));
  assert.equal(plan.cacheStop, 200);
});

test("a short coincidental match is not worth a shift", () => {
  const cached = [...range(0, 50), ...range(500, 600)];
  // After the prefix, the new prompt has 10 tokens that also occur later in the cache, then differs.
  const next = [...range(0, 50), ...range(500, 510), ...range(700, 800)];
  const plan = planReuse(cached, next, { shift: true, minKept: 16 });
  assert.equal(plan.reused, 60, "the common prefix runs into the shared tokens: no shift needed");
  const later = planReuse([...range(0, 50), 7, 7, 7, ...range(500, 600)], next, { shift: true, minKept: 16 });
  assert.equal(later.reused, 50, "a 10-token run after an erased block is too short to keep");
  assert.deepEqual(later.shifted, []);
});

test("backing off the last token never leaves an erased block without a kept run after it", () => {
  const cached = range(0, 100);
  const next = [...range(0, 40), ...range(60, 100)];
  const plan = planReuse(cached, next, { shift: true });
  assert.equal(plan.reused, next.length - 1);
  assert.deepEqual(apply(cached, plan.erase), next.slice(0, plan.reused));
  const tiny = planReuse(range(0, 60), [...range(0, 40), 59], { shift: true, minKept: 1, probe: 1 });
  assert.equal(tiny.reused, 40);
  assert.deepEqual(apply(range(0, 60), tiny.erase), range(0, 40));
});

test("an empty cache or a prompt that differs from the first token reuses nothing", () => {
  assert.deepEqual(planReuse([], range(0, 10), { shift: true }), { reused: 0, commonPrefix: 0, erase: [], shifted: [], cacheStop: 0 });
  const plan = planReuse(range(0, 10), range(100, 110), { shift: true });
  assert.equal(plan.reused, 0);
  assert.deepEqual(plan.erase, [{ start: 0, end: 10 }]);
});

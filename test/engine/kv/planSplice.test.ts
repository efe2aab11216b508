import { test } from "node:test";
import assert from "node:assert/strict";
import { planSplice, type SplicePlan } from "../../../src/engine/kv/planSplice.ts";

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

/** The tokens the cache holds once the plan is carried out: its pieces in order. */
function carriedOut(cached: number[], next: number[], plan: SplicePlan): number[] {
  return plan.pieces.flatMap((p) => (p.kind === "cached" ? cached.slice(p.at, p.at + p.length) : next.slice(p.start, p.end)));
}

function check(cached: number[], next: number[], plan: SplicePlan): void {
  assert.deepEqual(carriedOut(cached, next, plan), next.slice(0, plan.reused));
  const kept = new Set(plan.pieces.flatMap((p) => (p.kind === "cached" ? range(p.at, p.at + p.length) : [])));
  const erased = new Set(plan.erase.flatMap((r) => range(r.start, r.end)));
  assert.equal(kept.size + erased.size, cached.length, "every cached cell is kept once or erased");
  for (const q of kept) assert.ok(!erased.has(q));
}

test("a lore block at a depth that moved down past a message is kept and moved, nothing evaluated but the new tokens", () => {
  // system 0-99, lore 100-139 before message 140-199, reply 200-259; next: the lore now follows that message.
  const cached = range(0, 260);
  const next = [...range(0, 100), ...range(140, 200), ...range(100, 140), ...range(200, 260), ...range(900, 940)];
  const plan = planSplice(cached, next);
  check(cached, next, plan);
  assert.deepEqual(plan.pieces, [
    { kind: "cached", at: 0, length: 100 },
    { kind: "cached", at: 140, length: 60 },
    { kind: "cached", at: 100, length: 40 },
    { kind: "cached", at: 200, length: 60 },
  ]);
  assert.equal(plan.inserted, 0);
  assert.equal(plan.reused, 260);
  assert.equal(plan.moves, true);
  assert.deepEqual(plan.erase, []);
});

test("a block that came is evaluated in place and the messages after it are kept", () => {
  const cached = range(0, 300);
  const next = [...range(0, 200), ...range(1000, 1030), ...range(200, 300), ...range(2000, 2020)];
  const plan = planSplice(cached, next);
  check(cached, next, plan);
  assert.deepEqual(plan.pieces[1], { kind: "insert", start: 200, end: 230 });
  assert.equal(plan.inserted, 30);
  assert.equal(plan.reused, 330, "the new message at the end is left to the turn");
});

test("blocks that went are erased; without moves the plan says so (plain context shift serves it)", () => {
  const cached = range(0, 300);
  const next = [...range(0, 50), ...range(100, 300), ...range(700, 720)];
  const plan = planSplice(cached, next);
  check(cached, next, plan);
  assert.equal(plan.moves, false);
  assert.deepEqual(plan.erase, [{ start: 50, end: 100 }]);
});

test("runs shorter than the minimum are not kept, and the last prompt token is always evaluated", () => {
  const cached = range(0, 100);
  const next = [...range(0, 40), 5000, ...range(60, 70), 6000, 6001];
  const plan = planSplice(cached, next, { minKept: 16 });
  check(cached, next, plan);
  assert.equal(plan.reused, 40);
  assert.equal(plan.inserted, 0);
  const same = planSplice(cached, range(0, 100));
  assert.equal(same.reused, 99);
  assert.deepEqual(same.erase, [{ start: 99, end: 100 }]);
});

test("a cached cell is used once even when the new prompt repeats its text", () => {
  const cached = range(0, 60);
  const next = [...range(0, 60), ...range(20, 60), 9000];
  const plan = planSplice(cached, next);
  check(cached, next, plan);
  assert.equal(plan.reused, 60, "the repeat is evaluated, not taken from cells already placed");
});

test("an empty cache or nothing in common reuses nothing", () => {
  const empty = planSplice([], range(0, 10));
  assert.deepEqual(empty, { pieces: [], reused: 0, inserted: 0, erase: [], moves: false });
  const none = planSplice(range(0, 10), range(100, 130));
  assert.equal(none.reused, 0);
  assert.deepEqual(none.erase, [{ start: 0, end: 10 }]);
});

test("repetitive text plans in bounded time", () => {
  const cached = Array.from({ length: 8000 }, (_, i) => i % 3);
  const next = [...Array.from({ length: 8000 }, (_, i) => (i + 1) % 3), 7];
  const plan = planSplice(cached, next);
  check(cached, next, plan);
  assert.ok(plan.reused > 7000);
});

test("with blocks given, the same words in another message are not taken for this one", () => {
  // The new message (block 9) repeats 30 tokens an old message (block 2) had; the old one was trimmed.
  const cached = [...range(0, 50), ...range(500, 530), ...range(50, 100)];
  const next = [...range(0, 50), ...range(50, 100), ...range(500, 530), 7000];
  const blocks = {
    cached: [...Array(50).fill(1), ...Array(30).fill(2), ...Array(50).fill(3)],
    next: [...Array(50).fill(1), ...Array(50).fill(3), ...Array(30).fill(9), 9],
  };
  const plan = planSplice(cached, next, { blocks });
  check(cached, next, plan);
  assert.equal(plan.reused, 100, "the repeated words are evaluated as the new message");
  assert.deepEqual(plan.erase, [{ start: 50, end: 80 }]);
  const blind = planSplice(cached, next);
  assert.equal(blind.reused, 130, "without blocks the old message's cells would have been moved to the end");
});

test("a few template tokens counted to the neighbouring block in one prompt do not stop a moved block", () => {
  // The lore block (block 5) moved past a message; its first two tokens were counted to the message before it in the cache.
  const cached = [...range(0, 100), ...range(100, 140), ...range(140, 200)];
  const next = [...range(0, 100), ...range(140, 200), ...range(100, 140), 8000];
  const blocks = {
    cached: [...Array(102).fill(1), ...Array(38).fill(5), ...Array(60).fill(6)],
    next: [...Array(100).fill(1), ...Array(60).fill(6), ...Array(40).fill(5), 7],
  };
  const plan = planSplice(cached, next, { blocks });
  check(cached, next, plan);
  assert.equal(plan.reused, 200);
  assert.equal(plan.inserted, 0);
});

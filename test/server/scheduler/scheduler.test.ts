import { test } from "node:test";
import assert from "node:assert/strict";
import { LeftQueueError, QueueFullError, Scheduler, type SchedulerSlot } from "../../../src/server/scheduler/scheduler.ts";

function slot(held: number[]): SchedulerSlot & { held: number[] } {
  return {
    held,
    get contextTokens() {
      return this.held;
    },
    sharedPrefix(tokens) {
      let n = 0;
      while (n < this.held.length && n < tokens.length && this.held[n] === tokens[n]) n++;
      return n;
    },
  };
}

test("a free sequence is taken at once; the next request waits, in order, and is told its place", async () => {
  const scheduler = new Scheduler([slot([])], 4);
  const first = await scheduler.acquire([1, 2, 3]);
  assert.equal(first.waited, false);
  const places: Array<[string, number]> = [];
  const second = scheduler.acquire([1], { onPosition: (p) => places.push(["b", p]) });
  const third = scheduler.acquire([1], { onPosition: (p) => places.push(["c", p]) });
  assert.deepEqual(places, [["b", 1], ["c", 2]]);
  first.release();
  const b = await second;
  assert.equal(b.waited, true);
  assert.deepEqual(places.at(-1), ["c", 1]);
  b.release();
  (await third).release();
  assert.equal(scheduler.running, 0);
});

test("a full queue refuses, and a request whose client leaves is dropped from it", async () => {
  const scheduler = new Scheduler([slot([])], 1);
  const running = await scheduler.acquire([1]);
  const gone = new AbortController();
  const waiting = scheduler.acquire([1], { signal: gone.signal });
  await assert.rejects(scheduler.acquire([1]), QueueFullError);
  gone.abort();
  await assert.rejects(waiting, LeftQueueError);
  assert.equal(scheduler.queued, 0);
  const next = scheduler.acquire([1]);
  running.release();
  (await next).release();
});

test("a chat goes back to the sequence holding it; a new chat takes the least recently used one instead of evicting it", async () => {
  const a = slot([]);
  const b = slot([]);
  const scheduler = new Scheduler([a, b], 4);
  const chat1 = [1, 5, 6, 7, 8, 9];
  const chat2 = [1, 5, 20, 21, 22, 23];
  const l1 = await scheduler.acquire(chat1);
  a.held = chat1;
  l1.release();
  const l2 = await scheduler.acquire(chat2);
  assert.equal(l2.index, 1, "chat 2 shares only 2 of chat 1's 6 tokens: not similar enough to evict it");
  b.held = chat2;
  l2.release();
  const l3 = await scheduler.acquire([...chat1, 10, 11]);
  assert.equal(l3.index, 0);
  assert.equal(l3.shared, chat1.length);
  l3.release();
  const l4 = await scheduler.acquire([...chat2, 30]);
  assert.equal(l4.index, 1);
  l4.release();
  assert.equal((await scheduler.acquire(chat2, { preferred: 0 })).index, 0, "id_slot wins");
});

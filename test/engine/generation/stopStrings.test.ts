import { test } from "node:test";
import assert from "node:assert/strict";
import { scanForStops } from "../../../src/engine/generation/stopStrings.ts";

test("a complete stop string cuts the text where it starts", () => {
  assert.deepEqual(scanForStops("Hello.\nUser: hi", ["\nUser:"]), { safeLength: 6, stopAt: 6 });
});

test("a possible start of a stop string is held back, the rest is safe", () => {
  assert.deepEqual(scanForStops("Hello.\nUs", ["\nUser:"]), { safeLength: 6 });
  assert.deepEqual(scanForStops("Hello", ["\nUser:"]), { safeLength: 5 });
});

test("the earliest of several stop strings wins", () => {
  assert.equal(scanForStops("a<|im_end|>b\nUser:", ["\nUser:", "<|im_end|>"]).stopAt, 1);
});

test("an unfinished UTF-8 character is not emitted yet", () => {
  assert.deepEqual(scanForStops("caf\ufffd", []), { safeLength: 3 });
});

import { StopWatcher } from "../../../src/engine/generation/stopStrings.ts";

/** Feeds text in chunks; returns what was shown, whether a stop completed, and the final text. */
function watch(stops: string[], chunks: string[]) {
  const watcher = new StopWatcher(stops);
  let shown = "";
  let stopped = false;
  for (const chunk of chunks) {
    const r = watcher.push(chunk);
    shown += r.emit;
    if (r.stopped) {
      stopped = true;
      break;
    }
  }
  if (!stopped) shown += watcher.rest();
  return { shown, stopped, value: watcher.value };
}

test("streamed in pieces, the watcher shows what scanForStops allows and stops at the same place", () => {
  const stops = ["\nUser:", "<|im_end|>", "###"];
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const alphabet = ["a", " ", "\n", "U", "s", "e", "r", ":", "<|im_", "end|>", "#", "é"];
  for (let round = 0; round < 300; round++) {
    const pieces = Array.from({ length: 1 + Math.floor(random() * 30) }, () => alphabet[Math.floor(random() * alphabet.length)]!);
    const text = pieces.join("");
    const expected = scanForStops(text, stops);
    const got = watch(stops, pieces);
    const cut = expected.stopAt ?? text.length;
    assert.equal(got.stopped, expected.stopAt !== undefined, JSON.stringify(pieces));
    assert.equal(got.value, text.slice(0, cut));
    assert.equal(got.shown, text.slice(0, cut), "everything before the stop is shown, nothing of it");
  }
});

test("a partial stop string is held until it is known not to be one", () => {
  const watcher = new StopWatcher(["\nUser:"]);
  assert.deepEqual(watcher.push("Hello.\nUs"), { emit: "Hello.", stopped: false });
  assert.deepEqual(watcher.push("ually"), { emit: "\nUsually", stopped: false });
  assert.deepEqual(watcher.push("\nUser: hi"), { emit: "", stopped: true });
  assert.equal(watcher.value, "Hello.\nUsually");
});

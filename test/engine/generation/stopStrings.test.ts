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

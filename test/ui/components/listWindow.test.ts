import { test } from "node:test";
import assert from "node:assert/strict";
import { listWindow, moveSelection } from "../../../src/ui/components/listWindow.ts";

test("a short list is drawn whole", () => {
  assert.deepEqual(listWindow(3, 2, 10), [0, 3]);
});

test("a long list scrolls so the selection stays in view, and never past its end", () => {
  assert.deepEqual(listWindow(100, 0, 10), [0, 10]);
  assert.deepEqual(listWindow(100, 50, 10), [45, 55]);
  assert.deepEqual(listWindow(100, 99, 10), [90, 100]);
  for (let s = 0; s < 100; s++) {
    const [a, b] = listWindow(100, s, 7);
    assert.ok(a <= s && s < b && b - a === 7, `selection ${s} in [${a}, ${b})`);
  }
});

test("moving the selection stops at both ends", () => {
  assert.equal(moveSelection(5, 0, -1), 0);
  assert.equal(moveSelection(5, 4, 10), 4);
  assert.equal(moveSelection(5, 2, 1), 3);
  assert.equal(moveSelection(0, 0, 1), 0);
});

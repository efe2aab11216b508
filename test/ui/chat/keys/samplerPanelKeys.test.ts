import { test } from "node:test";
import assert from "node:assert/strict";
import { samplerPanelKeys, type SamplerPanelContext } from "../../../../src/ui/chat/keys/samplerPanelKeys.ts";
import { samplerRows } from "../../../../src/ui/panels/samplerPanel.ts";
import { testSamplers } from "../../../support/fakeServices.ts";
import { press, recorder } from "../../../support/keyPress.ts";

function context(open: boolean, row = 0, samplers = { ...testSamplers, temperature: 0.8 }) {
  const r = recorder();
  const ctx: SamplerPanelContext = { open, row, setRow: r.fn("setRow"), samplers, changeSamplers: r.fn("changeSamplers"), nextPreset: r.fn("nextPreset") };
  return { ctx, calls: r.calls };
}

test("with the panel closed no key is taken", () => {
  const { ctx, calls } = context(false);
  assert.equal(samplerPanelKeys(press("up"), ctx), false);
  assert.equal(samplerPanelKeys(press("p"), ctx), false);
  assert.deepEqual(calls, []);
});

test("Up and Down pick a row, held within the panel", () => {
  const last = samplerRows.length - 1;
  const cases: Array<[number, string, number]> = [[0, "up", 0], [0, "down", 1], [last, "down", last], [3, "up", 2]];
  for (const [from, key, to] of cases) {
    const { ctx, calls } = context(true, from);
    assert.equal(samplerPanelKeys(press(key), ctx), true);
    assert.deepEqual(calls, [["setRow", to]]);
  }
});

test("Left/- lower and Right/+/= raise the row's value by its step", () => {
  for (const [key, temperature] of [["left", 0.75], ["-", 0.75], ["right", 0.85], ["+", 0.85], ["=", 0.85]] as const) {
    const { ctx, calls } = context(true, 0);
    assert.equal(samplerPanelKeys(press(key), ctx), true);
    assert.deepEqual(calls, [["changeSamplers", { temperature }]], key);
  }
});

test("a value at the end of its range stays, and the key is still the panel's", () => {
  const { ctx, calls } = context(true, 0, { ...testSamplers, temperature: 0 });
  assert.equal(samplerPanelKeys(press("left"), ctx), true);
  assert.deepEqual(calls, []);
});

test("p picks the next preset; other keys and Alt+S (which closes the panel) go on", () => {
  const { ctx, calls } = context(true);
  assert.equal(samplerPanelKeys(press("p"), ctx), true);
  assert.deepEqual(calls, [["nextPreset"]]);
  assert.equal(samplerPanelKeys(press("a"), ctx), false);
  assert.equal(samplerPanelKeys(press("alt+s"), ctx), false);
  assert.equal(samplerPanelKeys(press("enter"), ctx), false);
});

test("bound keys keep their action with the panel open: Alt+P opens the prompt panel, not the next preset", () => {
  const { ctx, calls } = context(true);
  for (const key of ["alt+p", "alt+l", "alt+m", "ctrl+c", "ctrl+o", "?"]) assert.equal(samplerPanelKeys(press(key), ctx), false, key);
  assert.deepEqual(calls, []);
});

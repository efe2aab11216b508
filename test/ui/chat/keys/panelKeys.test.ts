import { test } from "node:test";
import assert from "node:assert/strict";
import { closePanelKey, panelToggleKeys, type ChatPanel, type PanelContext } from "../../../../src/ui/chat/keys/panelKeys.ts";
import { press, recorder } from "../../../support/keyPress.ts";

function context(panel: ChatPanel | null, inputEmpty = true) {
  const r = recorder();
  const ctx: PanelContext = { panel, inputEmpty, setPanel: r.fn("setPanel") };
  return { ctx, calls: r.calls };
}

test("Esc closes whatever panel is open, and is taken even with none", () => {
  for (const panel of ["samplers", null] as const) {
    const { ctx, calls } = context(panel);
    assert.equal(closePanelKey(press("esc"), ctx), true);
    assert.deepEqual(calls, [["setPanel", null]]);
  }
  assert.equal(closePanelKey(press("q"), context("help").ctx), false);
});

test("each panel's key opens it in place of another and closes it when it is open", () => {
  const cases: Array<[string, ChatPanel | null, ChatPanel | null]> = [
    ["?", null, "help"], ["alt+p", null, "turn"], ["alt+m", "lore", "model"], ["alt+l", "samplers", "lore"], ["alt+s", "samplers", null],
  ];
  for (const [key, open, after] of cases) {
    const { ctx, calls } = context(open);
    assert.equal(panelToggleKeys(press(key), ctx), true);
    assert.deepEqual(calls, [["setPanel", after]], key);
  }
});

test("? is text while something is typed; the other panel keys work anyway", () => {
  assert.equal(panelToggleKeys(press("?"), context(null, false).ctx), false);
  assert.equal(panelToggleKeys(press("alt+l"), context(null, false).ctx), true);
  assert.equal(panelToggleKeys(press("l"), context(null).ctx), false);
});

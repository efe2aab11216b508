import { test } from "node:test";
import assert from "node:assert/strict";
import { actionFor, defaultKeybindings, resolveKeybindings, type KeyInfo } from "../../../src/ui/app/keybindings.ts";

const none: KeyInfo = { upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, return: false, escape: false, ctrl: false, shift: false, tab: false, meta: false };

test("default keys map to their actions", () => {
  assert.equal(actionFor(defaultKeybindings, "c", { ...none, ctrl: true }), "stop");
  assert.equal(actionFor(defaultKeybindings, "\r", { ...none, return: true }), "send");
  assert.equal(actionFor(defaultKeybindings, "\r", { ...none, return: true, meta: true }), "newline");
  assert.equal(actionFor(defaultKeybindings, "j", { ...none, ctrl: true }), "newline");
  assert.equal(actionFor(defaultKeybindings, "?", none), "help");
  assert.equal(actionFor(defaultKeybindings, "c", none), null);
});

test("the settings file overrides a key; bad entries are refused with the field named", () => {
  const b = resolveKeybindings({ deleteLast: "ctrl+x", help: ["f", "?"] });
  assert.equal(actionFor(b, "x", { ...none, ctrl: true }), "deleteLast");
  assert.equal(actionFor(b, "d", { ...none, ctrl: true }), null);
  assert.equal(actionFor(b, "f", none), "help");
  assert.throws(() => resolveKeybindings({ fly: "x" }), /keybindings\.fly: unknown action/);
  assert.throws(() => resolveKeybindings({ stop: "hyper+q" }), /keybindings\.stop: "hyper\+q" is not a key/);
  assert.throws(() => resolveKeybindings({ stop: 3 }), /keybindings\.stop must be a key/);
});

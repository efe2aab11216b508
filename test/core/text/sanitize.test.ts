import { test } from "node:test";
import assert from "node:assert/strict";
import { displayText, sanitizeForTerminal } from "../../../src/core/text/sanitize.ts";

test("removes CSI colour and cursor sequences but keeps the words", () => {
  assert.equal(sanitizeForTerminal("\x1b[31mred\x1b[0m \x1b[2Jcleared"), "red cleared");
});

test("removes OSC window title and OSC 52 clipboard writes (BEL and ST terminated)", () => {
  assert.equal(sanitizeForTerminal("a\x1b]0;pwned\x07b"), "ab");
  assert.equal(sanitizeForTerminal("a\x1b]52;c;ZXZpbA==\x1b\\b"), "ab");
  assert.equal(sanitizeForTerminal("\x1b]8;;http://x\x07link\x1b]8;;\x07"), "link");
});

test("removes C1 controls, BEL, and bidi overrides; keeps newline and tab", () => {
  assert.equal(sanitizeForTerminal("x\x9b31my\x07\u202ez\tq\nw"), "xyz\tq\nw");
});

test("turns a lone CR into a newline so text cannot overwrite its own line", () => {
  assert.equal(sanitizeForTerminal("safe\rEVIL"), "safe\nEVIL");
  assert.equal(sanitizeForTerminal("a\r\nb"), "a\nb");
});

test("an unterminated OSC swallows to the end instead of leaking", () => {
  assert.equal(sanitizeForTerminal("ok\x1b]0;title never ends"), "ok");
});

test("keeps emoji, CJK and accents intact", () => {
  assert.equal(sanitizeForTerminal("héllo 👍 世界"), "héllo 👍 世界");
});

test("displayText expands tabs to the next stop", () => {
  assert.equal(displayText("a\tb"), "a   b");
  assert.equal(displayText("abcd\te"), "abcd    e");
});

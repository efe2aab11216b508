import { test } from "node:test";
import assert from "node:assert/strict";
import { TokenText } from "../../../src/engine/generation/tokenText.ts";

/** Tokens are single bytes of UTF-8, decoded as llama.cpp does: an incomplete character is U+FFFD. */
const bytes = (text: string) => [...Buffer.from(text, "utf8")];
const decode = (tokens: readonly number[]) => Buffer.from(tokens).toString("utf8");

test("characters split across tokens come out whole, once", () => {
  const seen: Array<readonly number[]> = [];
  const text = new TokenText((tokens) => {
    seen.push(tokens);
    return decode(tokens);
  });
  const pieces = bytes("café ☕ ok").map((t) => text.push(t));
  assert.equal(pieces.join("") + text.flush(), "café ☕ ok");
  assert.ok(!pieces.join("").includes("\ufffd"));
  assert.ok(seen.every((t) => t.length <= 4), "each call decodes at most one character's bytes, whatever the reply's length");
});

test("the tokens before are passed as context (a SentencePiece leading space depends on them)", () => {
  const contexts: number[] = [];
  const text = new TokenText((tokens, last) => {
    contexts.push(last?.length ?? 0);
    return decode(tokens);
  });
  for (const t of bytes("abcdefgh")) text.push(t);
  assert.deepEqual(contexts, [0, 1, 2, 3, 4, 4, 4, 4]);
});

test("bytes of a character cut off by the end of generation are flushed as they decode", () => {
  const text = new TokenText((tokens) => decode(tokens));
  const [a, b] = bytes("é");
  assert.equal(text.push(a!), "");
  assert.equal(text.flush(), "\ufffd");
  void b;
});

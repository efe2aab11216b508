import { test } from "node:test";
import assert from "node:assert/strict";
import { makeTokenizer, NAIVE, replayChat, TAPROOM } from "../../../bench/support/prefixReuse.ts";

test("over a scripted 100-turn chat, taproom's prompts re-evaluate far less than a naive rebuild", () => {
  const tokenize = makeTokenizer();
  const ours = replayChat(TAPROOM, tokenize);
  const naive = replayChat(NAIVE, tokenize);
  const total = (list: typeof ours) => list.reduce((s, t) => s + t.evaluated, 0);
  assert.ok(ours.some((t, i) => i > 0 && t.promptTokens < ours[i - 1]!.promptTokens), "the context is small enough to force trimming");
  assert.ok(total(ours) * 3 < total(naive), `taproom ${total(ours)} vs naive ${total(naive)}`);
  // Turn 2 (no trimming yet) evaluates its new tokens plus at most the lore-touched tail.
  const second = ours[1]!;
  assert.ok(second.evaluated < second.promptTokens / 2, `turn 2 evaluated ${second.evaluated} of ${second.promptTokens}`);
  // Once trimming has started, most turns still reuse nearly all of the prompt.
  const late = ours.slice(50);
  const mostlyReused = late.filter((t) => t.evaluated < t.promptTokens / 4).length;
  assert.ok(mostlyReused >= late.length * 0.7, `${mostlyReused}/${late.length} late turns reuse 3/4 of the prompt`);
});

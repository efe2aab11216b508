import { test } from "node:test";
import assert from "node:assert/strict";
import { closestName, didYouMean, editDistance } from "../../../src/core/text/suggest.ts";
import { plural } from "../../../src/core/units/format.ts";

test("edit distance counts a swapped pair of letters as one edit", () => {
  assert.equal(editDistance("chta", "chat"), 1);
  assert.equal(editDistance("temprature", "temperature"), 1);
  assert.equal(editDistance("versoin", "version"), 1);
  assert.equal(editDistance("", "abc"), 3);
  assert.equal(editDistance("Model", "model"), 0);
});

test("the closest known name is suggested only when it is near", () => {
  assert.equal(closestName("chta", ["tui", "chat", "chats", "card"]), "chat");
  assert.equal(closestName("xyzzy", ["tui", "chat", "card"]), undefined);
  assert.equal(didYouMean("temprature", ["temperature", "top-p"], { prefix: "--", quote: false }), " (did you mean --temperature?)");
  assert.equal(didYouMean("lsit", ["list", "import"]), ' (did you mean "list"?)');
});

test("one helper says a count with its noun", () => {
  assert.equal(plural(1, "entry", "entries"), "1 entry");
  assert.equal(plural(40, "entry", "entries"), "40 entries");
  assert.equal(plural(0, "card"), "0 cards");
});

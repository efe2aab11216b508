import { test } from "node:test";
import assert from "node:assert/strict";
import { commonPrefix, completeCommand } from "../../../src/ui/commands/index.ts";
import { recordingContext } from "../../support/commandContext.ts";

test("Tab completes command names, then preset and persona names", () => {
  const { ctx } = recordingContext();
  assert.deepEqual(completeCommand("/br", undefined, ctx), ["/branch "]);
  assert.deepEqual(completeCommand("/ex", undefined, ctx), ["/export "]);
  assert.deepEqual(completeCommand("/preset det", undefined, ctx), ["/preset Deterministic"]);
  assert.deepEqual(completeCommand("/persona s", undefined, ctx), ["/persona Sir Galahad"]);
  assert.deepEqual(completeCommand("/persona ", undefined, ctx), ["/persona Ada", "/persona Sir Galahad"]);
  assert.deepEqual(completeCommand("/temp 0", undefined, ctx), [], "numbers are not completed");
  assert.deepEqual(completeCommand("hello", undefined, ctx), []);
});

test("several completions extend the line as far as they agree", () => {
  assert.equal(commonPrefix(["/topp ", "/topk "]), "/top");
  assert.equal(commonPrefix(["/preset Ada"]), "/preset Ada");
  assert.equal(commonPrefix([]), "");
});

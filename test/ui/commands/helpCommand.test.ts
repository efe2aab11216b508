import { test } from "node:test";
import assert from "node:assert/strict";
import { completeCommand, runSlashCommand } from "../../../src/ui/commands/index.ts";
import { recordingContext } from "../../support/commandContext.ts";

test("/help lists every command with its usage", () => {
  const r = recordingContext();
  runSlashCommand("/help", r.ctx);
  assert.match(r.notes[0] ?? "", /\/temp VALUE \(0 to 5\): Set temperature: higher is more varied/);
  assert.match(r.notes[0] ?? "", /\/swipe/);
});

test("an unknown command says so; Tab completion finds commands by prefix", () => {
  const r = recordingContext();
  runSlashCommand("/warp 9", r.ctx);
  assert.equal(r.notes[0], "Unknown command /warp. Type /help.");
  assert.deepEqual(completeCommand("/t"), ["/temp ", "/topp ", "/topk "]);
  assert.deepEqual(completeCommand("/temp 1"), []);
});

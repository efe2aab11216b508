import { test } from "node:test";
import assert from "node:assert/strict";
import { runSlashCommand } from "../../../src/ui/commands/index.ts";
import { recordingContext } from "../../support/commandContext.ts";

test("/reppen 1.1 sets repeatPenalty", () => {
  const r = recordingContext();
  runSlashCommand("/reppen 1.1", r.ctx);
  assert.equal(r.samplers.repeatPenalty, 1.1);
});

test("/reppen refuses 0.5 and a non-number, changing nothing", () => {
  const r = recordingContext();
  runSlashCommand("/reppen 0.5", r.ctx);
  runSlashCommand("/reppen hot", r.ctx);
  assert.equal(r.samplers.repeatPenalty, undefined);
  assert.equal(r.notes.length, 2);
  assert.match(r.notes[0] ?? "", /^\/reppen must/);
  assert.match(r.notes[1] ?? "", /needs a number/);
});

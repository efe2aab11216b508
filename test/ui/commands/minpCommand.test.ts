import { test } from "node:test";
import assert from "node:assert/strict";
import { runSlashCommand } from "../../../src/ui/commands/index.ts";
import { recordingContext } from "../../support/commandContext.ts";

test("/minp 0.05 sets minP", () => {
  const r = recordingContext();
  runSlashCommand("/minp 0.05", r.ctx);
  assert.equal(r.samplers.minP, 0.05);
});

test("/minp refuses 2 and a non-number, changing nothing", () => {
  const r = recordingContext();
  runSlashCommand("/minp 2", r.ctx);
  runSlashCommand("/minp hot", r.ctx);
  assert.equal(r.samplers.minP, undefined);
  assert.equal(r.notes.length, 2);
  assert.match(r.notes[0] ?? "", /^\/minp must/);
  assert.match(r.notes[1] ?? "", /needs a number/);
});

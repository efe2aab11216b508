import { test } from "node:test";
import assert from "node:assert/strict";
import { runSlashCommand } from "../../../src/ui/commands/index.ts";
import { recordingContext } from "../../support/commandContext.ts";

test("/topp 0.9 sets topP", () => {
  const r = recordingContext();
  runSlashCommand("/topp 0.9", r.ctx);
  assert.equal(r.samplers.topP, 0.9);
});

test("/topp refuses 1.5 and a non-number, changing nothing", () => {
  const r = recordingContext();
  runSlashCommand("/topp 1.5", r.ctx);
  runSlashCommand("/topp hot", r.ctx);
  assert.equal(r.samplers.topP, undefined);
  assert.equal(r.notes.length, 2);
  assert.match(r.notes[0] ?? "", /^\/topp must/);
  assert.match(r.notes[1] ?? "", /needs a number/);
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { runSlashCommand } from "../../../src/ui/commands/index.ts";
import { recordingContext } from "../../support/commandContext.ts";

test("/temp 0.8 sets temperature", () => {
  const r = recordingContext();
  runSlashCommand("/temp 0.8", r.ctx);
  assert.equal(r.samplers.temperature, 0.8);
});

test("/temp refuses -1 and a non-number, changing nothing", () => {
  const r = recordingContext();
  runSlashCommand("/temp -1", r.ctx);
  runSlashCommand("/temp hot", r.ctx);
  assert.equal(r.samplers.temperature, undefined);
  assert.equal(r.notes.length, 2);
  assert.match(r.notes[0] ?? "", /^\/temp must/);
  assert.match(r.notes[1] ?? "", /needs a number/);
});

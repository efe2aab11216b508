import { test } from "node:test";
import assert from "node:assert/strict";
import { runSlashCommand } from "../../../src/ui/commands/index.ts";
import { recordingContext } from "../../support/commandContext.ts";

test("/topk 40 sets topK", () => {
  const r = recordingContext();
  runSlashCommand("/topk 40", r.ctx);
  assert.equal(r.samplers.topK, 40);
});

test("/topk refuses 2.5 and a non-number, changing nothing", () => {
  const r = recordingContext();
  runSlashCommand("/topk 2.5", r.ctx);
  runSlashCommand("/topk hot", r.ctx);
  assert.equal(r.samplers.topK, undefined);
  assert.equal(r.notes.length, 2);
  assert.match(r.notes[0] ?? "", /^\/topk must/);
  assert.match(r.notes[1] ?? "", /needs a number/);
});

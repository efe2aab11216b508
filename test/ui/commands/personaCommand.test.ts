import { test } from "node:test";
import assert from "node:assert/strict";
import { runSlashCommand } from "../../../src/ui/commands/index.ts";
import { recordingContext } from "../../support/commandContext.ts";

test("/persona sets the name you speak as; an empty name is refused", () => {
  const r = recordingContext();
  runSlashCommand("/persona  Sir   Galahad ", r.ctx);
  runSlashCommand("/persona", r.ctx);
  assert.deepEqual(r.calls, ["persona:Sir Galahad"]);
  assert.deepEqual(r.notes, ["You are now Sir Galahad", "/persona needs a name"]);
});

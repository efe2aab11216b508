import { test } from "node:test";
import assert from "node:assert/strict";
import { runSlashCommand } from "../../../src/ui/commands/index.ts";
import { recordingContext } from "../../support/commandContext.ts";

test("/swipe asks the chat for another reply", () => {
  const r = recordingContext();
  runSlashCommand("/swipe", r.ctx);
  assert.equal(r.swipes(), 1);
});

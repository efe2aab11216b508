import { test } from "node:test";
import assert from "node:assert/strict";
import { runSlashCommand } from "../../../src/ui/commands/index.ts";
import { recordingContext } from "../../support/commandContext.ts";

test("/continue asks the chat to continue", () => {
  const r = recordingContext();
  runSlashCommand("/continue", r.ctx);
  assert.deepEqual(r.calls, ["continueReply"]);
});

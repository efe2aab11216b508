import { test } from "node:test";
import assert from "node:assert/strict";
import { runSlashCommand } from "../../../src/ui/commands/index.ts";
import { recordingContext } from "../../support/commandContext.ts";

test("/impersonate asks the chat to impersonate", () => {
  const r = recordingContext();
  runSlashCommand("/impersonate", r.ctx);
  assert.deepEqual(r.calls, ["impersonate"]);
});

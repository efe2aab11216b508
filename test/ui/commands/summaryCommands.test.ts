import { test } from "node:test";
import assert from "node:assert/strict";
import { completeCommand, runSlashCommand } from "../../../src/ui/commands/index.ts";
import { recordingContext } from "../../support/commandContext.ts";

test("/summary shows, replaces and clears the chat's summary; /summarize asks for a new one", () => {
  const r = recordingContext();
  runSlashCommand("/summary", r.ctx);
  runSlashCommand("/summary  Bryn came in from the rain. ", r.ctx);
  runSlashCommand("/summary", r.ctx);
  runSlashCommand("/summary -", r.ctx);
  runSlashCommand("/summarize", r.ctx);
  assert.deepEqual(r.notes, ["No summary yet: /summarize writes one", "Summary set: Bryn came in from the rain.", "Summary: Bryn came in from the rain.", "Summary cleared"]);
  assert.equal(r.ctx.summary(), "");
  assert.deepEqual(r.calls, ["summarize"]);
});

test("/scripts says whether the card's regex scripts run, and allows or denies them", () => {
  const r = recordingContext({ cardScripts: { count: 2, state: "ask" } });
  runSlashCommand("/scripts", r.ctx);
  runSlashCommand("/scripts allow", r.ctx);
  runSlashCommand("/scripts Deny", r.ctx);
  runSlashCommand("/scripts maybe", r.ctx);
  assert.deepEqual(r.notes, ["This card has 2 regex scripts: not run (/scripts allow runs them)", '/scripts takes allow or deny, got "maybe"']);
  assert.deepEqual(r.calls, ["scripts:allow", "scripts:deny"]);
  assert.deepEqual(completeCommand("/scripts a", undefined, r.ctx), ["/scripts allow"]);
  const none = recordingContext();
  runSlashCommand("/scripts allow", none.ctx);
  assert.deepEqual([none.notes, none.calls], [["This card has no regex scripts"], []]);
});

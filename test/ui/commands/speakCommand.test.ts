import { test } from "node:test";
import assert from "node:assert/strict";
import { completeCommand, runSlashCommand } from "../../../src/ui/commands/index.ts";
import { recordingContext } from "../../support/commandContext.ts";

const members = [{ name: "Brindle", muted: false }, { name: "Maelis", muted: true }, { name: "Mae", muted: false }];

test("/speak NAME makes that member reply, muted or not; the start of a name that only one has is enough", () => {
  const { ctx, calls } = recordingContext({ members });
  runSlashCommand("/speak maelis", ctx);
  runSlashCommand("/speak bri", ctx);
  assert.deepEqual(calls, ["speak:Maelis", "speak:Brindle"]);
});

test("/speak says who it could be, who is there, and that it needs a group", () => {
  const group = recordingContext({ members });
  runSlashCommand("/speak", group.ctx);
  runSlashCommand("/speak Ma", group.ctx);
  runSlashCommand("/speak Zed", group.ctx);
  assert.deepEqual(group.notes, [
    "/speak NAME: one of Brindle, Maelis (muted), Mae",
    '/speak: "Ma" could be Maelis, Mae: say which (members: Brindle, Maelis (muted), Mae)',
    '/speak: no member named "Zed" in this group (members: Brindle, Maelis (muted), Mae)',
  ]);
  assert.deepEqual(group.calls, []);
  const solo = recordingContext();
  runSlashCommand("/speak Brindle", solo.ctx);
  assert.deepEqual(solo.notes, ["/speak works in a group chat: this chat has one character"]);
});

test("/speak completes the members' names", () => {
  const { ctx } = recordingContext({ members });
  assert.deepEqual(completeCommand("/sp", undefined, ctx), ["/speak "]);
  assert.deepEqual(completeCommand("/speak ma", undefined, ctx), ["/speak Maelis", "/speak Mae"]);
});

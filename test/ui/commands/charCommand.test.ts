import { test } from "node:test";
import assert from "node:assert/strict";
import { completeCommand, runSlashCommand, slashCommands } from "../../../src/ui/commands/index.ts";
import { matchCharacters } from "../../../src/ui/commands/charCommand.ts";
import { recordingContext } from "../../support/commandContext.ts";

const library = [
  { id: "ilsa", name: "Ilsa" },
  { id: "ilsa-three", name: "Ilsa Three" },
  { id: "brindle", name: "Brindle" },
  { id: "samples/brindle", name: "Brindle" },
  { id: "maelis-the-cartographer", name: "Maelis" },
];

test("/char NAME opens that character's latest chat: by whole name, start of a name, or id, case-insensitive", () => {
  const r = recordingContext({ characters: library });
  runSlashCommand("/char ilsa", r.ctx);
  runSlashCommand("/char  mae ", r.ctx);
  runSlashCommand("/char samples/brindle", r.ctx);
  runSlashCommand("/char brindle", r.ctx);
  runSlashCommand("/char cartographer", r.ctx);
  assert.deepEqual(r.calls, ["open:ilsa", "open:maelis-the-cartographer", "open:samples/brindle", "open:brindle", "open:maelis-the-cartographer"]);
  assert.deepEqual(r.notes, []);
});

test("/char says so when a name matches nothing or several, and opens nothing", () => {
  const r = recordingContext({ characters: library });
  runSlashCommand("/char Odo", r.ctx);
  runSlashCommand("/char BRINDLE", r.ctx);
  runSlashCommand("/char il", r.ctx);
  runSlashCommand("/char", r.ctx);
  assert.deepEqual(r.calls, []);
  assert.deepEqual(r.notes, [
    '/char: no character matches "Odo"',
    '/char: "BRINDLE" could be Brindle (brindle), Brindle (samples/brindle); type more of the name, or the id',
    '/char: "il" could be Ilsa (ilsa), Ilsa Three (ilsa-three); type more of the name, or the id',
    "/char needs a name, e.g. /char Brindle (Tab completes names)",
  ]);
});

test("names from downloaded cards are shown inert in /char's messages", () => {
  const r = recordingContext({ characters: [{ id: "a", name: "Evil\x1b]0;x\x07 One" }, { id: "b", name: "Evil Two" }] });
  runSlashCommand("/char evil", r.ctx);
  assert.doesNotMatch(r.notes[0] ?? "", /\x1b|\x07/);
  assert.match(r.notes[0] ?? "", /Evil One \(a\)/);
});

test("Tab completes /char names: the start of a name first, then any part of one", () => {
  const r = recordingContext({ characters: library });
  assert.deepEqual(completeCommand("/char Il", slashCommands, r.ctx), ["/char Ilsa", "/char Ilsa Three"]);
  assert.deepEqual(completeCommand("/char br", slashCommands, r.ctx), ["/char Brindle"]);
  assert.deepEqual(completeCommand("/char graph", slashCommands, r.ctx), []);
  assert.deepEqual(completeCommand("/char lis", slashCommands, r.ctx), ["/char Maelis"]);
  assert.deepEqual(completeCommand("/temp 0.", slashCommands, r.ctx), [], "commands without completion complete nothing");
  assert.deepEqual(matchCharacters(library, "   "), []);
});

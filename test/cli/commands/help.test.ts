import { test } from "node:test";
import assert from "node:assert/strict";
import { fitHelp, pullHelp } from "../../../src/cli/commands/help.ts";
import { DEFAULT_MIN_SPEED } from "../../../src/engine/planning/index.ts";
import { ARCHITECTURES } from "../../../src/engine/quants/index.ts";
import { runCli } from "../../../src/cli/main.ts";
import { captureIO } from "../../support/cliIO.ts";

// help.ts loads no planning code (help must stay light), so the figures it states are checked here.
test("fit and pull --help state the speed floor the choice really uses, and fit lists every --arch", async () => {
  for (const help of [fitHelp, pullHelp]) assert.match(help.usage, new RegExp(`--min-speed N .*\\(default ${DEFAULT_MIN_SPEED}\\)`));
  const io = captureIO();
  assert.equal(await runCli(["fit", "--help"], io), 0);
  for (const shape of ARCHITECTURES) assert.ok(io.out().includes(shape.id), shape.id);
  assert.match(io.out(), /--gpu-bandwidth N/);
});

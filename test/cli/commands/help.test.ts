import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { chatHelp, fitHelp, pullHelp } from "../../../src/cli/commands/help.ts";
import { commands } from "../../../src/cli/commands/index.ts";
import { machineFlags } from "../../../src/cli/machineFlags.ts";
import { samplerFlagOptions } from "../../../src/cli/samplerFlags.ts";
import { samplerTable } from "../../../src/core/samplers/table.ts";
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

// The options each command really parses, read from its source: the literal ones and the shared
// sets it spreads in (the machine flags, one flag per sampler of the table).
function parsedFlags(name: string): string[] {
  const text = readFileSync(resolve(import.meta.dirname, `../../../src/cli/commands/${name}Command.ts`), "utf8");
  const literal = [...text.matchAll(/"?([a-z][a-z-]*)"?: \{ type: "(?:string|boolean)"/g)].map((m) => m[1]!);
  const shared = [
    ...(text.includes("...machineFlags") ? Object.keys(machineFlags) : []),
    ...(text.includes("...samplerFlagOptions") ? Object.keys(samplerFlagOptions) : []),
  ];
  return [...new Set([...literal, ...shared])];
}

test("every command's help names each flag it parses, the chat's samplers and the machine flags included", () => {
  const missing: string[] = [];
  for (const entry of commands) {
    const flags = parsedFlags(entry.name);
    assert.ok(flags.length > 0, `${entry.name}: no flags found in its source`);
    for (const flag of flags) if (!new RegExp(`--${flag}\\b`).test(entry.usage)) missing.push(`${entry.name} --${flag}`);
  }
  assert.deepEqual(missing, []);
  for (const spec of samplerTable) assert.match(chatHelp.usage, new RegExp(`--${spec.flag} [NX] +${spec.min} to ${spec.max}, ${spec.default} `), spec.flag);
});

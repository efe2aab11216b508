import { test } from "node:test";
import assert from "node:assert/strict";
import { runCli } from "../../src/cli/main.ts";
import { captureIO } from "../support/cliIO.ts";

test("--version prints the package version", async () => {
  const io = captureIO();
  assert.equal(await runCli(["--version"], io), 0);
  assert.match(io.out(), /^\d+\.\d+\.\d+\n$/);
});

test("--help lists usage", async () => {
  const io = captureIO();
  assert.equal(await runCli(["--help"], io), 0);
  assert.match(io.out(), /Usage:/);
});

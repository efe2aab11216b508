import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { createTuiCommand, parseTuiOptions, type TuiOptions } from "../../../src/cli/commands/tuiCommand.ts";
import { UsageError } from "../../../src/cli/command.ts";
import { captureIO } from "../../support/cliIO.ts";

test("without a terminal the app does not start: it points to taproom chat, exit 2", async () => {
  const launched: TuiOptions[] = [];
  const cmd = createTuiCommand({ stdin: { isTTY: undefined }, stdout: { isTTY: true } }, async (o) => (launched.push(o), 0));
  const io = captureIO();
  assert.equal(await cmd.run([], io), 2);
  assert.match(io.err(), /needs an interactive terminal/);
  assert.match(io.err(), /taproom chat --model FILE --character NAME --message/);
  assert.equal(launched.length, 0);
});

test("in a terminal the flags reach the launcher", async () => {
  const launched: TuiOptions[] = [];
  const cmd = createTuiCommand({ stdin: { isTTY: true }, stdout: { isTTY: true } }, async (o) => (launched.push(o), 0));
  assert.equal(await cmd.run(["--model", "m.gguf", "--character", "Mira", "--gpu", "cpu", "--context", "2048", "--gpu-layers", "0", "--threads", "2"], captureIO()), 0);
  assert.deepEqual(launched[0], { model: "m.gguf", character: "Mira", modelsDir: undefined, gpu: "cpu", contextSize: 2048, gpuLayers: 0, threads: 2 });
});

test("bad flags are usage errors naming the flag", () => {
  assert.throws(() => parseTuiOptions(["--gpu", "rocm"]), (e: unknown) => e instanceof UsageError && /--gpu must be cuda, vulkan, metal or cpu/.test(e.message));
  assert.throws(() => parseTuiOptions(["--context", "0"]), /--context must be at least 1/);
  assert.throws(() => parseTuiOptions(["--threads", "1.5"]), /--threads must be a whole number/);
});

test("the real binary with piped stdin prints the headless hint and exits 2", async () => {
  const run = promisify(execFile);
  const home = await mkdtemp(join(tmpdir(), "taproom-tui-"));
  const result = await run(process.execPath, ["bin/taproom.js"], { timeout: 20000, env: { ...process.env, TAPROOM_HOME: home } }).then(
    () => assert.fail("expected a non-zero exit"),
    (error: { code: number; stderr: string }) => error,
  );
  assert.equal(result.code, 2);
  assert.match(result.stderr, /taproom chat --model FILE/);
});

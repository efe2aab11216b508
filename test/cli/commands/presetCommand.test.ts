import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../../src/cli/main.ts";
import { captureIO } from "../../support/cliIO.ts";

async function home() {
  const root = await mkdtemp(join(tmpdir(), "taproom-cli-"));
  return { root, env: { TAPROOM_HOME: join(root, "data") } };
}

test("preset list and show the shipped presets", async () => {
  const { env } = await home();
  let io = captureIO(env);
  assert.equal(await runCli(["preset", "list"], io), 0);
  assert.match(io.out(), /^Neutral +shipped/m);
  assert.match(io.out(), /^Universal-Light +shipped/m);
  io = captureIO(env);
  assert.equal(await runCli(["preset", "show", "universal-light"], io), 0);
  assert.match(io.out(), /temperature: 1\.25\n/);
  assert.match(io.out(), /minP: 0\.1\n/);
  io = captureIO(env);
  assert.equal(await runCli(["preset", "show", "Nope"], io), 1);
  assert.match(io.err(), /no preset named "Nope"/);
});

test("preset import saves a SillyTavern preset and says, once, what the built-in engine does not apply", async () => {
  const { root, env } = await home();
  const file = join(root, "Midnight.json");
  await writeFile(file, JSON.stringify({ temp: 0.9, min_p: 0.05, tfs: 0.9, top_a: 0.2, typical_p: 1, rep_pen: 1.1 }));
  let io = captureIO(env);
  assert.equal(await runCli(["preset", "import", file], io), 0, io.err());
  assert.equal(io.out(), 'Saved preset "Midnight" (6 samplers)\nNot applied by the built-in engine (kept for remote backends): TFS 0.9; top-a 0.2\n');
  io = captureIO(env);
  assert.equal(await runCli(["preset", "show", "Midnight", "--json"], io), 0);
  assert.deepEqual(JSON.parse(io.out()).samplers, { temperature: 0.9, minP: 0.05, tfs: 0.9, topA: 0.2, typicalP: 1, repeatPenalty: 1.1 });
  // A shipped preset's name: saved under a free one, and said so. A second import of the same name does not overwrite.
  io = captureIO(env);
  assert.equal(await runCli(["preset", "import", file, "--name", "Neutral"], io), 0, io.err());
  assert.match(io.out(), /^Saved preset "Neutral \(2\)" \(6 samplers\) \("Neutral" is a shipped preset's name: saved as "Neutral \(2\)"\)$/m);
  io = captureIO(env);
  assert.equal(await runCli(["preset", "import", file], io), 0, io.err());
  assert.match(io.out(), /^Saved preset "Midnight \(2\)" .*"Midnight" is taken/m);
  io = captureIO(env);
  assert.equal(await runCli(["preset", "import", file, "--replace"], io), 0, io.err());
  assert.match(io.out(), /^Saved preset "Midnight" \(6 samplers\)$/m);
  await writeFile(file, "{");
  io = captureIO(env);
  assert.equal(await runCli(["preset", "import", file, "--name", "Other"], io), 1);
  assert.match(io.err(), /Midnight\.json: not valid JSON/);
});

test("a SillyTavern preset file named like a shipped preset imports under a free name and says so", async () => {
  const { root, env } = await home();
  const file = join(root, "Universal-Light.json");
  await writeFile(file, JSON.stringify({ temp: 1.25, min_p: 0.1, epsilon_cutoff: 3, samplers: ["top_k", "top_p", "min_p", "temperature"] }));
  const io = captureIO(env);
  assert.equal(await runCli(["preset", "import", file], io), 0, io.err());
  assert.equal(
    io.out(),
    'Saved preset "Universal-Light (2)" (3 samplers) ("Universal-Light" is a shipped preset\'s name: saved as "Universal-Light (2)")\n' +
      "Ignored, taproom has no such sampler: epsilon_cutoff=3\n",
  );
});

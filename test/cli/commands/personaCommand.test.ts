import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../../src/cli/main.ts";
import { captureIO } from "../../support/cliIO.ts";
import { createApp } from "../../../src/app/app.ts";

async function persona(env: NodeJS.ProcessEnv, ...args: string[]) {
  const io = captureIO(env);
  const code = await runCli(["persona", ...args], io);
  return { code, out: io.out(), err: io.err() };
}

test("persona set adds one with its description, changes it, and the first becomes the default", async () => {
  const env = { TAPROOM_HOME: join(await mkdtemp(join(tmpdir(), "taproom-persona-")), "data") };
  assert.match((await persona(env, "list")).out, /No personas yet/);
  assert.equal((await persona(env, "set", "Sir", "Galahad", "--description", "A knight errant, tired and polite.")).out, 'Added persona "Sir Galahad" (the default)\n');
  assert.equal((await persona(env, "set", "Wren", "--description", "A thief.")).code, 0);
  assert.equal((await persona(env, "set", "wren", "--description", "A reformed thief.", "--default")).out, 'Changed persona "Wren" (the default)\n');
  assert.equal((await persona(env, "list")).out, "  Sir Galahad: A knight errant, tired and polite.\n* Wren: A reformed thief.\n");
  const json = JSON.parse((await persona(env, "list", "--json")).out);
  assert.deepEqual(json.map((p: { name: string; default: boolean }) => [p.name, p.default]), [["Sir Galahad", false], ["Wren", true]]);
  // A new chat starts as the default persona, its description there for {{persona}}.
  const app = createApp({ env: env });
  const chat = await app.chats.open({ characterId: "Brindle" });
  assert.equal(chat.persona().name, "Wren");
  await app.close();
});

test("persona default and delete name what they did; an unknown name is one clear line", async () => {
  const env = { TAPROOM_HOME: join(await mkdtemp(join(tmpdir(), "taproom-persona-")), "data") };
  await persona(env, "set", "Ada");
  await persona(env, "set", "Bo");
  assert.equal((await persona(env, "default", "bo")).out, 'New chats start as "Bo"\n');
  const missing = await persona(env, "default", "Cy");
  assert.equal(missing.code, 1);
  assert.match(missing.err, /no persona named "Cy" \(have: Ada, Bo\)/);
  assert.match((await persona(env, "delete", "Ada")).out, /^Deleted persona "Ada"/);
  assert.equal((await persona(env, "list")).out, "* Bo\n");
  assert.equal((await persona(env, "nope")).code, 2);
});

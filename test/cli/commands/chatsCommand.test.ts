import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../../src/cli/main.ts";
import { captureIO } from "../../support/cliIO.ts";

const stChat = [
  { user_name: "Ann", character_name: "Seraphina", create_date: "2026-01-01@12h00m00s", chat_metadata: { tainted: true } },
  { name: "Seraphina", is_user: false, is_system: false, send_date: "d1", mes: "Welcome.", swipes: ["Welcome.", "Hello."], swipe_id: 0, swipe_info: [{ send_date: "d1" }, { send_date: "d2" }], extra: {} },
  { name: "Ann", is_user: true, is_system: false, send_date: "d3", mes: "Hi!", extra: { x: 1 } },
].map((l) => JSON.stringify(l)).join("\n") + "\n";

async function home() {
  const root = await mkdtemp(join(tmpdir(), "taproom-cli-"));
  const file = join(root, "Seraphina - 2026.jsonl");
  await writeFile(file, stChat);
  return { root, file, env: { TAPROOM_HOME: join(root, "data") } };
}

test("chats import, list, export and delete", async () => {
  const { root, file, env } = await home();
  let io = captureIO(env);
  assert.equal(await runCli(["chats", "import", file], io), 0, io.err());
  assert.match(io.out(), /Imported "Seraphina - 2026" \(2 messages with Seraphina\)/);

  io = captureIO(env);
  assert.equal(await runCli(["chats", "list"], io), 0);
  assert.match(io.out(), /Seraphina - 2026 {2}\(Seraphina, 2 messages/);
  io = captureIO(env);
  assert.equal(await runCli(["chats", "list", "--json"], io), 0);
  const [entry] = JSON.parse(io.out()) as { id: string; title: string; messageCount: number }[];
  assert.equal(entry!.messageCount, 2);

  const out = join(root, "out.jsonl");
  io = captureIO(env);
  assert.equal(await runCli(["chats", "export", "seraphina", "--format", "jsonl", "--out", out], io), 0, io.err());
  assert.equal(await readFile(out, "utf8"), stChat, "an untouched import exports byte for byte");
  const json = join(root, "out.json");
  assert.equal(await runCli(["chats", "export", entry!.id, "--format", "json", "--out", json], captureIO(env)), 0);
  assert.equal((JSON.parse(await readFile(json, "utf8")) as { messages: unknown[] }).messages.length, 2);

  io = captureIO(env);
  assert.equal(await runCli(["chats", "rename", entry!.id, "Glade"], io), 0);
  io = captureIO(env);
  assert.equal(await runCli(["chats", "delete", "Glade"], io), 0);
  assert.match(io.out(), /Moved "Glade" to .*\.trash/);
  io = captureIO(env);
  await runCli(["chats", "list"], io);
  assert.equal(io.out(), "No saved chats.\n");
  assert.equal((await readdir(join(root, "data", "chats", ".trash"))).length, 1);
});

test("chats import --character names the character; a bad file imports nothing", async () => {
  const { root, file, env } = await home();
  let io = captureIO(env);
  assert.equal(await runCli(["chats", "import", file, "--character", "Sera"], io), 0);
  assert.match(io.out(), /with Sera\)/);
  const bad = join(root, "bad.jsonl");
  await writeFile(bad, stChat.replace('"mes":"Hi!"', '"mes":42'));
  io = captureIO(env);
  assert.equal(await runCli(["chats", "import", bad], io), 1);
  assert.match(io.err(), /bad\.jsonl:3: "mes" must be a string/);
  io = captureIO(env);
  await runCli(["chats", "list", "--json"], io);
  assert.equal((JSON.parse(io.out()) as unknown[]).length, 1);
});

test("importing the same chat again says where it already is instead of making a copy; another character's or a changed chat is new", async () => {
  const { root, file, env } = await home();
  let io = captureIO(env);
  assert.equal(await runCli(["chats", "import", file], io), 0, io.err());
  const id = /as (\S+)\n$/.exec(io.out())![1]!;
  io = captureIO(env);
  assert.equal(await runCli(["chats", "import", file, "--title", "Again"], io), 0, io.err());
  assert.equal(io.out(), `Already imported as "Seraphina - 2026" (${id}), unchanged\n`);
  io = captureIO(env);
  assert.equal(await runCli(["chats", "import", file, "--character", "Sera"], io), 0, io.err());
  assert.match(io.out(), /^Imported "Seraphina - 2026" \(2 messages with Sera\)/);
  const changed = join(root, "changed.jsonl");
  await writeFile(changed, stChat.replace('"mes":"Hi!"', '"mes":"Hi there!"'));
  io = captureIO(env);
  assert.equal(await runCli(["chats", "import", changed], io), 0, io.err());
  assert.match(io.out(), /^Imported "changed"/);
  io = captureIO(env);
  await runCli(["chats", "list", "--json"], io);
  assert.equal((JSON.parse(io.out()) as unknown[]).length, 3);
});

test("a chat of one message is listed and exported as 1 message", async () => {
  const { root, env } = await home();
  const file = join(root, "Short.jsonl");
  await writeFile(file, stChat.split("\n").slice(0, 2).join("\n") + "\n");
  assert.equal(await runCli(["chats", "import", file], captureIO(env)), 0);
  let io = captureIO(env);
  assert.equal(await runCli(["chats", "list"], io), 0);
  assert.match(io.out(), /Short {2}\(Seraphina, 1 message, /);
  io = captureIO(env);
  assert.equal(await runCli(["chats", "export", "Short", "--out", join(root, "out.jsonl")], io), 0, io.err());
  assert.match(io.out(), /^Exported "Short" \(1 message\) to /);
});

test("chats usage errors exit 2 and unknown chats exit 1", async () => {
  const { env } = await home();
  let io = captureIO(env);
  assert.equal(await runCli(["chats", "export", "x", "--format", "xml", "--out", "o"], io), 2);
  assert.match(io.err(), /--format must be jsonl or json/);
  io = captureIO(env);
  assert.equal(await runCli(["chats", "frobnicate"], io), 2);
  io = captureIO(env);
  assert.equal(await runCli(["chats", "delete", "nobody"], io), 1);
  assert.match(io.err(), /no chat named "nobody"/);
});

// Issue 14, findings 2, 6, 7, 8 and 10, each from its own hostile file, through the commands a person runs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../src/cli/main.ts";
import { writeError } from "../../src/store/fileErrors.ts";
import { ChatStore } from "../../src/store/chats/chatStore.ts";
import { captureIO } from "../support/cliIO.ts";
import { v2Card } from "../support/cards.ts";
import { llamaHeader } from "../support/ggufHeader.ts";

async function home(): Promise<string> {
  return mkdtemp(join(tmpdir(), "taproom-hostile-"));
}

async function cli(dir: string, args: string[]) {
  const io = { ...captureIO({ TAPROOM_HOME: dir }), cwd: dir };
  const code = await runCli(args, io);
  return { code, out: io.out(), err: io.err() };
}

const oneLine = (text: string) => text.trim().split("\n").length === 1;

/** JSON text nested `depth` objects deep (JSON.stringify itself cannot write it). */
const nested = (depth: number) => `${'{"x":'.repeat(depth)}"bottom"${"}".repeat(depth)}`;
const withNested = (value: unknown, field: string) => JSON.stringify(value).replace(`"${field}":"NESTED"`, `"${field}":${nested(10_000)}`);

test("a card, a book and a chat nested 10,000 levels deep are refused at import with one line naming the file", async () => {
  const dir = await home();
  await writeFile(join(dir, "deep-card.json"), withNested(v2Card({ extensions: "NESTED" }), "extensions"));
  await writeFile(join(dir, "deep-book.json"), withNested({ entries: { 0: { uid: 0, key: ["k"], content: "c", extra: "NESTED" } } }, "extra"));
  await writeFile(join(dir, "deep-chat.jsonl"), `${withNested({ user_name: "You", character_name: "Ilsa", chat_metadata: "NESTED" }, "chat_metadata")}\n`);
  for (const [args, file] of [[["card", "import", "deep-card.json"], "deep-card.json"], [["lore", "import", "deep-book.json"], "deep-book.json"], [["chats", "import", "deep-chat.jsonl"], "deep-chat.jsonl"]] as const) {
    const r = await cli(dir, [...args]);
    assert.equal(r.code, 1, r.out);
    const first = r.err.split("\n")[0]!;
    assert.ok(first.includes(file) && /nested more than 100 levels deep/.test(first), r.err);
    assert.ok(r.err.includes(file) && /nested more than 100 levels deep/.test(r.err), r.err);
    assert.doesNotMatch(r.err, /Maximum call stack/);
  }
  assert.deepEqual((await cli(dir, ["card", "list", "--json"])).out.includes("deep"), false);
});

test("a card nested 10,000 levels deep already in the library (copied in by hand) is reported by name, never a stack overflow", async () => {
  const dir = await home();
  await mkdir(join(dir, "characters"), { recursive: true });
  const card = join(dir, "characters", "deep.json");
  await writeFile(card, withNested(v2Card({ name: "Deep", extensions: "NESTED" }), "extensions"));
  const list = await cli(dir, ["card", "list"]);
  assert.equal(list.code, 0, list.err);
  assert.match(list.err, /deep\.json: nested more than 100 levels deep/);
  const show = await cli(dir, ["card", "show", card]);
  assert.equal(show.code, 1);
  assert.ok(oneLine(show.err) && show.err.includes("deep.json") && /nested more than 100 levels deep/.test(show.err), show.err);
  for (const r of [list, show]) assert.doesNotMatch(r.err, /Maximum call stack/);
});

test("a 100,000-entry lorebook either imports and is listed, or is refused at import: it never vanishes", { timeout: 120_000 }, async () => {
  const dir = await home();
  const entries = Array.from({ length: 100_000 }, (_, i) => ({ keys: [`k${i}`], content: `entry ${i}`, enabled: true, insertion_order: 100, extensions: {} }));
  await writeFile(join(dir, "huge.json"), JSON.stringify({ name: "Huge", entries }));
  const r = await cli(dir, ["lore", "import", "huge.json"]);
  const listed = JSON.parse((await cli(dir, ["lore", "list", "--json"])).out) as Array<{ name: string; entries: number }>;
  if (r.code === 0) assert.equal(listed.find((b) => b.name === "Huge")?.entries, 100_000);
  else {
    assert.ok(oneLine(r.err) && /Huge\.json: .*MB saved, over the 64 MB a lorebook may be \(100000 entries\); split it/.test(r.err), r.err);
    assert.ok(!listed.some((b) => b.name === "Huge"));
    assert.deepEqual((await readdir(join(dir, "lorebooks")).catch(() => [])).filter((f) => f.endsWith(".json") || f.endsWith(".tmp")), []);
  }
});

test("clear errors: a huge send_date, a context smaller than the reply, a missing book, bad GGUF sizes in models, plan and fit", async () => {
  const dir = await home();
  await writeFile(join(dir, "dates.jsonl"), [
    JSON.stringify({ user_name: "You", character_name: "Ilsa", chat_metadata: {} }),
    JSON.stringify({ name: "You", is_user: true, mes: "hi", send_date: 1e300 }),
    JSON.stringify({ name: "Ilsa", is_user: false, mes: "hello", send_date: "9999999-01-01@10h00m00s" }),
  ].join("\n"));
  const imported = await cli(dir, ["chats", "import", "dates.jsonl"]);
  assert.equal(imported.code, 0, imported.err);
  assert.doesNotMatch(imported.err, /Invalid time value/);

  const prompt = await cli(dir, ["prompt", "--character", "Brindle", "--context", "1"]);
  assert.equal(prompt.code, 1);
  assert.match(prompt.err, /a context of 1 tokens leaves no room for a \d+-token reply/);
  assert.doesNotMatch(prompt.err, /only -/);

  const lore = await cli(dir, ["lore", "test", "Atlantis", "--text", "x"]);
  assert.equal(lore.err, 'taproom lore: no lorebook named "Atlantis" (see `taproom lore list`)\n');

  // A string length of 2^40 (Node's "The value of "size" is out of range" before), an array of 2^40 elements and a wrong value type.
  const good = llamaHeader({ layers: 2, embedding: 64, heads: 4, kvHeads: 4, feedForward: 128, vocab: 300, context: 512 });
  const models = join(dir, "models");
  await mkdir(models, { recursive: true });
  const patch = (name: string, edit: (b: Buffer) => void) => {
    const b = Buffer.from(good);
    edit(b);
    return writeFile(join(models, name), b);
  };
  const firstValueType = 24 + 8 + "general.architecture".length;
  await patch("string-length.gguf", (b) => b.writeBigUInt64LE(2n ** 40n, firstValueType + 4));
  await patch("value-type.gguf", (b) => b.writeUInt32LE(77, firstValueType));
  await patch("array-length.gguf", (b) => { b.writeUInt32LE(9, firstValueType); b.writeUInt32LE(4, firstValueType + 4); b.writeBigUInt64LE(2n ** 40n, firstValueType + 8); });
  const started = Date.now();
  const listing = await cli(dir, ["models", "--json"]);
  assert.ok(Date.now() - started < 30_000, "no hang");
  const found = (JSON.parse(listing.out) as { models: Array<{ name: string; error?: string }> }).models;
  assert.match(found.find((m) => m.name === "string-length.gguf")!.error!, /general\.architecture claims 1099511627776 bytes, more than the file holds/);
  assert.match(found.find((m) => m.name === "value-type.gguf")!.error!, /general\.architecture has unknown value type 77/);
  assert.match(found.find((m) => m.name === "array-length.gguf")!.error!, /general\.architecture claims 1099511627776 elements/);
  for (const name of ["string-length.gguf", "value-type.gguf", "array-length.gguf"]) {
    for (const args of [["plan", "--model", join(models, name)], ["fit", "--model", join(models, name), "--vram", "8GB", "--ram", "16GB", "--gpu", "cuda"]]) {
      const run = await cli(dir, args);
      assert.equal(run.code, 1, `${args[0]} ${name}`);
      assert.ok(oneLine(run.err) && run.err.includes(name), run.err);
      assert.doesNotMatch(run.err, /out of range/);
    }
  }
});

test("a full disk: the error names the file; a chat saved before the index write failed reports success", async () => {
  const full = writeError("/data/chats/c1.json", Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" }));
  assert.equal(full.message, "/data/chats/c1.json: cannot be written: the disk is full (the file is as it was)");
  const dir = await home();
  const chats = join(dir, "chats");
  const created = await cli(dir, ["chats", "list"]);
  assert.equal(created.code, 0);
  const store = await ChatStore.open({ dir: chats });
  const { createChat, sendUserMessage, systemChatEnv } = await import("../../src/core/chat/operations.ts");
  const { testCharacter } = await import("../support/chatFixtures.ts");
  const handle = await store.create(createChat({ character: testCharacter(), characterId: "c", env: systemChatEnv }));
  // The index cannot be written any more (a directory in its place stands in for a full disk).
  await rm(join(chats, "index.json"));
  await mkdir(join(chats, "index.json"));
  await handle.save(sendUserMessage(handle.chat, { text: "kept", name: "You", env: systemChatEnv }));
  await handle.close();
  await rm(join(chats, "index.json"), { recursive: true });
  const reopened = await ChatStore.open({ dir: chats });
  assert.equal((await reopened.open(handle.chat.id)).chat.messages.at(-1)!.swipes[0]!.text, "kept");
});

test("temp files left by a kill during an import or a KV state save are removed at the next start; a fresh one (a write under way) is kept", async () => {
  const dir = await home();
  await mkdir(join(dir, "characters"), { recursive: true });
  const stale = join(dir, "characters", ".ilsa.json.0a1b2c3d.tmp");
  const fresh = join(dir, "characters", ".wren.json.0a1b2c3e.tmp");
  await writeFile(stale, "{");
  await writeFile(fresh, "{");
  const hourAgo = new Date(Date.now() - 3_600_000);
  await utimes(stale, hourAgo, hourAgo);
  // A KV state half-written by a turn (issue 12's files), and one no record names.
  const kv = join(dir, "cache", "kv-states");
  await mkdir(kv, { recursive: true });
  for (const name of [".c1.mabc123.kv.tmp", "c1.mabc124.kv", ".c2.mabc125.kv.tmp"]) await writeFile(join(kv, name), "state");
  for (const name of [".c1.mabc123.kv.tmp", "c1.mabc124.kv"]) await utimes(join(kv, name), hourAgo, hourAgo);
  assert.equal((await cli(dir, ["card", "list"])).code, 0);
  assert.deepEqual((await readdir(join(dir, "characters"))).filter((f) => f.endsWith(".tmp")), [".wren.json.0a1b2c3e.tmp"]);
  assert.deepEqual(await readdir(kv), [".c2.mabc125.kv.tmp"]);
});

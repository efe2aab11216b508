// Issue 14, finding 1: regex keys whose backtracking is polynomial froze `lore test` (past 60 s),
// `taproom prompt` (past 120 s) and a chat. They now run in a worker stopped at its limit.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../src/cli/main.ts";
import { captureIO } from "../support/cliIO.ts";
import { v2Card } from "../support/cards.ts";
import { writeTinyChatModel } from "../support/tinyGguf.ts";

const HOSTILE_KEYS = ["/.*e.*e.*e.*e.*e.*Q/", "/(?=.*e.*e.*e.*e.*Q)/", "/[\\s\\S]*e[\\s\\S]*e[\\s\\S]*e[\\s\\S]*e[\\s\\S]*e[\\s\\S]*Q/"];
const TEXT = "e".repeat(1000);
let home: string;
let bookFile: string;
let cardFile: string;

before(async () => {
  home = await mkdtemp(join(tmpdir(), "taproom-hostile-regex-"));
  const entries = [...HOSTILE_KEYS, "/dra+gon/i"].map((key, uid) => ({ uid, key: [key], keysecondary: [], comment: `k${uid}`, content: `content ${uid}`, order: 100, position: 0 }));
  bookFile = join(home, "hostile.json");
  await writeFile(bookFile, JSON.stringify({ entries: Object.fromEntries(entries.map((e) => [String(e.uid), e])) }));
  cardFile = join(home, "hostile-card.json");
  await writeFile(cardFile, JSON.stringify(v2Card({
    first_mes: `${TEXT} dragon`,
    character_book: { name: "Hostile", entries: entries.map((e) => ({ keys: e.key, content: e.content, enabled: true, insertion_order: 100, extensions: {} })) },
  })));
});

test("lore test with the hostile keys finishes, fires the ordinary key and names each refused key", { timeout: 60_000 }, async () => {
  const io = captureIO({ TAPROOM_HOME: home });
  assert.equal(await runCli(["lore", "test", bookFile, "--text", `${TEXT} dragon`], io), 0, io.err());
  const out = io.out();
  assert.match(out, /#3 k3\s+\[.*key_matched/);
  for (const key of HOSTILE_KEYS) assert.ok(out.includes(key) && /stopped after \d+ ms/.test(out), `${key} reported in:\n${out}`);
});

test("taproom prompt on a card whose own book holds the hostile keys finishes with the ordinary entry in the prompt", { timeout: 60_000 }, async () => {
  const io = captureIO({ TAPROOM_HOME: home });
  assert.equal(await runCli(["prompt", "--character", cardFile, "--context", "4096", "--json"], io), 0, io.err());
  const view = JSON.parse(io.out()) as { text: string };
  assert.ok(view.text.includes("content 3"));
  assert.ok(!view.text.includes("content 0"));
});

test("a chat with that card replies", { timeout: 120_000 }, async () => {
  const model = await writeTinyChatModel(join(home, "tiny.gguf"));
  const io = captureIO({ TAPROOM_HOME: home });
  const args = ["chat", "--model", model, "--character", cardFile, "--message", `${TEXT} dragon`, "--temperature", "0", "--threads", "1", "--context", "4096", "--json"];
  assert.equal(await runCli(args, io), 0, io.err());
  const out = JSON.parse(io.out()) as { reply: string; lore: string[] };
  assert.deepEqual(out.lore.map((id) => id.split("/").at(-1)), ["3"]);
});

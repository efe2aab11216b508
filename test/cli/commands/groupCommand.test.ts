import { before, test } from "node:test";
import assert from "node:assert/strict";
import { cp, mkdir, mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../../src/cli/main.ts";
import { captureIO } from "../../support/cliIO.ts";
import { writeTinyChatModel } from "../../support/tinyGguf.ts";

let modelPath: string;

before(async () => {
  modelPath = await writeTinyChatModel(join(await mkdtemp(join(tmpdir(), "taproom-groupcli-model-")), "tiny.gguf"));
});

async function cli(home: string, ...argv: string[]) {
  const io = captureIO({ TAPROOM_HOME: home });
  const code = await runCli(argv, io);
  return { code, out: io.out(), err: io.err() };
}

const chatFlags = () => ["--model", modelPath, "--temperature", "0", "--max-tokens", "12", "--threads", "1", "--context", "2048", "--gpu", "cpu"];

test("group create, list, show, set and delete (which wants --yes: it deletes the chats too)", async () => {
  const home = await mkdtemp(join(tmpdir(), "taproom-groupcli-"));
  const made = await cli(home, "group", "create", "The Inn", "--members", "Brindle,Maelis", "--strategy", "pooled");
  assert.equal(made.code, 0, made.err);
  assert.match(made.out, /^Created group "The Inn" \(\d+\): Brindle, Maelis; pooled; swap\n$/);
  const bad = await cli(home, "group", "create", "Odd", "--members", "Brindle", "--strategy", "loud");
  assert.equal(bad.code, 1);
  assert.match(bad.err, /the strategy must be one of natural, list, manual, pooled, got "loud"/);
  assert.equal((await cli(home, "group", "list")).out, "The Inn  (2 members: Brindle, Maelis; pooled; swap; 0 chats)\n");
  const set = await cli(home, "group", "set", "the inn", "--mute", "Maelis", "--mode", "join", "--join-prefix", "[{{char}}] ");
  assert.equal(set.out, "The Inn  (2 members: Brindle, Maelis (muted); pooled; join; 0 chats)\n");
  const shown = JSON.parse((await cli(home, "group", "show", "The Inn", "--json")).out);
  assert.deepEqual([shown.joinPrefix, shown.members.map((m: { key: string; muted: boolean }) => [m.key, m.muted])], ["[{{char}}] ", [["Brindle.png", false], ["Maelis.png", true]]]);
  const text = (await cli(home, "group", "show", "The Inn")).out;
  assert.match(text, /Members \(list order\):\n {2}1\. Brindle {2}\[Brindle\.png\]\n {2}2\. Maelis {2}\[Maelis\.png\] {2}muted\n/);
  const refused = await cli(home, "group", "delete", "The Inn");
  assert.equal(refused.code, 2);
  assert.match(refused.err, /also deletes its 0 chats: add --yes/);
  assert.equal((await cli(home, "group", "delete", "The Inn", "--yes")).out, 'Deleted group "The Inn" and its 0 chats (moved to the trash)\n');
  assert.match((await cli(home, "group", "list")).out, /No groups yet/);
});

test("taproom chat --group: the strategy's speakers each print as Name: text; --json names each speaker and why; --as makes a muted one speak", async () => {
  const home = await mkdtemp(join(tmpdir(), "taproom-groupcli-"));
  assert.equal((await cli(home, "group", "create", "Pair", "--members", "Brindle,Maelis", "--strategy", "list")).code, 0);
  const plain = await cli(home, "chat", "--group", "Pair", "--message", "Evening.", ...chatFlags());
  assert.equal(plain.code, 0, plain.err);
  assert.equal(plain.out, "Brindle: Hi, Bryn.\nMaelis: Hi, Bryn.\n");
  assert.equal((await cli(home, "group", "set", "Pair", "--mute", "Maelis", "--strategy", "manual")).code, 0);
  const manual = await cli(home, "chat", "--group", "Pair", "--message", "Hello?", "--json", ...chatFlags());
  const nobody = JSON.parse(manual.out);
  assert.deepEqual([nobody.strategy, nobody.replies, nobody.nobody], ["manual", [], "manual mode: pick who speaks (--as NAME, /speak NAME)"]);
  const asked = JSON.parse((await cli(home, "chat", "--group", "Pair", "--as", "Maelis", "--json", ...chatFlags())).out);
  assert.equal(asked.replies.length, 1);
  const [reply] = asked.replies;
  assert.deepEqual([reply.speaker, reply.why, reply.text, reply.reasoning, typeof reply.gen_id, reply.saved], [{ name: "Maelis", avatar: "Maelis.png" }, "forced", "Hi, Bryn.", null, "number", true]);
  assert.match(reply.detail, /you asked for them \(they are muted\)/);
  // All of it went into the group's one chat.
  const shown = JSON.parse((await cli(home, "group", "show", "Pair", "--json")).out);
  assert.equal(shown.chats.length, 1);
  assert.equal(shown.chats[0].messageCount, 2 + 3 + 1 + 1);
  const wrong = await cli(home, "chat", "--group", "Pair", "--character", "Brindle", "--message", "x", ...chatFlags());
  assert.equal(wrong.code, 2);
});

test("taproom group import and export: SillyTavern's folders in, the 2025 shape out, the scenario override in the chat's header", async () => {
  const home = await mkdtemp(join(tmpdir(), "taproom-groupcli-"));
  const st = join(await mkdtemp(join(tmpdir(), "taproom-groupcli-st-")), "default-user");
  const fixtures = join(import.meta.dirname, "../../core/group/st");
  await mkdir(join(st, "groups"), { recursive: true });
  await mkdir(join(st, "group chats"), { recursive: true });
  await cp(join(fixtures, "1727474556123.json"), join(st, "groups", "1727474556123.json"));
  for (const c of ["2024-09-28@01h02m36s", "2024-09-27@22h10m05s"]) await cp(join(fixtures, `${c}.jsonl`), join(st, "group chats", `${c}.jsonl`));
  const imported = await cli(home, "group", "import", join(st, "groups", "1727474556123.json"));
  assert.equal(imported.code, 0, imported.err);
  assert.equal(imported.out, 'Imported group "The Inn" (1727474556123) with 2 chats\n');
  assert.equal(imported.err, "Not in your library (kept, sitting out until you import their cards): Alice.png, Bob Stone.png, Cleo.png\n");
  assert.equal((await cli(home, "group", "set", "The Inn", "--scenario", "Dawn breaks.")).code, 0);
  const out = await mkdtemp(join(tmpdir(), "taproom-groupcli-out-"));
  const exported = await cli(home, "group", "export", "The Inn", "--out", out);
  assert.equal(exported.code, 0, exported.err);
  const group = JSON.parse(await readFile(join(out, "groups", "1727474556123.json"), "utf8"));
  assert.equal(group.chat_metadata, undefined);
  assert.equal(group.chat_id, "2024-09-28@01h02m36s");
  const header = JSON.parse((await readFile(join(out, "group chats", "2024-09-28@01h02m36s.jsonl"), "utf8")).split("\n")[0]!);
  assert.deepEqual(header.chat_metadata, { scenario: "Dawn breaks.", world_info: "Inn Lore", note_prompt: "", tainted: true });

  const chatFile = join(st, "group chats", "2024-09-27@22h10m05s.jsonl");
  const added = await cli(home, "group", "import-chat", "The Inn", chatFile);
  assert.equal(added.code, 0, added.err);
  assert.equal(added.out, 'Imported "2024-09-27@22h10m05s" into group "The Inn": 2 messages (Cleo); the group has 3 chats\n');
  assert.equal((await cli(home, "group", "import-chat", "The Inn")).code, 2);
  const missing = await cli(home, "group", "import-chat", "No Such Group", chatFile);
  assert.equal(missing.code, 1);
  assert.match(missing.err, /No Such Group/);
});

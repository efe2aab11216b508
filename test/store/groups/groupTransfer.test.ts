// A SillyTavern 2024 group with its two chats, laid out as SillyTavern keeps them, imported and
// exported: the export is the 2025 shape, and every message line and unknown key survives.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cp, mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ChatStore } from "../../../src/store/chats/chatStore.ts";
import { GroupStore } from "../../../src/store/groups/groupStore.ts";
import { exportStGroup, importStGroup, importStGroupChat } from "../../../src/store/groups/groupTransfer.ts";
import { testEnv } from "../../support/chatFixtures.ts";

const fixtures = join(import.meta.dirname, "../../core/group/st");
const NOW = "2024-09-28@01h02m36s";
const PAST = "2024-09-27@22h10m05s";
const cards = [
  { id: "alice", name: "Alice", file: "alice.png" },
  { id: "bob-stone", name: "Bob Stone", file: "bob-stone.png" },
];
const lines = (text: string) => text.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as Record<string, unknown>);

async function sillyTavernData(): Promise<string> {
  const user = join(await mkdtemp(join(tmpdir(), "taproom-st-")), "default-user");
  await mkdir(join(user, "groups"), { recursive: true });
  await mkdir(join(user, "group chats"), { recursive: true });
  await cp(join(fixtures, "1727474556123.json"), join(user, "groups", "1727474556123.json"));
  for (const chat of [NOW, PAST]) await cp(join(fixtures, `${chat}.jsonl`), join(user, "group chats", `${chat}.jsonl`));
  return user;
}

async function stores() {
  const root = await mkdtemp(join(tmpdir(), "taproom-data-"));
  return { root, groups: await GroupStore.open({ dir: join(root, "groups") }), chats: await ChatStore.open({ dir: join(root, "chats") }) };
}

test("importing finds the chats in SillyTavern's group chats folder, the members' cards by avatar name, and says who is missing", async () => {
  const st = await sillyTavernData();
  const { groups, chats } = await stores();
  const env = testEnv();
  const result = await importStGroup({ file: join(st, "groups", "1727474556123.json"), groups, chats, cards, env });
  assert.deepEqual(result.missingMembers, ["Cleo.png"]);
  assert.deepEqual(result.missingChats, []);
  assert.deepEqual(result.group.cards, { "Alice.png": "alice", "Bob Stone.png": "bob-stone" });
  assert.equal(result.group.chats.length, 2);
  const open = chats.list().find((c) => c.id === result.group.chatId)!;
  assert.deepEqual([open.title, open.groupId, open.characterName, open.messageCount], [NOW, "1727474556123", "The Inn", 4]);
  assert.deepEqual((await groups.get("The Inn")).members, ["Alice.png", "Bob Stone.png", "Cleo.png"]);
  // Importing it again never overwrites: it gets an id of its own.
  const again = await importStGroup({ file: join(st, "groups", "1727474556123.json"), groups, chats, cards, env, now: () => 1800000000000 });
  assert.deepEqual([again.renamedFrom, again.group.id], ["1727474556123", "1800000000000"]);
});

test("exported, the group is SillyTavern's 2025 shape and each chat starts with its migrated metadata; message lines are unchanged", async () => {
  const st = await sillyTavernData();
  const { groups, chats } = await stores();
  const { group } = await importStGroup({ file: join(st, "groups", "1727474556123.json"), groups, chats, cards, env: testEnv() });
  const opened = await Promise.all(group.chats.map(async (id) => (await chats.open(id)).chat));
  const out = await mkdtemp(join(tmpdir(), "taproom-export-"));
  const written = await exportStGroup({ group, chats: opened, out });
  assert.equal(written.groupFile, join(out, "groups", "1727474556123.json"));
  const exported = JSON.parse(await readFile(written.groupFile, "utf8")) as Record<string, unknown>;
  const original = JSON.parse(await readFile(join(fixtures, "1727474556123.json"), "utf8")) as Record<string, unknown>;
  const { chat_metadata: current, past_metadata: past, ...rest } = original;
  assert.deepEqual(exported, rest);
  const now = lines(await readFile(join(out, "group chats", `${NOW}.jsonl`), "utf8"));
  assert.deepEqual(now[0], { chat_metadata: current, user_name: "unused", character_name: "unused" });
  assert.deepEqual(now.slice(1), lines(await readFile(join(fixtures, `${NOW}.jsonl`), "utf8")));
  const earlier = lines(await readFile(join(out, "group chats", `${PAST}.jsonl`), "utf8"));
  assert.deepEqual(earlier[0]!.chat_metadata, (past as Record<string, unknown>)[PAST]);
  assert.deepEqual(earlier.slice(1), lines(await readFile(join(fixtures, `${PAST}.jsonl`), "utf8")));
  // --legacy-st: the 2024 shape again, metadata in the group file and no header lines.
  const legacyOut = await mkdtemp(join(tmpdir(), "taproom-export-"));
  const legacy = await exportStGroup({ group, chats: opened, out: legacyOut, legacy: true });
  assert.deepEqual(JSON.parse(await readFile(legacy.groupFile, "utf8")), { ...rest, chat_metadata: current, past_metadata: past });
  assert.deepEqual(lines(await readFile(join(legacyOut, "group chats", `${NOW}.jsonl`), "utf8")), lines(await readFile(join(fixtures, `${NOW}.jsonl`), "utf8")));
});

test("a group chat file imports as a new chat of the group, not opened; exported, its lines are unchanged; a bad line imports nothing", async () => {
  const st = await sillyTavernData();
  const { groups, chats } = await stores();
  const env = testEnv();
  const { group } = await importStGroup({ file: join(st, "groups", "1727474556123.json"), groups, chats, cards, env });
  const file = join(st, "group chats", `${PAST}.jsonl`);
  const { group: grown, chat } = await importStGroupChat({ file, group, groups, chats, env });
  assert.deepEqual([chat.title, chat.groupId, chat.messages.map((m) => m.name)], [PAST, "1727474556123", ["Sam", "Cleo"]]);
  assert.deepEqual(grown.chats, [...group.chats, chat.id]);
  assert.equal(grown.chatId, group.chatId, "the open chat stays open");
  assert.deepEqual((await groups.get("The Inn")).chats, grown.chats);
  const out = await mkdtemp(join(tmpdir(), "taproom-export-"));
  const opened = await Promise.all(grown.chats.map(async (id) => (await chats.open(id)).chat));
  const written = await exportStGroup({ group: grown, chats: opened, out });
  assert.equal(written.chatFiles.at(-1), join(out, "group chats", `${PAST} (2).jsonl`));
  assert.deepEqual(lines(await readFile(written.chatFiles.at(-1)!, "utf8")).slice(1), lines(await readFile(file, "utf8")));

  const bad = join(st, "bad.jsonl");
  await writeFile(bad, '{"name":"Sam","is_user":true,"mes":"hi"}\n{not json\n');
  await assert.rejects(importStGroupChat({ file: bad, group: grown, groups, chats, env }), (e: Error) => e.message.startsWith(`${bad}:2: not valid JSON`));
  assert.deepEqual((await groups.get("The Inn")).chats, grown.chats);
  assert.equal(chats.list().length, 3);
});

// Groups through the application layer, as the TUI and the commands use them: created from the
// library, opened as a chat session, played on the tiny model, muted, reopened and deleted.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp } from "../../../src/app/app.ts";
import { CardChoiceError, GroupNotFoundError } from "../../../src/app/groups/groups.ts";
import { speakerKey } from "../../../src/core/group/messages.ts";
import { writeTinyChatModel } from "../../support/tinyGguf.ts";

const greedy = { temperature: 0, maxTokens: 12 };

test("a group made from the library opens with each member's greeting and plays a list turn on the tiny model", async () => {
  const home = await mkdtemp(join(tmpdir(), "taproom-groups-app-"));
  const model = await writeTinyChatModel(join(home, "tiny.gguf"));
  const app = createApp({ env: { TAPROOM_HOME: home }, runtime: { gpu: "cpu", threads: 1, contextSize: 2048 } });
  try {
    const made = await app.groups.create({ name: "The Inn", members: ["brindle", "Maelis"], strategy: "list" });
    assert.deepEqual(made.members.map((m) => [m.key, m.name, m.muted, m.missing]), [["Brindle.png", "Brindle", false, false], ["Maelis.png", "Maelis", false, false]]);
    assert.equal(made.strategy, "list");
    await assert.rejects(app.groups.create({ name: "Nobody", members: ["Zed"] }), CardChoiceError);

    const session = await app.chats.open({ groupId: made.id });
    assert.deepEqual(session.chat().messages.map((m) => [m.name, speakerKey(m)]), [["Brindle", "Brindle.png"], ["Maelis", "Maelis.png"]], "a greeting each");
    assert.deepEqual(session.group?.info().members.map((m) => m.name), ["Brindle", "Maelis"]);
    await app.models.load(model);
    const speakers: string[] = [];
    const outcome = await session.play({ mode: "reply", text: "Evening.", samplers: greedy, onSpeaker: (s) => speakers.push(s.name) });
    assert.deepEqual(speakers, ["Brindle", "Maelis"]);
    assert.deepEqual(outcome.group?.choice.speakers.map((s) => [s.name, s.why]), [["Brindle", "list"], ["Maelis", "list"]]);
    assert.deepEqual(outcome.group?.replies.map((r) => [r.speaker.name, r.text, r.saved]), [["Brindle", "Hi, Bryn.", true], ["Maelis", "Hi, Bryn.", true]]);
    assert.deepEqual(outcome.chat.messages.slice(-3).map((m) => [m.name, speakerKey(m) ?? null]), [["User", null], ["Brindle", "Brindle.png"], ["Maelis", "Maelis.png"]]);

    // Asked for by name (its start is enough), a member speaks alone; muted, it sits out the list.
    const asked = await session.play({ mode: "reply", speaker: "mae", samplers: greedy });
    assert.deepEqual(asked.group?.replies.map((r) => [r.speaker.name, r.speaker.why]), [["Maelis", "forced"]]);
    await session.group!.setMuted("Maelis", true);
    const quieter = await session.play({ mode: "reply", text: "Anyone?", samplers: greedy });
    assert.deepEqual(quieter.group?.replies.map((r) => r.speaker.name), ["Brindle"]);
    assert.deepEqual(quieter.group?.choice.passed.map((p) => [p.name, p.why]), [["Maelis", "muted"]]);
    const id = session.chat().id;
    await session.close();

    const listed = (await app.chats.list()).find((c) => c.id === id)!;
    assert.deepEqual([listed.groupId, listed.characterName], [made.id, "The Inn"]);
    const reopened = await app.chats.open({ chatId: id });
    assert.equal(reopened.chat().messages.length, 8);
    assert.deepEqual(reopened.group?.info().members.map((m) => m.muted), [false, true]);
    await reopened.close();

    const shown = await app.groups.show("the inn");
    assert.deepEqual([shown.chats.map((c) => c.id), shown.group.chatId], [[id], id]);
    const removed = await app.groups.remove("The Inn");
    assert.equal(removed.chats, 1);
    assert.equal((await app.chats.list()).some((c) => c.id === id), false);
    await assert.rejects(app.groups.show("The Inn"), GroupNotFoundError);
  } finally {
    await app.close();
  }
});

test("a group exported from taproom reads back in SillyTavern's shape, its chat with a header naming the speakers' avatars", async () => {
  const home = await mkdtemp(join(tmpdir(), "taproom-groups-app-"));
  const app = createApp({ env: { TAPROOM_HOME: home } });
  try {
    const made = await app.groups.create({ name: "Pair", members: ["Brindle", "Maelis"], mode: "join" });
    const session = await app.chats.open({ groupId: made.id });
    await session.close();
    const out = await mkdtemp(join(tmpdir(), "taproom-groups-out-"));
    const written = await app.groups.export("Pair", out);
    const group = JSON.parse(await readFile(written.groupFile, "utf8")) as Record<string, unknown>;
    assert.deepEqual([group.name, group.members, group.generation_mode, group.activation_strategy, group.chats], ["Pair", ["Brindle.png", "Maelis.png"], 1, 0, [session.chat().title]]);
    const lines = (await readFile(written.chatFiles[0]!, "utf8")).split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(lines[0], { chat_metadata: {}, user_name: "unused", character_name: "unused" });
    assert.deepEqual(lines.slice(1).map((l) => [l.name, l.original_avatar]), [["Brindle", "Brindle.png"], ["Maelis", "Maelis.png"]]);
    // Imported again it is a second group (a fresh id), with the same members found in the library.
    const back = await app.groups.import(written.groupFile);
    assert.notEqual(back.group.id, made.id);
    assert.deepEqual(back.missingMembers, []);
  } finally {
    await app.close();
  }
});

test("a member's own regex scripts run in its turns once allowed, and not in the others' (SillyTavern runs the speaker's)", async () => {
  const home = await mkdtemp(join(tmpdir(), "taproom-groups-regex-"));
  const model = await writeTinyChatModel(join(home, "tiny.gguf"));
  const cardPath = join(home, "Tamsin.json");
  const title = { id: "1", scriptName: "Title", findRegex: "/Bryn/g", replaceString: "Bryn the {{user}}-friend", trimStrings: [], placement: [2], disabled: false, markdownOnly: false, promptOnly: false, runOnEdit: true, substituteRegex: 0, minDepth: null, maxDepth: null };
  await writeFile(cardPath, JSON.stringify({
    spec: "chara_card_v2", spec_version: "2.0",
    data: { name: "Tamsin", description: "A ferrywoman.", personality: "", scenario: "", first_mes: "Room on the ferry.", mes_example: "", extensions: { regex_scripts: [title] } },
  }));
  const app = createApp({ env: { TAPROOM_HOME: home }, runtime: { gpu: "cpu", threads: 1, contextSize: 2048 } });
  try {
    await app.library.importFile(cardPath);
    const made = await app.groups.create({ name: "Ferry", members: ["Tamsin", "Brindle"], strategy: "list" });
    const session = await app.chats.open({ groupId: made.id });
    assert.match(session.notice ?? "", /Tamsin's own regex scripts are off until allowed \(taproom regex allow Tamsin/);
    await app.models.load(model);
    const before = await session.play({ mode: "reply", text: "Evening.", samplers: greedy });
    assert.deepEqual(before.group?.replies.map((r) => [r.speaker.name, r.text]), [["Tamsin", "Hi, Bryn."], ["Brindle", "Hi, Bryn."]]);

    await app.regex.answer("Tamsin", true);
    const after = await session.play({ mode: "reply", text: "Again.", samplers: greedy });
    const stored = after.chat.messages.slice(-2).map((m) => [m.name, m.swipes[m.swipeIndex]!.text]);
    assert.deepEqual(stored, [["Tamsin", "Hi, Bryn the User-friend."], ["Brindle", "Hi, Bryn."]]);
    await session.close();
  } finally {
    await app.close();
  }
});

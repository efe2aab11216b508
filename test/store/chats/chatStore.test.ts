import { test } from "node:test";
import assert from "node:assert/strict";
import { appendFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as chatSettings from "../../../src/core/chat/chatSettings.ts";
import * as ops from "../../../src/core/chat/operations.ts";
import type { Chat } from "../../../src/core/chat/types.ts";
import { ChatStore } from "../../../src/store/chats/chatStore.ts";
import { journalPath, snapshotPath } from "../../../src/store/chats/chatFile.ts";
import { testCharacter, testEnv } from "../../support/chatFixtures.ts";

async function tempChats(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), "taproom-chats-")), "chats");
}

async function reopen(dir: string, id: string): Promise<Chat> {
  return (await (await ChatStore.open({ dir })).open(id)).chat;
}

test("every chat operation is saved and reads back equal from disk", async () => {
  const dir = await tempChats();
  const env = testEnv();
  const store = await ChatStore.open({ dir });
  const handle = await store.create(ops.createChat({ character: testCharacter(), characterId: "s.png", env }));
  const id = handle.chat.id;
  const steps: [string, (c: Chat) => Chat][] = [
    ["pick greeting", (c) => ops.pickGreeting(c, 2, env)],
    ["send", (c) => ops.sendUserMessage(c, { text: "Hello", name: "Ann", env })],
    ["reply", (c) => ops.appendAssistantReply(c, { text: "Hi", name: "Seraphina", env, generation: { model: "tiny", tokens: 2 } })],
    ["regenerate", (c) => ops.addSwipe(c, { text: "Hey", env })],
    ["swipe left", (c) => ops.swipe(c, "left", env).chat],
    ["regenerate again", (c) => ops.addSwipe(c, { text: "Yo", env, generation: { model: "tiny", tokens: 1, stopReason: "eos" } })],
    ["delete swipe", (c) => ops.deleteSwipe(c, c.messages[2]!.id, env)],
    ["swipe back", (c) => ops.swipe(c, "left", env).chat],
    ["continue", (c) => ops.continueReply(c, { text: " there.", env })],
    ["impersonate", (c) => ops.setDraft(c, "I wave.", env)],
    ["edit", (c) => ops.editMessage(c, c.messages[1]!.id, "Hello!", env)],
    ["hide", (c) => ops.setHidden(c, c.messages[1]!.id, true, env)],
    ["send 2", (c) => ops.sendUserMessage(c, { text: "More", name: "Ann", env })],
    ["unhide", (c) => ops.setHidden(c, c.messages[1]!.id, false, env)],
    ["settings", (c) => ops.updateSettings(c, { samplers: { temperature: 0.5 }, presetName: "Creative", lorebooks: ["Forest"], instructTemplate: "ChatML", personaName: "Ann", authorsNote: { text: "n", depth: 2, frequency: 1, role: "system" } }, env)],
    ["lore state", (c) => ops.setLoreState(c, { sticky: { "7": 3 } }, env)],
    ["attach book", (c) => chatSettings.attachLorebook(c, "Town", env)],
    ["detach book", (c) => chatSettings.detachLorebook(c, "Forest", env)],
    ["template", (c) => chatSettings.setInstructTemplate(c, "llama-3", env)],
    ["persona", (c) => chatSettings.setChatPersona(c, "Bryn", env)],
    ["sampler override", (c) => chatSettings.overrideSamplers(c, { minP: 0.1 }, env)],
    ["author's note", (c) => chatSettings.setAuthorsNote(c, { text: "Rain.", depth: 1 }, env)],
    ["variables", (c) => ops.setVariables(c, { mood: "calm" }, env)],
    ["delete", (c) => ops.deleteMessage(c, c.messages[3]!.id, env)],
    ["send 3", (c) => ops.sendUserMessage(c, { text: "Again", name: "Ann", env })],
    ["delete from", (c) => ops.deleteFrom(c, c.messages[2]!.id, env)],
    ["rename", (c) => ops.renameChat(c, "Glade", env)],
  ];
  for (const [name, step] of steps) {
    const next = step(handle.chat);
    await handle.save(next);
    assert.deepEqual(await reopen(dir, id), next, `after ${name}`);
  }
  const entry = (await ChatStore.open({ dir })).list()[0]!;
  assert.deepEqual(entry, { id, title: "Glade", characterId: "s.png", characterName: "Seraphina", messageCount: 2, createdAt: handle.chat.createdAt, updatedAt: handle.chat.updatedAt });
});

test("a branch is saved as its own chat and the source is untouched", async () => {
  const dir = await tempChats();
  const env = testEnv();
  const store = await ChatStore.open({ dir });
  let chat = ops.createChat({ character: testCharacter(), characterId: "s", env });
  chat = ops.sendUserMessage(chat, { text: "a", name: "Ann", env });
  chat = ops.appendAssistantReply(chat, { text: "b", name: "S", env });
  await store.create(chat);
  const branch = ops.branchChat(chat, chat.messages[1]!.id, env);
  await store.create(branch);
  assert.deepEqual(await reopen(dir, branch.id), branch);
  assert.deepEqual(await reopen(dir, chat.id), chat);
  assert.deepEqual(store.list().map((c) => c.messageCount).sort(), [2, 3]);
});

test("a send to a long chat appends a small journal line, not the whole chat", async () => {
  const dir = await tempChats();
  const env = testEnv();
  const store = await ChatStore.open({ dir });
  let chat = ops.createChat({ character: testCharacter(), characterId: "s", env });
  for (let i = 0; i < 2000; i++) chat = ops.sendUserMessage(chat, { text: `message ${i} `.repeat(10), name: "Ann", env });
  const handle = await store.create(chat);
  const snapshotBytes = (await stat(snapshotPath(dir, chat.id))).size;
  const next = ops.sendUserMessage(chat, { text: "one more", name: "Ann", env });
  const stats = await handle.save(next);
  assert.equal(stats.compacted, false);
  assert.ok(stats.bytesWritten < 2000, `wrote ${stats.bytesWritten} bytes`);
  assert.equal((await stat(snapshotPath(dir, chat.id))).size, snapshotBytes, "the snapshot is not rewritten");
  assert.deepEqual(await reopen(dir, chat.id), next);
});

test("when the journal outgrows the snapshot the chat is compacted, and reads back the same", async () => {
  const dir = await tempChats();
  const env = testEnv();
  const store = await ChatStore.open({ dir });
  const handle = await store.create(ops.createChat({ character: testCharacter(), characterId: "s", env }));
  let compactions = 0;
  for (let i = 0; i < 300; i++) {
    const stats = await handle.save(ops.sendUserMessage(handle.chat, { text: "x".repeat(500), name: "Ann", env }));
    if (stats.compacted) compactions++;
  }
  assert.ok(compactions >= 1 && compactions < 10, `${compactions} compactions`);
  assert.ok((await stat(journalPath(dir, handle.chat.id))).size <= Math.max((await stat(snapshotPath(dir, handle.chat.id))).size, 64 * 1024));
  assert.deepEqual(await reopen(dir, handle.chat.id), handle.chat);
});

test("a journal line torn by a crash is left out: the chat opens as it was before that save", async () => {
  const dir = await tempChats();
  const env = testEnv();
  const store = await ChatStore.open({ dir });
  const handle = await store.create(ops.createChat({ character: testCharacter(), characterId: "s", env }));
  const before = ops.sendUserMessage(handle.chat, { text: "kept", name: "Ann", env });
  await handle.save(before);
  await appendFile(journalPath(dir, before.id), '{"g":0,"from":1,"messages":[{"id":"x","ro');
  const reopened = await (await ChatStore.open({ dir })).open(before.id);
  assert.deepEqual(reopened.chat, before);
  const after = ops.sendUserMessage(reopened.chat, { text: "next", name: "Ann", env });
  const stats = await reopened.save(after);
  assert.equal(stats.compacted, true, "the next save rewrites the chat clean");
  assert.deepEqual(await reopen(dir, before.id), after);
});

test("journal lines from before a compaction are ignored (crash between snapshot and journal reset)", async () => {
  const dir = await tempChats();
  const env = testEnv();
  const store = await ChatStore.open({ dir });
  const handle = await store.create(ops.createChat({ character: testCharacter(), characterId: "s", env }));
  await handle.save(ops.sendUserMessage(handle.chat, { text: "one", name: "Ann", env }));
  const stale = await readFile(journalPath(dir, handle.chat.id), "utf8");
  await appendFile(journalPath(dir, handle.chat.id), "{torn");
  const reopened = await (await ChatStore.open({ dir })).open(handle.chat.id);
  const final = ops.sendUserMessage(reopened.chat, { text: "two", name: "Ann", env });
  await reopened.save(final);
  await writeFile(journalPath(dir, handle.chat.id), stale);
  assert.deepEqual(await reopen(dir, handle.chat.id), final);
});

test("a save that cannot be written changes nothing on disk or in the handle", async () => {
  const dir = await tempChats();
  const env = testEnv();
  const store = await ChatStore.open({ dir });
  const chat = ops.createChat({ character: testCharacter(), characterId: "s", env });
  const handle = await store.create(chat);
  const bad = { ...chat, loreState: { big: 1n } } as unknown as Chat; // BigInt cannot be serialized
  await assert.rejects(handle.save(bad));
  assert.equal(handle.chat, chat);
  assert.deepEqual(await reopen(dir, chat.id), chat);
  assert.deepEqual((await readdir(dir)).filter((f) => f.endsWith(".tmp")), []);
});

test("open by title or prefix; delete moves the files to the trash; rename keeps messages", async () => {
  const dir = await tempChats();
  const env = testEnv();
  const store = await ChatStore.open({ dir });
  const a = ops.createChat({ character: testCharacter(), characterId: "s", env, title: "Forest walk" });
  const b = ops.createChat({ character: testCharacter(), characterId: "s", env, title: "Forest fire" });
  await store.create(a);
  await store.create(b);
  assert.equal((await store.open("forest walk")).chat.id, a.id);
  assert.throws(() => store.resolve("Forest"), /matches 2 chats/);
  assert.throws(() => store.resolve("Desert"), /no chat named "Desert"/);
  const renamed = await store.rename("Forest fire", "Ashes");
  assert.equal(renamed.title, "Ashes");
  assert.deepEqual((await reopen(dir, b.id)).messages, b.messages);
  const trash = await store.delete(a.id);
  assert.deepEqual(await readdir(trash), [`${a.id}.json`]);
  assert.deepEqual((await ChatStore.open({ dir })).list().map((c) => c.title), ["Ashes"]);
  await assert.rejects(store.open(a.id), /no chat named/);
});

test("a lost index is rebuilt from the chat files", async () => {
  const dir = await tempChats();
  const env = testEnv();
  const store = await ChatStore.open({ dir });
  const handle = await store.create(ops.createChat({ character: testCharacter(), characterId: "s", env, title: "Kept" }));
  await handle.save(ops.sendUserMessage(handle.chat, { text: "hi", name: "Ann", env }));
  await rm(join(dir, "index.json"));
  const list = (await ChatStore.open({ dir })).list();
  assert.deepEqual(list.map((c) => [c.title, c.messageCount]), [["Kept", 2]]);
});

test("chat ids that are not safe file names are refused", async () => {
  const store = await ChatStore.open({ dir: await tempChats() });
  const chat = ops.createChat({ character: testCharacter(), characterId: "s", env: { ...testEnv(), newId: () => "../evil" } });
  await assert.rejects(store.create(chat), /must be letters, digits/);
});

test("two taproom processes saving chats do not drop each other's from the index", async () => {
  const dir = await tempChats();
  const env = testEnv();
  const tui = await ChatStore.open({ dir });
  const cli = await ChatStore.open({ dir });
  const a = await tui.create(ops.createChat({ character: testCharacter(), characterId: "s", env, title: "A" }));
  await cli.create(ops.createChat({ character: testCharacter(), characterId: "s", env, title: "B" }));
  await a.save(ops.sendUserMessage(a.chat, { text: "hi", name: "Ann", env }));
  assert.deepEqual((await ChatStore.open({ dir })).list().map((c) => c.title).sort(), ["A", "B"]);
});

test("a corrupt index is set aside and rebuilt from the chat files", async () => {
  const dir = await tempChats();
  const env = testEnv();
  const store = await ChatStore.open({ dir });
  await store.create(ops.createChat({ character: testCharacter(), characterId: "s", env, title: "Kept" }));
  await writeFile(join(dir, "index.json"), "{ torn");
  assert.deepEqual((await ChatStore.open({ dir })).list().map((c) => c.title), ["Kept"]);
  assert.ok((await readdir(dir)).some((f) => f.startsWith("index.json.corrupt-")));
});

test("saves in quick succession leave the index for later; a crash before the flush is healed on open", async () => {
  const dir = await tempChats();
  const env = testEnv();
  const store = await ChatStore.open({ dir, indexWriteIntervalMs: 60_000 });
  const handle = await store.create(ops.createChat({ character: testCharacter(), characterId: "s", env, title: "Quick" }));
  const indexBefore = await readFile(join(dir, "index.json"), "utf8");
  for (let i = 0; i < 5; i++) {
    const stats = await handle.save(ops.sendUserMessage(handle.chat, { text: `m${i}`, name: "Ann", env }));
    assert.equal(stats.indexWritten, false);
  }
  assert.equal(await readFile(join(dir, "index.json"), "utf8"), indexBefore, "the index was not rewritten");
  assert.equal(store.list()[0]!.messageCount, 6, "this process already lists the new count");
  // Another process (or this one after a crash) opens the store: the entry is read again.
  assert.equal((await ChatStore.open({ dir })).list()[0]!.messageCount, 6);
  await handle.flush();
  assert.equal((JSON.parse(await readFile(join(dir, "index.json"), "utf8")) as { chats: Record<string, { messageCount: number }> }).chats[handle.chat.id]!.messageCount, 6);
});

test("a renamed chat is written to the index at once", async () => {
  const dir = await tempChats();
  const env = testEnv();
  const store = await ChatStore.open({ dir, indexWriteIntervalMs: 60_000 });
  const handle = await store.create(ops.createChat({ character: testCharacter(), characterId: "s", env, title: "Old" }));
  const stats = await handle.save(ops.renameChat(handle.chat, "New", env));
  assert.equal(stats.indexWritten, true);
  assert.match(await readFile(join(dir, "index.json"), "utf8"), /"title":"New"/);
});

test("a draft survives reopening, is listed, and saving it appends a line of its own size: no snapshot, no header", async () => {
  const dir = await tempChats();
  const env = testEnv();
  const store = await ChatStore.open({ dir, indexWriteIntervalMs: 60_000 });
  let chat = ops.createChat({ character: testCharacter(), characterId: "s", env });
  for (let i = 0; i < 2000; i++) chat = ops.sendUserMessage(chat, { text: `message ${i} `.repeat(10), name: "Ann", env });
  // An imported chat's header carries SillyTavern's metadata: a draft line must not repeat it.
  chat = { ...chat, extra: { chat_metadata: { note_prompt: "n".repeat(20_000) } } };
  const handle = await store.create(chat);
  const snapshotBytes = (await stat(snapshotPath(dir, chat.id))).size;
  const paragraph = "I lean over the map and trace the river with one finger, ".repeat(8).trim();
  const drafted = ops.setDraft(handle.chat, paragraph, env);
  const stats = await handle.save(drafted);
  assert.equal(stats.compacted, false);
  assert.equal(stats.indexWritten, false);
  assert.ok(stats.bytesWritten < paragraph.length + 120, `wrote ${stats.bytesWritten} bytes for a ${paragraph.length}-character draft`);
  assert.equal((await stat(snapshotPath(dir, chat.id))).size, snapshotBytes, "the snapshot is not rewritten");
  assert.equal(store.list()[0]!.hasDraft, true, "this process lists the draft at once");
  const reopened = await ChatStore.open({ dir });
  assert.equal(reopened.list()[0]!.hasDraft, true, "and the next one too");
  assert.deepEqual((await reopened.open(chat.id)).chat, drafted);

  // Typing on, then clearing: each is one line; the chat reads back as last saved.
  const longer = ops.setDraft(drafted, `${paragraph} Then I stop.`, env);
  await handle.save(longer);
  assert.equal((await reopen(dir, chat.id)).draft, `${paragraph} Then I stop.`);
  const cleared = ops.setDraft(longer, "", env);
  assert.ok((await handle.save(cleared)).bytesWritten < 120);
  assert.deepEqual(await reopen(dir, chat.id), cleared);
  assert.equal("hasDraft" in (await ChatStore.open({ dir })).list()[0]!, false);
});

test("a draft line between message saves replays in order; older journal readers skip it (no generation key)", async () => {
  const dir = await tempChats();
  const env = testEnv();
  const store = await ChatStore.open({ dir });
  const handle = await store.create(ops.createChat({ character: testCharacter(), characterId: "s", env }));
  await handle.save(ops.setDraft(handle.chat, "Hel", env));
  await handle.save(ops.setVariables(handle.chat, { mood: "wary" }, env));
  await handle.save(ops.setDraft(handle.chat, "Hello there", env));
  const sent = ops.sendUserMessage(handle.chat, { text: "Hello there", name: "Ann", env });
  await handle.save(sent);
  assert.deepEqual(await reopen(dir, handle.chat.id), sent);
  assert.equal(sent.draft, undefined);
  const lines = (await readFile(journalPath(dir, handle.chat.id), "utf8")).trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(lines.map((l) => ("g" in l ? "change" : "draft")), ["draft", "change", "draft", "change"]);
  assert.equal((lines[1]!.header as { draft?: string }).draft, "Hel", "a change line carries the draft in its header");
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runSlashCommand } from "../../../src/ui/commands/index.ts";
import { createApp } from "../../../src/app/app.ts";
import { ChatStore } from "../../../src/store/chats/chatStore.ts";
import { recordingContext } from "../../support/commandContext.ts";
import { said, seedChat } from "../../support/seedChat.ts";

test("/branch asks the screen for a branch from the last message", () => {
  const r = recordingContext();
  runSlashCommand("/branch", r.ctx);
  assert.deepEqual(r.calls, ["branch"]);
});

test("a branch is a new saved chat with the messages up to the chosen one; the original stays", async () => {
  const home = await mkdtemp(join(tmpdir(), "taproom-branch-"));
  const chatId = await seedChat(home, "Brindle", [said("u1", "user", "first"), said("a1", "assistant", "one"), said("u2", "user", "second")]);
  const app = createApp({ env: { TAPROOM_HOME: home } });
  const chat = await app.chats.open({ chatId });
  const greeting = chat.chat().messages[0]!;
  const target = await chat.branch(1);
  assert.equal(target.characterId, chat.characterId);
  const branched = await app.chats.open(target);
  assert.notEqual(branched.chat().id, chat.chat().id);
  assert.deepEqual(branched.chat().messages.map((m) => m.swipes[0]?.text), [greeting.swipes[0]?.text, "first"]);
  await app.close();
  const store = await ChatStore.open({ dir: join(home, "chats") });
  const original = (await store.open(chat.chat().id)).chat;
  assert.equal(original.messages.length, 4, "the original chat keeps every message");
  assert.equal(store.list().length, 2);
});

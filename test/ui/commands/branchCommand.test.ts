import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runSlashCommand } from "../../../src/ui/commands/index.ts";
import { createAppServices } from "../../../src/ui/app/createServices.ts";
import { ChatStore } from "../../../src/store/chats/chatStore.ts";
import { recordingContext } from "../../support/commandContext.ts";

test("/branch asks the screen for a branch from the last message", () => {
  const r = recordingContext();
  runSlashCommand("/branch", r.ctx);
  assert.deepEqual(r.calls, ["branch"]);
});

test("a branch is a new saved chat with the messages up to the chosen one; the original stays", async () => {
  const home = await mkdtemp(join(tmpdir(), "taproom-branch-"));
  const app = await createAppServices({}, { TAPROOM_HOME: home });
  const chat = await app.services.openChat({ characterId: "Brindle" });
  const greeting = chat.initialMessages[0]!;
  const said = (id: string, role: "user" | "assistant", text: string) => ({ id, role, name: role === "user" ? "You" : "Brindle", swipes: [{ text, sentAt: "2026-01-01T00:00:00Z" }], swipeIndex: 0 });
  chat.services.saveMessages?.([greeting, said("u1", "user", "first"), said("a1", "assistant", "one"), said("u2", "user", "second")]);
  const target = await chat.services.branch!(1);
  assert.equal(target.characterId, chat.characterId);
  const branched = await app.services.openChat(target);
  assert.notEqual(branched.chatId, chat.chatId);
  assert.deepEqual(branched.initialMessages.map((m) => m.swipes[0]?.text), [greeting.swipes[0]?.text, "first"]);
  await app.close();
  const store = await ChatStore.open({ dir: join(home, "chats") });
  const original = (await store.open(chat.chatId)).chat;
  assert.equal(original.messages.length, 4, "the original chat keeps every message");
  assert.equal(store.list().length, 2);
});

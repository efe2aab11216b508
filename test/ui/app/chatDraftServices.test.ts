import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAppServices } from "../../../src/ui/app/createServices.ts";
import { resolveSamplers } from "../../../src/core/samplers/validate.ts";
import type { ChatMessage } from "../../../src/core/chat/types.ts";
import { writeTinyChatModel } from "../../support/tinyGguf.ts";

test("a draft typed while a reply is written survives the end of the turn and the reply's save", async () => {
  const home = await mkdtemp(join(tmpdir(), "taproom-draft-turn-"));
  await mkdir(join(home, "models"));
  const path = await writeTinyChatModel(join(home, "models", "tiny.gguf"));
  let app = await createAppServices({ gpu: "cpu", threads: 1, contextSize: 2048 }, { TAPROOM_HOME: home });
  let chatId: string;
  try {
    const chat = await app.services.openChat({ characterId: "Brindle" });
    chatId = chat.chatId;
    await app.services.models.load(path);
    const user: ChatMessage = { id: "u1", role: "user", name: "You", swipes: [{ text: "Evening.", sentAt: "" }], swipeIndex: 0 };
    const messages = [...chat.initialMessages, user];
    const turn = chat.services.generate({
      mode: "reply",
      messages,
      characterName: chat.characterName,
      samplers: resolveSamplers({ temperature: 0, maxTokens: 40 }),
      signal: new AbortController().signal,
      onText: () => {},
    });
    chat.services.saveDraft?.("And another thing");
    const result = await turn;
    const reply: ChatMessage = { id: "a1", role: "assistant", name: "Brindle", swipes: [{ text: result.text, sentAt: "" }], swipeIndex: 0 };
    chat.services.saveMessages?.([...messages, reply]);
  } finally {
    await app.close();
  }
  app = await createAppServices({}, { TAPROOM_HOME: home });
  try {
    const reopened = await app.services.openChat({ characterId: "Brindle", chatId });
    assert.equal(reopened.initialMessages.length, 3);
    assert.equal(reopened.draft, "And another thing");
  } finally {
    await app.close();
  }
});

test("a save that fails (the chats folder is gone) is reported to the screen, not swallowed", async () => {
  const home = await mkdtemp(join(tmpdir(), "taproom-save-fail-"));
  const app = await createAppServices({}, { TAPROOM_HOME: home });
  try {
    const chat = await app.services.openChat({ characterId: "Brindle" });
    const failures: string[] = [];
    const unsubscribe = chat.services.onSaveError!((message) => failures.push(message));
    await rm(join(home, "chats"), { recursive: true, force: true });
    await writeFile(join(home, "chats"), "not a folder");
    const user: ChatMessage = { id: "u1", role: "user", name: "You", swipes: [{ text: "Evening.", sentAt: "" }], swipeIndex: 0 };
    chat.services.saveMessages?.([...chat.initialMessages, user]);
    for (const deadline = Date.now() + 30_000; failures.length === 0 && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 20));
    assert.equal(failures.length, 1, "one report for one failed save");
    assert.match(failures[0]!, /ENOTDIR|ENOENT|not a directory|no such file/i);
    unsubscribe();
  } finally {
    await app.close().catch(() => {});
  }
});

// Issue 14, finding 4: one writer per chat through the application layer. A chat open in
// another taproom (the chat screen) is held: a second writer waits, then is refused naming
// the holder; once let go, it opens the chat with what the first one wrote.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp } from "../../../src/app/app.ts";
import { ChatLockedError } from "../../../src/app/chats/chats.ts";

const holder = new URL("../../support/holdChat.ts", import.meta.url).pathname;

test("a chat open in another taproom is refused with who holds it; once closed there, it opens with that one's changes", { timeout: 120_000 }, async () => {
  const home = await mkdtemp(join(tmpdir(), "taproom-app-lock-"));
  const first = createApp({ env: { TAPROOM_HOME: home } });
  const created = await first.chats.open({ characterId: "Brindle", fresh: true });
  const id = created.chat().id;
  await created.close();
  await first.close();

  const child = spawn(process.execPath, ["--import", "tsx", holder, home, id, "Rain all night."], { stdio: ["pipe", "pipe", "inherit"] });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.setEncoding("utf8").on("data", (t: string) => t.includes("held") && resolve());
      child.once("exit", (code) => reject(new Error(`the holder exited with ${code} before holding the chat`)));
    });
    const second = createApp({ env: { TAPROOM_HOME: home }, chatLock: { purpose: "taproom chat", waitMs: 300 } });
    await assert.rejects(second.chats.open({ chatId: id }), (e: Error) =>
      e instanceof ChatLockedError && e.message.includes(`${id}.json: this chat is being written by the chat screen (process ${child.pid}`) && !e.message.includes("\n"));
    // A reader (taproom prompt) is never refused.
    assert.equal((await second.chats.open({ chatId: id, unsaved: true })).chat().id, id);
    await second.close();
  } finally {
    child.stdin.end();
    await exited;
  }
  const third = createApp({ env: { TAPROOM_HOME: home }, chatLock: { purpose: "taproom chat", waitMs: 30_000 } });
  const session = await third.chats.open({ chatId: id });
  assert.equal(session.chat().settings.authorsNote?.text, "Rain all night.", "what the holder wrote is read after it let go");
  await third.close();
});

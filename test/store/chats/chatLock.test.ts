// Issue 14, finding 4: two processes writing one chat lost 3 of 6 exchanges. One writer at a time now.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import * as ops from "../../../src/core/chat/operations.ts";
import { acquireChatLock, ChatLockedError } from "../../../src/store/chats/chatLock.ts";
import { ChatChangedError, ChatStore } from "../../../src/store/chats/chatStore.ts";
import { runCli } from "../../../src/cli/main.ts";
import { captureIO } from "../../support/cliIO.ts";
import { testCharacter, testEnv } from "../../support/chatFixtures.ts";
import { writeTinyChatModel } from "../../support/tinyGguf.ts";

const run = promisify(execFile);
const bin = new URL("../../../bin/taproom.js", import.meta.url).pathname;

test("two real taproom chat processes on one chat, three rounds: every message and reply is kept", { timeout: 600_000 }, async () => {
  const home = await mkdtemp(join(tmpdir(), "taproom-two-writers-"));
  const model = await writeTinyChatModel(join(home, "tiny.gguf"));
  const io = captureIO({ TAPROOM_HOME: home });
  const args = ["--model", model, "--temperature", "0", "--threads", "1", "--context", "2048", "--gpu", "cpu"];
  assert.equal(await runCli(["chat", ...args, "--character", "Brindle", "--new-chat", "shared", "--message", "opening"], io), 0, io.err());
  const env = { ...process.env, TAPROOM_HOME: home };
  for (let round = 0; round < 3; round++) {
    await Promise.all(["A", "B"].map((who) => run(process.execPath, [bin, "chat", ...args, "--chat", "shared", "--message", `${who}${round}`], { env })));
  }
  const store = await ChatStore.open({ dir: join(home, "chats") });
  const chat = (await store.open("shared")).chat;
  const texts = chat.messages.map((m) => m.swipes[m.swipeIndex]!.text);
  for (let round = 0; round < 3; round++) for (const who of ["A", "B"]) assert.equal(texts.filter((t) => t === `${who}${round}`).length, 1, `${who}${round} in ${JSON.stringify(texts)}`);
  // Greeting, then 7 exchanges: each user message followed by its reply.
  assert.equal(chat.messages.length, 1 + 7 * 2);
  chat.messages.slice(1).forEach((m, i) => assert.equal(m.role, i % 2 === 0 ? "user" : "assistant"));
});

test("a second writer is refused with the file and who holds it; a lock whose process died is taken over", { timeout: 60_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), "taproom-lock-"));
  const holder = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
  try {
    const path = join(dir, "c.lock");
    await mkdir(path);
    await writeFile(join(path, "owner.json"), JSON.stringify({ pid: holder.pid, host: (await import("node:os")).hostname(), since: "2026-01-01T00:00:00Z", purpose: "the chat screen", token: "t" }));
    await assert.rejects(acquireChatLock(path, "/chats/c.json", { waitMs: 200 }), (e: Error) => e instanceof ChatLockedError && /^\/chats\/c\.json: this chat is being written by the chat screen \(process \d+, since/.test(e.message));
  } finally {
    holder.kill();
  }
  await new Promise((r) => holder.once("exit", r));
  const lock = await acquireChatLock(join(dir, "c.lock"), "/chats/c.json", { waitMs: 10_000 });
  await lock.release();
  // A lock whose owner never wrote its name and went quiet is stale too.
  await mkdir(join(dir, "d.lock"));
  const quiet = await acquireChatLock(join(dir, "d.lock"), "/chats/d.json", { staleMs: 1, waitMs: 10_000 });
  await quiet.release();
});

test("a handle opened without the lock refuses to save over what another writer saved meanwhile", async () => {
  const dir = await mkdtemp(join(tmpdir(), "taproom-lock-"));
  const env = testEnv();
  const store = await ChatStore.open({ dir });
  const created = await store.create(ops.createChat({ character: testCharacter(), characterId: "c", env }));
  await created.close();
  const first = await store.open(created.chat.id);
  const second = await store.open(created.chat.id);
  await second.save(ops.sendUserMessage(second.chat, { text: "from the other one", name: "You", env }));
  await second.close();
  await assert.rejects(first.save(ops.sendUserMessage(first.chat, { text: "stale", name: "You", env })), (e: Error) => e instanceof ChatChangedError && e.message.includes(`${created.chat.id}.json: another taproom saved this chat`));
  const texts = (await store.open(created.chat.id)).chat.messages.map((m) => m.swipes[0]!.text);
  assert.deepEqual(texts.slice(1), ["from the other one"]);
});

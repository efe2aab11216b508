import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runSlashCommand } from "../../../src/ui/commands/index.ts";
import { createApp } from "../../../src/app/app.ts";
import { parseChatJsonl } from "../../../src/core/chat/jsonl.ts";
import { systemChatEnv } from "../../../src/core/chat/operations.ts";
import { recordingContext } from "../../support/commandContext.ts";
import { said, seedChat } from "../../support/seedChat.ts";

test("/export passes the path given, or none for the exports folder", () => {
  const r = recordingContext();
  runSlashCommand("/export", r.ctx);
  runSlashCommand("/export  ~/chat.jsonl ", r.ctx);
  assert.deepEqual(r.calls, ["export:(default)", "export:~/chat.jsonl"]);
});

test("the chat is written as SillyTavern JSONL into the exports folder, or to the path given", async () => {
  const home = await mkdtemp(join(tmpdir(), "taproom-export-"));
  const chatId = await seedChat(home, "Brindle", [said("u1", "user", "A pint, please.")]);
  const app = createApp({ env: { TAPROOM_HOME: home } });
  const chat = await app.chats.open({ chatId });
  const file = await chat.exportTo();
  assert.ok(file.startsWith(join(home, "exports")), file);
  assert.match(file, /\.jsonl$/);
  const text = await readFile(file, "utf8");
  const lines = text.trim().split("\n").map((l) => JSON.parse(l));
  assert.equal(lines.length, 3, "a metadata line, then one line per message");
  assert.equal(lines[2].mes, "A pint, please.");
  assert.equal(lines[2].is_user, true);
  const back = parseChatJsonl({ text, file, env: systemChatEnv, title: "back" });
  assert.equal(back.messages.length, 2);
  const chosen = join(home, "elsewhere", "mine.jsonl");
  assert.equal(await chat.exportTo(chosen), chosen);
  assert.equal(await readFile(chosen, "utf8"), text);
  await app.close();
});

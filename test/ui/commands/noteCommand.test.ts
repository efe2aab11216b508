import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runSlashCommand } from "../../../src/ui/commands/index.ts";
import { createApp } from "../../../src/app/app.ts";
import { ChatStore } from "../../../src/store/chats/chatStore.ts";
import { importChatJsonl } from "../../../src/store/chats/chatTransfer.ts";
import { recordingContext } from "../../support/commandContext.ts";

test("/note sets the author's note and /note alone removes it", () => {
  const r = recordingContext();
  runSlashCommand("/note  Keep it short and rainy. ", r.ctx);
  runSlashCommand("/note", r.ctx);
  assert.deepEqual(r.calls, ["note:Keep it short and rainy.", "note:"]);
  assert.deepEqual(r.notes, ["Author's note set: Keep it short and rainy.", "Author's note removed"]);
});

test("the author's note is saved with the chat and comes back when it is reopened", async () => {
  const home = await mkdtemp(join(tmpdir(), "taproom-note-"));
  const env = { TAPROOM_HOME: home };
  const app = createApp({ env: env });
  const chat = await app.chats.open({ characterId: "Brindle" });
  chat.setAuthorsNote("Brindle is tired tonight.");
  await app.close();
  const store = await ChatStore.open({ dir: join(home, "chats") });
  const [entry] = store.list();
  assert.ok(entry);
  const saved = (await store.open(entry.id)).chat;
  assert.deepEqual(saved.settings.authorsNote, { text: "Brindle is tired tonight.", depth: 4, frequency: 1, role: "system" });
  assert.equal(saved.messages[0]?.role, "assistant", "the chat began with Brindle's greeting");
});

test("/note on a chat imported from SillyTavern changes the text and keeps the note's depth, interval and role", async () => {
  const home = await mkdtemp(join(tmpdir(), "taproom-note-st-"));
  const env = { TAPROOM_HOME: home };
  const file = join(home, "from-st.jsonl");
  const meta = { user_name: "You", character_name: "Brindle", create_date: "2026-11-30@20h00m00s", chat_metadata: { note_prompt: "[Rain]", note_depth: 2, note_interval: 3, note_role: 1 } };
  const greeting = { name: "Brindle", is_user: false, is_system: false, send_date: "", mes: "Evening." };
  await writeFile(file, `${JSON.stringify(meta)}\n${JSON.stringify(greeting)}\n`);
  const store = await ChatStore.open({ dir: join(home, "chats") });
  const imported = await importChatJsonl({ file, store, characterName: "Brindle" });
  const app = createApp({ env: env });
  const chat = await app.chats.open({ characterId: imported.characterId, chatId: imported.id });
  chat.setAuthorsNote("[Snow]");
  await app.close();
  const saved = (await (await ChatStore.open({ dir: join(home, "chats") })).open(imported.id)).chat;
  assert.deepEqual(saved.settings.authorsNote, { text: "[Snow]", depth: 2, frequency: 3, role: "user" });
});

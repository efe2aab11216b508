import { test } from "node:test";
import assert from "node:assert/strict";
import { runSlashCommand } from "../../../src/ui/commands/index.ts";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp } from "../../../src/app/app.ts";
import { recordingContext } from "../../support/commandContext.ts";

test("/persona sets the name you speak as; an empty name is refused", () => {
  const r = recordingContext();
  runSlashCommand("/persona  Sir   Galahad ", r.ctx);
  runSlashCommand("/persona", r.ctx);
  assert.deepEqual(r.calls, ["persona:Sir Galahad"]);
  assert.deepEqual(r.notes, ["You are now Sir Galahad", "/persona needs a name"]);
});

test("/persona switches the chat's persona for good: saved, and used when the chat reopens", async () => {
  const home = await mkdtemp(join(tmpdir(), "taproom-persona-"));
  await writeFile(join(home, "settings.json"), JSON.stringify({ personas: [{ name: "Ada", description: "A sailor." }] }));
  const env = { TAPROOM_HOME: home };
  let app = createApp({ env: env });
  let chat = await app.chats.open({ characterId: "Brindle" });
  assert.deepEqual(chat.personas(), ["Ada"]);
  assert.equal(chat.setPersona("ada"), "Ada", "a saved persona is found whatever the case");
  await app.close();
  app = createApp({ env: env });
  chat = await app.chats.open({ characterId: "Brindle", chatId: chat.chat().id });
  assert.equal(chat.persona().name, "Ada");
  assert.equal(chat.setPersona("Zed the Bold"), "Zed the Bold");
  await app.close();
  app = createApp({ env: env });
  chat = await app.chats.open({ characterId: "Brindle", chatId: chat.chat().id });
  assert.equal(chat.persona().name, "Zed the Bold", "a name that is not a saved persona stays the chat's choice");
  await app.close();
});

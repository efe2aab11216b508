import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { completeCommand, runSlashCommand, slashCommands } from "../../../src/ui/commands/index.ts";
import { createApp } from "../../../src/app/app.ts";
import { ChatStore } from "../../../src/store/chats/chatStore.ts";
import { defaultEntry } from "../../../src/core/lorebook/model.ts";
import { toWorldInfo } from "../../../src/core/lorebook/worldInfo.ts";
import { recordingContext } from "../../support/commandContext.ts";

const available = ["Harbour Town", "The Copper Tankard", "Hollow Peaks"];

test("/lore on NAME attaches a library book by any case; /lore off NAME detaches it", () => {
  const r = recordingContext({ books: { available } });
  runSlashCommand("/lore on harbour town", r.ctx);
  runSlashCommand("/lore on Hollow Peaks", r.ctx);
  runSlashCommand("/lore off HARBOUR TOWN", r.ctx);
  assert.deepEqual(r.calls, ["lore:Harbour Town", "lore:Harbour Town|Hollow Peaks", "lore:Hollow Peaks"]);
  assert.deepEqual(r.notes, [
    "Lorebook Harbour Town attached to this chat (from the next turn)",
    "Lorebook Hollow Peaks attached to this chat (from the next turn)",
    "Lorebook Harbour Town detached from this chat (from the next turn)",
  ]);
});

test("/lore reports unknown names, books not attached, and the character's own book; nothing changes", () => {
  const r = recordingContext({ books: { available, attached: ["Hollow Peaks"], inUse: ["The Copper Tankard"] } });
  runSlashCommand("/lore on Atlantis", r.ctx);
  runSlashCommand("/lore off Harbour Town", r.ctx);
  runSlashCommand("/lore off the copper tankard", r.ctx);
  runSlashCommand("/lore on The Copper Tankard", r.ctx);
  runSlashCommand("/lore on Hollow Peaks", r.ctx);
  runSlashCommand("/lore maybe Atlantis", r.ctx);
  runSlashCommand("/lore on", r.ctx);
  assert.deepEqual(r.calls, []);
  assert.deepEqual(r.notes, [
    '/lore: no lorebook "Atlantis"; there are Harbour Town, The Copper Tankard, Hollow Peaks',
    '/lore off: "Harbour Town" is not attached to this chat (Hollow Peaks)',
    `/lore off: "the copper tankard" comes with the character's card, not with this chat`,
    "Lorebook The Copper Tankard is already in use: it comes with the character",
    "Lorebook Hollow Peaks is already attached to this chat",
    '/lore: expected on or off, got "maybe" (/lore on|off NAME)',
    "/lore on: name a lorebook",
  ]);
});

test("/lore alone lists the chat's books and the character's", () => {
  const none = recordingContext({ books: { available } });
  runSlashCommand("/lore", none.ctx);
  assert.deepEqual(none.notes, ["Lorebooks none attached to this chat"]);
  const some = recordingContext({ books: { available, attached: ["Hollow Peaks"], inUse: ["Brindle (card)", "The Copper Tankard"] } });
  runSlashCommand("/lore", some.ctx);
  assert.deepEqual(some.notes, ["Lorebooks attached to this chat: Hollow Peaks; from the character: Brindle (card), The Copper Tankard"]);
});

test("Tab completes /lore's verb, then book names: the library's for on, the attached for off", () => {
  const r = recordingContext({ books: { available, attached: ["Hollow Peaks"] } });
  assert.deepEqual(completeCommand("/lo", slashCommands, r.ctx), ["/lore "]);
  assert.deepEqual(completeCommand("/lore o", slashCommands, r.ctx), ["/lore on ", "/lore off "]);
  assert.deepEqual(completeCommand("/lore on ", slashCommands, r.ctx), ["/lore on Harbour Town", "/lore on The Copper Tankard"]);
  assert.deepEqual(completeCommand("/lore on h", slashCommands, r.ctx), ["/lore on Harbour Town"]);
  assert.deepEqual(completeCommand("/lore off ", slashCommands, r.ctx), ["/lore off Hollow Peaks"]);
  assert.deepEqual(completeCommand("/temp 1", slashCommands, r.ctx), [], "commands without argument completion give none");
});

test("setLorebooks saves the chat's books and the next turn's books are reloaded at once", async () => {
  const home = await mkdtemp(join(tmpdir(), "taproom-lore-cmd-"));
  const env = { TAPROOM_HOME: home };
  await mkdir(join(home, "lorebooks"), { recursive: true });
  const book = { name: "Harbour Town", entries: [{ ...defaultEntry(0), key: ["docks"], content: "Fog." }], extra: {} };
  await writeFile(join(home, "lorebooks", "Harbour Town.json"), JSON.stringify({ ...toWorldInfo(book), name: book.name }));
  const app = createApp({ env: env });
  const chat = await app.chats.open({ characterId: "Brindle" });
  const before = chat.lorebooks();
  assert.deepEqual(before?.attached, []);
  assert.deepEqual(before?.inUse, ["The Copper Tankard"], "Brindle's card names the sample book");
  assert.ok(before?.available.includes("Harbour Town"));
  assert.deepEqual(await chat.setLorebooks(["Harbour Town"]), []);
  // The chat's own books come first: they take the lore budget before the character's.
  assert.deepEqual(chat.lorebooks().inUse, ["Harbour Town", "The Copper Tankard"]);
  await app.close();
  const store = await ChatStore.open({ dir: join(home, "chats") });
  const [entry] = store.list();
  assert.ok(entry);
  assert.deepEqual((await store.open(entry.id)).chat.settings.lorebooks, ["Harbour Town"]);
  const again = createApp({ env: env });
  const reopened = await again.chats.open({ characterId: "Brindle" });
  assert.deepEqual(reopened.lorebooks().attached, ["Harbour Town"]);
  assert.equal(reopened.notice, null, "the attached book was found");
  await reopened.setLorebooks([]);
  assert.deepEqual(reopened.lorebooks().inUse, ["The Copper Tankard"]);
  await again.close();
});

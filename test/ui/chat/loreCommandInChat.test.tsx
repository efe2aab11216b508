import { test } from "node:test";
import assert from "node:assert/strict";
import { parseWorldInfo } from "../../../src/core/lorebook/worldInfo.ts";
import { scriptedSession } from "../../support/fakeServices.ts";
import { mountChat } from "../../support/chatScreen.tsx";
import { tick, until } from "../../support/frames.ts";


test("in the chat, Tab completes /lore on with a book name and Enter attaches it through the chat session", async () => {
  const set: string[][] = [];
  const tankard = parseWorldInfo({ entries: {} }, { file: "t.json", name: "The Copper Tankard" });
  const fake = scriptedSession([], {
    characterName: "Brindle",
    deps: {
      books: [tankard],
      available: ["The Copper Tankard", "Harbour Town"],
      availableBooks: async () => ["The Copper Tankard", "Harbour Town"],
      async loadBooks(names) {
        set.push(names ?? []);
        return { books: [tankard], tiers: [0], problems: ['lorebook "Harbour Town" is not in the library'] };
      },
    },
  });
  const app = mountChat(fake.session);
  await tick();
  app.stdin.write("/lore on h");
  await until(app.lastFrame, (f) => f.includes("│ /lore on h"), "the typed command");
  app.stdin.write("\t");
  await until(app.lastFrame, (f) => f.includes("│ /lore on Harbour Town"), "the completed name");
  await tick();
  app.stdin.write("\r");
  await until(app.lastFrame, (f) => f.includes('lorebook "Harbour Town" is not in the library'), "the problem the reload found");
  assert.deepEqual(set, [["Harbour Town"]]);
  app.unmount();
});

test("/lore on saves the book with the chat: the session's chat names it", async () => {
  const fake = scriptedSession([], { deps: { available: ["Harbour Town"], availableBooks: async () => ["Harbour Town"] } });
  const app = mountChat(fake.session);
  await tick();
  app.stdin.write("/lore on Harbour Town");
  await tick();
  app.stdin.write("\r");
  await until(() => String(fake.saved.length), (n) => n !== "0", "the save");
  assert.deepEqual(fake.saved.at(-1)?.settings.lorebooks, ["Harbour Town"]);
  app.unmount();
});

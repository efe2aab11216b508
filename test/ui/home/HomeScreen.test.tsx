import { test } from "node:test";
import assert from "node:assert/strict";
import React from "react";
import { render } from "ink-testing-library";
import { App } from "../../../src/ui/app/App.tsx";
import { PrintLogProvider } from "../../../src/ui/app/PrintLog.tsx";
import { defaultKeybindings } from "../../../src/ui/app/keybindings.ts";
import { homeItems } from "../../../src/ui/home/homeItems.ts";
import { card, chatEntry, fakeAppServices, noEditor } from "../../support/fakeAppServices.ts";
import { tick, until } from "../../support/frames.ts";

const now = new Date("2026-12-01T20:00:00Z");


const stdout = { columns: 100, rows: 24, on() {}, off() {} };
const library = [card("brindle", "Brindle", ["tavern"], true), card("mira", "Mira", ["noir", "mystery"])];
const chats = [chatEntry("c2", "mira", "Mira", "2026-12-01T19:55:00Z", 14), chatEntry("c1", "brindle", "Brindle", "2026-11-29T10:00:00Z", 3)];

function mountApp(fake: ReturnType<typeof fakeAppServices>, start: { characterId: string } | null = null) {
  let quit = 0;
  const app = render(
    <PrintLogProvider>
      <App app={fake.services} editExternally={noEditor} stdout={stdout} color={false} keybindings={defaultKeybindings} start={start} onQuit={() => quit++} />
    </PrintLogProvider>,
  );
  return { ...app, quits: () => quit };
}

test("home lists recent chats newest first, then every character, numbered for one-key opening", () => {
  const items = homeItems(chats, library, now);
  assert.deepEqual(items.map((i) => i.label), ["Mira · Mira chat c2", "Brindle · Brindle chat c1", "Brindle", "Mira"]);
  assert.equal(items[0]?.detail, "14 messages · 5m ago");
  assert.equal(items[1]?.detail, "3 messages · 2d ago");
  assert.equal(items[2]?.detail, "sample · tavern");
  assert.deepEqual(items[0]?.target, { characterId: "mira", chatId: "c2" });
  assert.deepEqual(items[3]?.target, { characterId: "mira" });
});

test("names from downloaded cards reach the home list inert", () => {
  const [item] = homeItems([], [card("evil", "Evil\x1b]0;pwned\x07 Twin")], now);
  assert.equal(item?.label, "Evil Twin");
});

test("Enter on the home screen resumes the latest chat; Ctrl+O goes back home", async () => {
  const fake = fakeAppServices(chats, library);
  const app = mountApp(fake);
  const home = await until(app.lastFrame, (f) => f.includes("Recent chats"), "the home screen");
  assert.match(home, /› 1 Mira · Mira chat c2\s+14 messages/);
  assert.match(home, /Characters\n.*3 Brindle/);
  await tick();
  app.stdin.write("\r");
  await until(app.lastFrame, (f) => f.includes("? help"), "the chat screen");
  assert.deepEqual(fake.opened, [{ characterId: "mira", chatId: "c2" }]);
  await tick();
  app.stdin.write("\x0f");
  await until(app.lastFrame, (f) => f.includes("Recent chats"), "home again");
  app.unmount();
});

test("a digit opens that row at once; n starts a new chat with the selected row's character", async () => {
  const fake = fakeAppServices(chats, library);
  const app = mountApp(fake);
  await until(app.lastFrame, (f) => f.includes("Recent chats"), "the home screen");
  await tick();
  app.stdin.write("3");
  await until(app.lastFrame, (f) => f.includes("? help"), "the chat");
  assert.deepEqual(fake.opened.at(-1), { characterId: "brindle" });
  await tick();
  app.stdin.write("\x0f");
  await until(app.lastFrame, (f) => f.includes("Recent chats"), "home again");
  await tick();
  app.stdin.write("\x1b[B");
  await tick();
  app.stdin.write("n");
  await until(app.lastFrame, (f) => f.includes("? help"), "the new chat");
  assert.deepEqual(fake.opened.at(-1), { characterId: "brindle", fresh: true });
  app.unmount();
});

test("--character opens its chat straight away; q on the home screen quits", async () => {
  const fake = fakeAppServices(chats, library);
  const app = mountApp(fake, { characterId: "brindle" });
  await until(app.lastFrame, (f) => f.includes("Hello from Brindle."), "the chat with its greeting");
  await tick();
  app.stdin.write("\x0f");
  await until(app.lastFrame, (f) => f.includes("Recent chats"), "home");
  await tick();
  app.stdin.write("q");
  await tick();
  assert.equal(app.quits(), 1);
  app.unmount();
});

test("an empty library says how to begin", async () => {
  const app = mountApp(fakeAppServices([], []));
  await until(app.lastFrame, (f) => f.includes("No characters yet"), "the empty notice");
  app.unmount();
});

test("a chat whose card was deleted stays listed, marked; it opens, and u restores the card", async () => {
  const wren = card("wren", "Wren", ["forest"]);
  const fake = fakeAppServices([chatEntry("c3", "wren", "Wren", "2026-12-01T19:58:00Z", 6), ...chats], [...library], { trashed: [wren] });
  const app = mountApp(fake);
  const home = await until(app.lastFrame, (f) => f.includes("Recent chats"), "the home screen");
  assert.match(home, /› 1 Wren \(card deleted\) · Wren chat c3\s+6 messages/);
  assert.match(home, /2 Mira · Mira chat c2/, "other chats are not marked");
  assert.doesNotMatch(home, /Characters\n(.*\n)*.*Wren/, "a deleted card is not among the characters");
  assert.match(home, /› 1 Wren \(card deleted\) · Wren chat c3\s+6 messages · .* · u restores the card/);
  await tick();
  app.stdin.write("\r");
  await until(app.lastFrame, (f) => f.includes("? help"), "the chat of the deleted card");
  assert.deepEqual(fake.opened.at(-1), { characterId: "wren", chatId: "c3" });
  await tick();
  app.stdin.write("\x0f");
  await until(app.lastFrame, (f) => f.includes("Recent chats"), "home again");
  await tick();
  app.stdin.write("u");
  const restored = await until(app.lastFrame, (f) => f.includes("Restored Wren from the trash: its chats are linked to it again"), "the restore");
  await until(app.lastFrame, (f) => !f.includes("(card deleted)") && /Characters\n(.*\n)*.*Wren/.test(f), "Wren back among the characters");
  assert.ok(restored);
  assert.doesNotMatch(app.lastFrame() ?? "", /u restores the card/);
  app.unmount();
});

test("homeItems marks only chats whose card is in the trash and not back in the library", () => {
  const trashed = [{ id: "mira", name: "Mira", format: "png" as const, path: "/t/mira.png", file: "mira.png", deletedAt: "" }, { id: "gone", name: "Gone", format: "png" as const, path: "/t/gone.png", file: "gone.png", deletedAt: "" }];
  const items = homeItems([...chats, chatEntry("c0", "gone", "Gone", "2026-11-01T00:00:00Z")], library, now, trashed);
  assert.deepEqual(items.slice(0, 3).map((i) => [i.label, i.deletedCard]), [["Mira · Mira chat c2", undefined], ["Brindle · Brindle chat c1", undefined], ["Gone (card deleted) · Gone chat c0", "gone"]]);
});

test("a recent chat with unsent text says so", () => {
  const items = homeItems([{ ...chats[0]!, hasDraft: true }, chats[1]!], library, now);
  assert.equal(items[0]?.detail, "14 messages · ✎ draft · 5m ago");
  assert.equal(items[1]?.detail, "3 messages · 2d ago");
});

import { test } from "node:test";
import assert from "node:assert/strict";
import React from "react";
import { render } from "ink-testing-library";
import { App } from "../../../src/ui/app/App.tsx";
import { PrintLogProvider } from "../../../src/ui/app/PrintLog.tsx";
import { defaultKeybindings } from "../../../src/ui/app/keybindings.ts";
import { homeItems } from "../../../src/ui/home/homeItems.ts";
import { card, chatEntry, fakeAppServices, noEditor } from "../../support/fakeAppServices.ts";
import { until, settled, press } from "../../support/frames.ts";
import { HomeScreen } from "../../../src/ui/home/HomeScreen.tsx";
import { createApp } from "../../../src/app/app.ts";
import type { ChatTarget } from "../../../src/app/chats/session.ts";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

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
  await settled();
  app.stdin.write("\r");
  await until(app.lastFrame, (f) => f.includes("? help"), "the chat screen");
  assert.deepEqual(fake.opened, [{ characterId: "mira", chatId: "c2" }]);
  await settled();
  app.stdin.write("\x0f");
  await until(app.lastFrame, (f) => f.includes("Recent chats"), "home again");
  app.unmount();
});

test("a digit opens that row at once; n starts a new chat with the selected row's character", async () => {
  const fake = fakeAppServices(chats, library);
  const app = mountApp(fake);
  await until(app.lastFrame, (f) => f.includes("Recent chats"), "the home screen");
  await settled();
  app.stdin.write("3");
  await until(app.lastFrame, (f) => f.includes("? help"), "the chat");
  assert.deepEqual(fake.opened.at(-1), { characterId: "brindle" });
  await settled();
  app.stdin.write("\x0f");
  await until(app.lastFrame, (f) => f.includes("Recent chats"), "home again");
  await settled();
  app.stdin.write("\x1b[B");
  await settled();
  app.stdin.write("n");
  await until(app.lastFrame, (f) => f.includes("? help"), "the new chat");
  assert.deepEqual(fake.opened.at(-1), { characterId: "brindle", fresh: true });
  app.unmount();
});

test("--character opens its chat straight away; q on the home screen quits", async () => {
  const fake = fakeAppServices(chats, library);
  const app = mountApp(fake, { characterId: "brindle" });
  await until(app.lastFrame, (f) => f.includes("Hello from Brindle."), "the chat with its greeting");
  await settled();
  app.stdin.write("\x0f");
  await until(app.lastFrame, (f) => f.includes("Recent chats"), "home");
  await settled();
  app.stdin.write("q");
  await settled();
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
  await settled();
  app.stdin.write("\r");
  await until(app.lastFrame, (f) => f.includes("? help"), "the chat of the deleted card");
  assert.deepEqual(fake.opened.at(-1), { characterId: "wren", chatId: "c3" });
  await settled();
  app.stdin.write("\x0f");
  await until(app.lastFrame, (f) => f.includes("Recent chats"), "home again");
  await settled();
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

test("g makes a group from the home screen (name, members by name, who replies) and opens its chat; x deletes one after y", async () => {
  const home = await mkdtemp(join(tmpdir(), "taproom-home-groups-"));
  const runtime = createApp({ env: { TAPROOM_HOME: home } });
  const opened: ChatTarget[] = [];
  const app = render(<HomeScreen app={runtime} color={false} rows={24} columns={100} links={[]} onOpen={(t) => opened.push(t)} onQuit={() => {}} />);
  try {
    await until(app.lastFrame, (f) => f.includes("Brindle") && f.includes("g group"), "the characters");
    await press(app.stdin, "\x1b[B");
    const selected = await until(app.lastFrame, (f) => /› 2 Maelis/.test(f), "Maelis selected");
    assert.match(selected, /› 2 Maelis/);
    await press(app.stdin, "g");
    let frame = await until(app.lastFrame, (f) => f.includes("New group chat:"), "the form");
    assert.match(frame, /Members {2}Maelis,/, "the selected character is the first member");
    await press(app.stdin, "\r");
    await until(app.lastFrame, (f) => f.includes("Name the group"), "a name asked for");
    await press(app.stdin, "The Inn", "\t", "Zed", "\r");
    frame = await until(app.lastFrame, (f) => f.includes('no character "Zed" in the library'), "an unknown member refused");
    assert.equal(opened.length, 0);
    await press(app.stdin, "\x17", "Brindle", "\t", "\x1b[C");
    frame = await until(app.lastFrame, (f) => f.includes("‹ natural [list]"), "list order chosen");
    assert.match(frame, /everyone, in list order/);
    await press(app.stdin, "\r");
    await until(() => String(opened.length), (n) => n === "1", "the group's chat opened");
    const made = (await runtime.groups.list()).groups;
    assert.deepEqual(made.map((g) => [g.name, g.members.map((m) => m.name), g.strategy]), [["The Inn", ["Maelis", "Brindle"], "list"]]);
    assert.deepEqual(opened[0], { groupId: made[0]!.id });
    app.unmount();

    const again = render(<HomeScreen app={runtime} color={false} rows={24} columns={100} links={[]} onOpen={() => {}} onQuit={() => {}} />);
    await until(again.lastFrame, (f) => f.includes("The Inn"), "the group listed");
    await press(again.stdin, "\x1b[A");
    for (let i = 0; i < 5 && !/› \d The Inn/.test(again.lastFrame() ?? ""); i++) await press(again.stdin, "\x1b[A");
    await until(again.lastFrame, (f) => /› \d The Inn/.test(f) && f.includes("x delete"), "the group selected");
    await press(again.stdin, "x");
    await until(again.lastFrame, (f) => f.includes("Delete the group The Inn and its chats? They go to the trash."), "the question");
    await press(again.stdin, "n");
    await until(again.lastFrame, (f) => f.includes("The group is kept"), "kept");
    await press(again.stdin, "x", "y");
    // The list is read again after the deletion: wait for it, not only the line saying so.
    const gone = await until(again.lastFrame, (f) => f.includes("Deleted the group The Inn") && !f.includes("Groups"), "the deletion and the list without it");
    assert.doesNotMatch(gone, /The Inn {2}Maelis/);
    assert.deepEqual((await runtime.groups.list()).groups, []);
    again.unmount();
  } finally {
    await runtime.close();
  }
});

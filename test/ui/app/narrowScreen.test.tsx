import { test } from "node:test";
import assert from "node:assert/strict";
import React from "react";
import { Box } from "ink";
import { render } from "ink-testing-library";
import { App } from "../../../src/ui/app/App.tsx";
import { ChatScreen } from "../../../src/ui/chat/ChatScreen.tsx";
import { PrintLogProvider } from "../../../src/ui/app/PrintLog.tsx";
import { defaultKeybindings } from "../../../src/ui/app/keybindings.ts";
import { card, chatEntry, fakeAppServices, noEditor } from "../../support/fakeAppServices.ts";
import { fakeModelServices } from "../../support/fakeModelServices.ts";
import { scriptedSession } from "../../support/fakeServices.ts";
import { until } from "../../support/frames.ts";

const columns = 60;
const rows = 24;
const widest = (frame: string) => Math.max(...frame.split("\n").map((l) => [...l].length));

test("at 60x24 the ? help fits the screen: its border is whole, its top on screen, no row wider than 60", async () => {
  const fake = scriptedSession([]);
  const app = render(
    <PrintLogProvider>
      <Box width={columns} flexDirection="column">
        <ChatScreen session={fake.session} models={fakeModelServices().services} editExternally={noEditor} color={false} rows={rows} columns={columns} flushMs={10} onQuit={() => {}} />
      </Box>
    </PrintLogProvider>,
  );
  app.stdin.write("?");
  const frame = await until(app.lastFrame, (f) => f.includes("Keys (Esc or ? closes"), "the help");
  const lines = frame.split("\n");
  assert.ok(lines.length <= rows, `the help fits ${rows} rows:\n${frame}`);
  assert.ok(widest(frame) <= columns, `no row is wider than ${columns}:\n${frame}`);
  assert.match(lines[0]!, /^┌─+┐$/, "the top border is the first row, whole");
  assert.equal(lines.filter((l) => /^└─+┘$/.test(l)).length, 1, "the bottom border is whole");
  app.unmount();
});

test("at 60 columns the home and character screens still show every key hint (m models · q quit, d delete · Esc home)", async () => {
  const fake = fakeAppServices([chatEntry("c1", "mira", "Mira", "2026-11-29T10:00:00Z", 3)], [card("mira", "Mira")]);
  const app = render(
    <PrintLogProvider>
      <Box width={columns} flexDirection="column">
        <App app={fake.services} editExternally={noEditor} stdout={{ columns, rows, on() {}, off() {} }} color={false} keybindings={defaultKeybindings} start={null} onQuit={() => {}} />
      </Box>
    </PrintLogProvider>,
  );
  const home = await until(app.lastFrame, (f) => f.includes("Recent chats"), "the home screen");
  assert.match(home, /^.*m models · q quit$/m, "the hints wrap between hints, never inside one");
  assert.ok(home.split("\n").every((l) => !l.startsWith(" ·") && !/^ \S/.test(l)), `no wrapped row starts with a space:\n${home}`);
  assert.ok(home.split("\n").length <= rows, home);
  app.stdin.write("c");
  const characters = await until(app.lastFrame, (f) => f.includes("Characters ·"), "the characters screen");
  assert.match(characters, /d delete · Esc home$/m);
  assert.ok(characters.split("\n").length <= rows, characters);
  app.unmount();
});

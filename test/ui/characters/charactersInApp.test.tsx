import { test } from "node:test";
import assert from "node:assert/strict";
import React from "react";
import { render } from "ink-testing-library";
import { App } from "../../../src/ui/app/App.tsx";
import { PrintLogProvider } from "../../../src/ui/app/PrintLog.tsx";
import { defaultKeybindings } from "../../../src/ui/app/keybindings.ts";
import { card, chatEntry, fakeAppServices, noEditor } from "../../support/fakeAppServices.ts";
import { tick, until } from "../../support/frames.ts";


const stdout = { columns: 100, rows: 24, on() {}, off() {} };

function mountApp() {
  const fake = fakeAppServices([chatEntry("c1", "brindle", "Brindle", "2026-11-29T10:00:00Z", 3)], [card("brindle", "Brindle", ["tavern"], true), card("mira", "Mira", ["noir"]), card("mirabel", "Mirabel")]);
  const app = render(
    <PrintLogProvider>
      <App app={fake.services} editExternally={noEditor} stdout={stdout} color={false} keybindings={defaultKeybindings} onQuit={() => {}} />
    </PrintLogProvider>,
  );
  return { ...app, fake };
}

async function press(app: { stdin: { write(s: string): void } }, keys: string) {
  app.stdin.write(keys);
  await tick(80);
}

test("c on the home screen opens the characters; Esc goes back; Enter there opens the chat", async () => {
  const app = mountApp();
  const home = await until(app.lastFrame, (f) => f.includes("Recent chats"), "home");
  assert.match(home, /c characters/);
  await tick();
  await press(app, "c");
  await until(app.lastFrame, (f) => f.includes("Characters · 3 cards"), "the characters screen");
  await tick();
  await press(app, "\x1b");
  await until(app.lastFrame, (f) => f.includes("Recent chats"), "home again");
  await tick();
  await press(app, "c");
  await until(app.lastFrame, (f) => f.includes("› Brindle"), "the list");
  await tick();
  await press(app, "\x1b[B");
  await until(app.lastFrame, (f) => f.includes("› Mira "), "Mira selected");
  await press(app, "\r");
  await until(app.lastFrame, (f) => f.includes("? help"), "the chat");
  assert.deepEqual(app.fake.opened, [{ characterId: "mira" }]);
  app.unmount();
});

test("/char in a chat switches to that character's latest chat; Tab completes the name; a clash is explained", async () => {
  const app = mountApp();
  await until(app.lastFrame, (f) => f.includes("Recent chats"), "home");
  await tick();
  await press(app, "\r");
  await until(app.lastFrame, (f) => f.includes("Hello from Brindle."), "Brindle's chat");
  await tick(200);
  await press(app, "/char mi");
  await press(app, "\t");
  await until(app.lastFrame, (f) => f.includes("Mira, Mirabel") && f.includes("│ /char Mira"), "the completion and the choices");
  await press(app, "\r");
  await until(app.lastFrame, (f) => f.includes('"Mira" could be') === false && f.includes("Hello from Mira."), "Mira's chat");
  assert.deepEqual(app.fake.opened.at(-1), { characterId: "mira" });
  await tick(200);
  await press(app, "/char nobody");
  await press(app, "\r");
  await until(app.lastFrame, (f) => f.includes('/char: no character matches "nobody"'), "the refusal");
  assert.equal(app.fake.opened.length, 2);
  app.unmount();
});

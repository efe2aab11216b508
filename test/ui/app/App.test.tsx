import { test } from "node:test";
import assert from "node:assert/strict";
import React from "react";
import { render } from "ink-testing-library";
import { App } from "../../../src/ui/app/App.tsx";
import { PrintLogProvider } from "../../../src/ui/app/PrintLog.tsx";
import { defaultKeybindings } from "../../../src/ui/app/keybindings.ts";
import { card, chatEntry, fakeAppServices, noEditor } from "../../support/fakeAppServices.ts";
import { tick, until } from "../../support/frames.ts";


test("branching in a chat opens the new chat at once, saying the original is kept", async () => {
  const fake = fakeAppServices([chatEntry("c1", "mira", "Mira", "2026-12-01T19:55:00Z")], [card("mira", "Mira")]);
  const stdout = { columns: 80, rows: 24, on() {}, off() {} };
  const app = render(
    <PrintLogProvider>
      <App app={fake.services} editExternally={noEditor} stdout={stdout} color={false} keybindings={defaultKeybindings} start={{ characterId: "mira", chatId: "c1" }} onQuit={() => {}} />
    </PrintLogProvider>,
  );
  await until(app.lastFrame, (f) => f.includes("? help"), "the chat");
  await tick();
  app.stdin.write("/branch");
  await tick();
  app.stdin.write("\r");
  await until(app.lastFrame, (f) => f.includes("A branch from message 1; the original chat is kept"), "the branch");
  assert.deepEqual(fake.opened, [{ characterId: "mira", chatId: "c1" }, { characterId: "mira", chatId: "branch-0-of-c1" }]);
  app.unmount();
});

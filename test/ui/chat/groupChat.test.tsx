// A group chat in the TUI on the real application and the tiny model: the home screen lists the
// group, its chat opens with every member's greeting, a message gets each member's reply under
// its name, the members panel (Alt+G) mutes one and makes one speak, and /speak does too.
import { test } from "node:test";
import assert from "node:assert/strict";
import React from "react";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { render } from "ink-testing-library";
import { App } from "../../../src/ui/app/App.tsx";
import { PrintLogProvider } from "../../../src/ui/app/PrintLog.tsx";
import { defaultKeybindings } from "../../../src/ui/app/keybindings.ts";
import { createApp } from "../../../src/app/app.ts";
import { speakerKey } from "../../../src/core/group/messages.ts";
import { noEditor } from "../../support/fakeAppServices.ts";
import { press, until } from "../../support/frames.ts";
import { writeTinyChatModel } from "../../support/tinyGguf.ts";


const idle = (f: string) => f.includes("? help") && !f.includes("writing…");

test("home lists the group; its chat shows each member's greeting and reply by name; Alt+G and /speak make one speak", async () => {
  const home = await mkdtemp(join(tmpdir(), "taproom-group-tui-"));
  const runtime = createApp({ env: { TAPROOM_HOME: home }, runtime: { gpu: "cpu", threads: 1, contextSize: 2048 } });
  await runtime.groups.create({ name: "The Inn", members: ["Brindle", "Maelis"], strategy: "list" });
  await runtime.models.load(await writeTinyChatModel(join(home, "tiny.gguf")));
  const stdout = { columns: 100, rows: 40, on() {}, off() {} };
  const app = render(
    <PrintLogProvider>
      <App app={runtime} editExternally={noEditor} stdout={stdout} color={false} keybindings={defaultKeybindings} onQuit={() => app.unmount()} />
    </PrintLogProvider>,
  );
  try {
    const start = await until(app.lastFrame, (f) => f.includes("Groups"), "the home screen with its groups");
    assert.match(start, /Groups\n.*1 The Inn {2}Brindle, Maelis · list · 0 chats/);
    await press(app.stdin, "1");
    await until(app.lastFrame, (f) => f.includes("? help"), "the group's chat");
    await press(app.stdin, "/temp 0");
    await press(app.stdin, "\r");
    await press(app.stdin, "Evening.");
    await until(app.lastFrame, (f) => f.includes("│ Evening."), "the typed text");
    await press(app.stdin, "\r");
    const replied = await until(app.lastFrame, (f) => f.includes("Maelis (2nd in list order)") && idle(f), "both replies and who spoke", 30000);
    assert.match(replied, /Brindle \(1st in list order\) · Maelis \(2nd in list order\)/);
    assert.match(replied, /Brindle\nHi, Bryn\.\n\nMaelis\nHi, Bryn\./, "each reply under its speaker's name");

    // Alt+G: the members; Down, m mutes Maelis; 2 makes her speak anyway.
    await press(app.stdin, "\x1bg");
    await until(app.lastFrame, (f) => f.includes("The Inn · list · swap") && f.includes("› 1 Brindle"), "the members panel");
    await press(app.stdin, "\x1b[B");
    await press(app.stdin, "m");
    await until(app.lastFrame, (f) => f.includes("2 Maelis  muted: speaks when asked"), "Maelis muted");
    await press(app.stdin, "2");
    await until(app.lastFrame, (f) => f.includes("Maelis (you asked for them (they are muted))") && idle(f), "Maelis asked to speak", 30000);
    await press(app.stdin, "/speak bri");
    await press(app.stdin, "\r");
    await until(app.lastFrame, (f) => f.includes("Brindle (you asked for them)") && idle(f), "Brindle asked by /speak", 30000);
  } finally {
    app.unmount();
    await runtime.close();
  }
  const check = createApp({ env: { TAPROOM_HOME: home } });
  try {
    const [entry] = await check.chats.list();
    const chat = await check.chats.open({ chatId: entry!.id });
    assert.deepEqual(chat.chat().messages.slice(2).map((m) => [m.name, speakerKey(m) ?? null]), [
      ["User", null], ["Brindle", "Brindle.png"], ["Maelis", "Maelis.png"], ["Maelis", "Maelis.png"], ["Brindle", "Brindle.png"],
    ]);
    assert.deepEqual(chat.group?.info().members.map((m) => m.muted), [false, true]);
  } finally {
    await check.close();
  }
});

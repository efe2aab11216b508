import { test } from "node:test";
import assert from "node:assert/strict";
import React from "react";
import { render } from "ink-testing-library";
import { App } from "../../../src/ui/app/App.tsx";
import { PrintLogProvider } from "../../../src/ui/app/PrintLog.tsx";
import { defaultKeybindings } from "../../../src/ui/app/keybindings.ts";
import { card, chatEntry, fakeAppServices, noEditor } from "../../support/fakeAppServices.ts";
import { until, settled } from "../../support/frames.ts";
import { startFakeKobold } from "../../support/fakeKobold.ts";
import { fakeModelServices } from "../../support/fakeModelServices.ts";


test("branching in a chat opens the new chat at once, saying the original is kept", async () => {
  const fake = fakeAppServices([chatEntry("c1", "mira", "Mira", "2026-12-01T19:55:00Z")], [card("mira", "Mira")]);
  const stdout = { columns: 80, rows: 24, on() {}, off() {} };
  const app = render(
    <PrintLogProvider>
      <App app={fake.services} editExternally={noEditor} stdout={stdout} color={false} keybindings={defaultKeybindings} start={{ characterId: "mira", chatId: "c1" }} onQuit={() => {}} />
    </PrintLogProvider>,
  );
  await until(app.lastFrame, (f) => f.includes("? help"), "the chat");
  await settled();
  app.stdin.write("/branch");
  await settled();
  app.stdin.write("\r");
  await until(app.lastFrame, (f) => f.includes("A branch from message 1; the original chat is kept"), "the branch");
  assert.deepEqual(fake.opened, [{ characterId: "mira", chatId: "c1" }, { characterId: "mira", chatId: "branch-0-of-c1" }]);
  app.unmount();
});

test("the server remembered from last time: the app starts home (not on the model screen) and says how connecting went", async () => {
  const stdout = { columns: 100, rows: 24, on() {}, off() {} };
  // No model loaded: without a server coming, the app would open on the model screen.
  const mount = (startConnect: Promise<never>) => {
    const fake = fakeAppServices([], [card("mira", "Mira")], { models: fakeModelServices(null).services });
    return render(
      <PrintLogProvider>
        <App app={fake.services} editExternally={noEditor} stdout={stdout} color={false} keybindings={defaultKeybindings} startConnect={startConnect} onQuit={() => {}} />
      </PrintLogProvider>,
    );
  };
  const kobold = await startFakeKobold();
  try {
    const fake = fakeAppServices([], [card("mira", "Mira")], { models: fakeModelServices(null).services });
    const ok = render(
      <PrintLogProvider>
        <App app={fake.services} editExternally={noEditor} stdout={stdout} color={false} keybindings={defaultKeybindings} startConnect={fake.services.backends.connect({ url: kobold.url, api: "koboldcpp" })} onQuit={() => {}} />
      </PrintLogProvider>,
    );
    const home = await until(ok.lastFrame, (f) => f.includes("Connected:"), "the connection's outcome");
    assert.match(home, /Connected: koboldcpp at http:\/\/127\.0\.0\.1:\d+: Nemo-12B-Q4_K_M; context 8192 tokens/);
    assert.doesNotMatch(home, /Models ·/, "home, not the model screen");
    ok.unmount();
  } finally {
    await kobold.close();
  }
  const refused = Promise.reject(new Error("cannot reach koboldcpp at http://10.9.9.9:5001: ECONNREFUSED"));
  refused.catch(() => {});
  const failed = mount(refused);
  const frame = await until(failed.lastFrame, (f) => f.includes("Could not connect"), "the failure");
  assert.match(frame, /Could not connect to the server used last time: cannot reach koboldcpp at http:\/\/10\.9\.9\.9:5001:\s+ECONNREFUSED \(m: the model screen/);
  assert.match(frame, /Characters/, "home");
  failed.unmount();
});

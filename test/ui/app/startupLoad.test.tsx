import { test } from "node:test";
import assert from "node:assert/strict";
import React from "react";
import { render } from "ink-testing-library";
import { App } from "../../../src/ui/app/App.tsx";
import { PrintLogProvider } from "../../../src/ui/app/PrintLog.tsx";
import { defaultKeybindings } from "../../../src/ui/app/keybindings.ts";
import { card, fakeAppServices, noEditor } from "../../support/fakeAppServices.ts";
import { fakeModelServices } from "../../support/fakeModelServices.ts";
import { tick, until } from "../../support/frames.ts";

const stdout = { columns: 80, rows: 24, on() {}, off() {} };

/** The app as `taproom --model /models/tiny.gguf` starts it, with a load the test moves on by hand. */
function startWithLoad(start: { characterId: string } | null = null) {
  const models = fakeModelServices(null, { hold: true });
  const fake = fakeAppServices([], [card("mira", "Mira")], { models: models.services });
  const startLoad = models.services.load("/models/tiny.gguf");
  startLoad.catch(() => {});
  const app = render(
    <PrintLogProvider>
      <App app={fake.services} editExternally={noEditor} stdout={stdout} color={false} keybindings={defaultKeybindings} start={start} startLoad={startLoad} onQuit={() => {}} />
    </PrintLogProvider>,
  );
  return { app, models };
}

test("with --model the home screen draws at once, with the load's progress in its header, then the model", async () => {
  const { app, models } = startWithLoad();
  const first = await until(app.lastFrame, (f) => f.includes("Mira"), "the home screen");
  assert.match(first, /taproom · Loading tiny\.gguf… 0%/);
  assert.ok(models.services.loading(), "the first frame came while the model was still loading");
  models.progress(0.42);
  await until(app.lastFrame, (f) => f.includes("Loading tiny.gguf… 42%"), "the progress");
  models.finish();
  const loaded = await until(app.lastFrame, (f) => f.includes("taproom · tiny.gguf · cpu") && f.includes("tiny: no GPU: all 2 layers on the CPU"), "the loaded model's line and plan");
  assert.doesNotMatch(loaded, /Loading/);
  app.unmount();
});

test("a load that fails says why on the screen the user is on, and the app goes on working", async () => {
  const { app, models } = startWithLoad();
  await until(app.lastFrame, (f) => f.includes("Loading tiny.gguf"), "the home screen while loading");
  await tick();
  models.fail("/models/tiny.gguf: not a GGUF file\nmore detail nobody needs here");
  const failed = await until(app.lastFrame, (f) => f.includes("/models/tiny.gguf: not a GGUF file"), "the reason");
  assert.doesNotMatch(failed, /more detail|Loading/);
  app.stdin.write("m");
  await until(app.lastFrame, (f) => f.includes("Models") && f.includes("No model loaded"), "the model screen");
  app.unmount();
});

test("with --model and --character the chat opens at once; a message sent during the load is answered once it finishes", async () => {
  const { app, models } = startWithLoad({ characterId: "mira" });
  await until(app.lastFrame, (f) => f.includes("Loading tiny.gguf… 0% · temp"), "the chat's status line while loading");
  await tick();
  app.stdin.write("Evening.");
  await tick();
  app.stdin.write("\r");
  await until(app.lastFrame, (f) => f.includes("Waiting for the model to load…"), "the waiting notice");
  models.progress(0.7);
  await until(app.lastFrame, (f) => f.includes("Loading tiny.gguf… 70%"), "the progress in the chat");
  assert.doesNotMatch(app.lastFrame() ?? "", /Hi\./);
  models.finish();
  const answered = await until(app.lastFrame, (f) => f.includes("Hi."), "the reply");
  assert.doesNotMatch(answered, /Waiting for the model|Generation failed|Loading/);
  assert.match(answered, /Evening\./);
  app.unmount();
});

test("a send during a load that fails keeps the text in the input and says why", async () => {
  const { app, models } = startWithLoad({ characterId: "mira" });
  await until(app.lastFrame, (f) => f.includes("Loading tiny.gguf"), "the chat while loading");
  await tick();
  app.stdin.write("Evening.");
  await tick();
  app.stdin.write("\r");
  await until(app.lastFrame, (f) => f.includes("Waiting for the model to load…"), "the waiting notice");
  models.fail("/models/tiny.gguf: not a GGUF file");
  const failed = await until(app.lastFrame, (f) => f.includes("not a GGUF file") && f.includes("│ Evening."), "the reason, and the text back in the input");
  assert.doesNotMatch(failed, /Loading|Waiting/);
  app.unmount();
});

test("--character without a model: the chat draws at once and the no-model notice follows when it is ready", async () => {
  const fake = fakeAppServices([], [card("mira", "Mira")]);
  let ready: (text: string) => void = () => {};
  const startNotice = new Promise<string>((resolve) => (ready = resolve));
  const app = render(
    <PrintLogProvider>
      <App app={fake.services} editExternally={noEditor} stdout={stdout} color={false} keybindings={defaultKeybindings} start={{ characterId: "mira" }} startNotice={startNotice} onQuit={() => {}} />
    </PrintLogProvider>,
  );
  const first = await until(app.lastFrame, (f) => f.includes("? help"), "the chat");
  assert.doesNotMatch(first, /No model loaded/);
  ready("CPU only, 16 GiB RAM. No model loaded and none found in /data/models.");
  await until(app.lastFrame, (f) => f.includes("No model loaded and none found in /data/models."), "the notice in the chat");
  app.unmount();
});

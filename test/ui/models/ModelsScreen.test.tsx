import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import React from "react";
import { render } from "ink-testing-library";
import { mkdir, mkdtemp, readdir, writeFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ModelsScreen } from "../../../src/ui/models/ModelsScreen.tsx";
import { App } from "../../../src/ui/app/App.tsx";
import { PrintLogProvider } from "../../../src/ui/app/PrintLog.tsx";
import { defaultKeybindings } from "../../../src/ui/app/keybindings.ts";
import { createApp, type App as TaproomApp } from "../../../src/app/app.ts";
import { tinyChatModelBytes, writeTinyChatModel } from "../../support/tinyGguf.ts";
import { startFakeHub, type FakeHub } from "../../support/fakeHub.ts";
import { card, chatEntry, fakeAppServices, noEditor } from "../../support/fakeAppServices.ts";
import { until, settled, press } from "../../support/frames.ts";
import { startFakeKobold } from "../../support/fakeKobold.ts";


let home: string;
let modelsDir: string;
let hub: FakeHub;
const runtimes: TaproomApp[] = [];

before(async () => {
  home = await mkdtemp(join(tmpdir(), "taproom-models-screen-"));
  modelsDir = join(home, "models");
  await mkdir(modelsDir, { recursive: true });
  await writeTinyChatModel(join(modelsDir, "tiny.gguf"));
  await writeFile(join(modelsDir, "notes.gguf"), "just some text, not a model");
  await writeFile(join(modelsDir, "cut.gguf"), tinyChatModelBytes().subarray(0, 50_000));
  hub = await startFakeHub({
    repos: {
      "alice/Slow-GGUF": { files: [{ path: "slow-Q4_K_M.gguf", content: randomBytes(2_000_000) }] },
      "alice/Tiny-GGUF": { files: [{ path: "tiny-Q8_0.gguf", content: tinyChatModelBytes() }, { path: "tiny-Q4_K_M.gguf", content: tinyChatModelBytes() }] },
    },
    chunkDelayMs: 15,
    chunkSize: 16384,
  });
});

after(async () => {
  for (const r of runtimes) await r.close();
  await hub.close();
});

function runtime(dir = modelsDir): TaproomApp {
  const r = createApp({ env: { TAPROOM_HOME: home, HF_ENDPOINT: hub.endpoint }, runtime: { modelsDir: dir, gpu: "cpu", threads: 1, contextSize: 512 } });
  runtimes.push(r);
  return r;
}

function mount(r: TaproomApp) {
  let backs = 0;
  const app = render(<ModelsScreen services={r.models} backends={r.backends} color={false} rows={24} columns={100} onBack={() => backs++} onQuit={() => {}} />);
  return { ...app, backs: () => backs };
}

const selectRow = async (app: ReturnType<typeof mount>, name: string) => {
  for (let i = 0; i < 5 && !new RegExp(`› . ${name}`).test(app.lastFrame() ?? ""); i++) {
    app.stdin.write("\x1b[B");
    await settled();
  }
  assert.match(app.lastFrame() ?? "", new RegExp(`› . ${name}`));
};

test("the screen shows this machine and every GGUF with size, architecture, parameters, quantization and its verdict", async () => {
  const app = mount(runtime());
  const frame = await until(app.lastFrame, (f) => f.includes("tiny.gguf") && f.includes("Machine: CPU"), "the machine and the list");
  assert.match(frame, /Machine: CPU only · RAM [\d.]+ GiB · \d+ cores?/);
  assert.match(frame, /No model loaded/);
  assert.match(frame, /tiny\.gguf\s+603 KiB · llama \S+ F32 · CPU, 512 ctx/);
  assert.match(frame, /notes\.gguf\s+27 B · unreadable/);
  // The selected row's reason in full: here the first row, cut.gguf or notes.gguf.
  await settled();
  await selectRow(app, "tiny.gguf");
  assert.match(app.lastFrame() ?? "", /runs on the CPU with 512 context: no GPU: all layers on the CPU/, "the selected row's verdict in full, with its reason");
  for (let i = 0; i < 3; i++) {
    app.stdin.write("\x1b[A");
    await settled();
  }
  await selectRow(app, "notes.gguf");
  assert.match(app.lastFrame() ?? "", /not a GGUF file/);
  assert.match(app.lastFrame() ?? "", /Enter load · u unload · d download/);
  app.stdin.write("\x1b");
  await settled();
  assert.equal(app.backs(), 1);
  app.unmount();
});

test("Enter loads the model with the planner's explanation, u unloads it; a file that fails says why in one line", async () => {
  const r = runtime();
  const app = mount(r);
  await until(app.lastFrame, (f) => f.includes("tiny.gguf"), "the list");
  await settled();
  await selectRow(app, "cut.gguf");
  app.stdin.write("\r");
  const refused = await until(app.lastFrame, (f) => f.includes("Cannot load cut.gguf"), "a file the scan found broken");
  assert.match(refused, /truncated/);
  // A file that was fine when listed and broke since: the engine's own one-line reason.
  const later = join(modelsDir, "later.gguf");
  await writeTinyChatModel(later);
  app.stdin.write("r");
  await until(app.lastFrame, (f) => f.includes("later.gguf") && !f.includes("Scanning"), "the rescan");
  await selectRow(app, "later.gguf");
  await writeFile(later, "no longer a model");
  app.stdin.write("\r");
  const failed = await until(app.lastFrame, (f) => f.includes("Could not load later.gguf"), "the load error");
  assert.match(failed, /not a GGUF file/);
  assert.equal(failed.match(/Could not load/g)?.length, 1);
  assert.match(failed, /No model loaded/, "the app carries on without a model");
  await selectRow(app, "tiny.gguf");
  app.stdin.write("\r");
  const loaded = await until(app.lastFrame, (f) => f.includes("Loaded taproom-tiny"), "the load");
  assert.match(loaded, /Loaded: taproom-tiny · cpu · 0\/\d+ layers on the GPU · 512 context · 1 thread/);
  assert.match(loaded, /Why: /);
  assert.match(loaded, /› ● tiny\.gguf/, "the loaded model is marked");
  assert.equal(r.models.current()?.contextSize, 512);
  await settled();
  app.stdin.write("u");
  const unloaded = await until(app.lastFrame, (f) => f.includes("Unloaded taproom-tiny"), "the unload");
  assert.match(unloaded, /No model loaded/);
  assert.equal(r.models.current(), null);
  app.unmount();
});

test("d downloads a named quant from the hub with a progress bar; Esc cancels and keeps only the .part file", async () => {
  const dir = join(home, "cancel-models");
  const app = mount(runtime(dir));
  await until(app.lastFrame, (f) => f.includes("No GGUF files"), "the empty library");
  await settled();
  app.stdin.write("d");
  await until(app.lastFrame, (f) => f.includes("› hf:"), "the address prompt");
  app.stdin.write("alice/Slow-GGUF:Q4_K_M");
  await until(app.lastFrame, (f) => f.includes("› hf:alice/Slow-GGUF:Q4_K_M"), "the typed address");
  app.stdin.write("\r");
  const plan = await until(app.lastFrame, (f) => f.includes("Enter downloads it"), "what pull would fetch");
  assert.match(plan, /alice\/Slow-GGUF: Q4_K_M \(1\.91 MiB\)/);
  assert.match(plan, /Named in the address: Q4_K_M/);
  app.stdin.write("\r");
  const progress = await until(app.lastFrame, (f) => /\[#*\.+\]\s+\d+%\s+[\d.]+ (KiB|MiB) \/ 1\.91 MiB\s+[\d.]+ \S+\/s\s+ETA/.test(f), "the progress bar");
  assert.match(progress, /Downloading alice\/Slow-GGUF Q4_K_M/);
  app.stdin.write("\x1b");
  const cancelled = await until(app.lastFrame, (f) => f.includes("Download cancelled"), "the cancel");
  assert.match(cancelled, /partial file is kept/);
  const files = (await readdir(dir)).filter((f) => !f.endsWith(".lock"));
  assert.deepEqual(files, ["slow-Q4_K_M.gguf.part"]);
  app.unmount();
});

test("an address without a quant shows the choice for this machine and why; the download appears in the list", async () => {
  const dir = join(home, "pull-models");
  const app = mount(runtime(dir));
  await until(app.lastFrame, (f) => f.includes("No GGUF files"), "the empty library");
  await settled();
  app.stdin.write("d");
  await until(app.lastFrame, (f) => f.includes("› hf:"), "the address prompt");
  app.stdin.write("alice/Tiny-GGUF");
  await until(app.lastFrame, (f) => f.includes("› hf:alice/Tiny-GGUF"), "the typed address");
  app.stdin.write("\r");
  const plan = await until(app.lastFrame, (f) => f.includes("Enter downloads it"), "the choice");
  // Without a GPU the chooser takes the best quant that still reads fast from RAM (a tiny model: Q8_0), and says so.
  assert.match(plan, /Choice: Q8_0 \(603 KiB\)\. Q8_0 is the best quality that reaches reading speed here: about \d+\s+tokens\/s on the CPU/);
  app.stdin.write("\r");
  const done = await until(app.lastFrame, (f) => f.includes("Downloaded") && f.includes("tiny-Q8_0.gguf "), "the finished download in the list");
  assert.match(done, /› . tiny-Q8_0\.gguf\s+603 KiB · llama/);
  assert.deepEqual(await readdir(dir), ["tiny-Q8_0.gguf"]);
  app.unmount();
});

test("a pasted address or an unknown repository is one line and the screen carries on", async () => {
  const app = mount(runtime(join(home, "none")));
  await until(app.lastFrame, (f) => f.includes("No GGUF files"), "the screen");
  await settled();
  app.stdin.write("d");
  await until(app.lastFrame, (f) => f.includes("› hf:"), "the prompt");
  // A slip taken back by Backspaces read at once (a busy SSH link), each one counted.
  app.stdin.write("oops");
  await until(app.lastFrame, (f) => f.includes("› hf:oops█"), "the slip");
  app.stdin.write("\x7f\x7f\x7f\x7f");
  await until(app.lastFrame, (f) => f.includes("› hf:█"), "the slip taken back");
  // Pasted whole, with its own hf: after the prompt's.
  app.stdin.write("hf:alice/Nope-GGUF:Q4_K_M");
  await until(app.lastFrame, (f) => f.includes("› hf:hf:alice/Nope-GGUF:Q4_K_M"), "the pasted address");
  app.stdin.write("\r");
  const failed = await until(app.lastFrame, (f) => f.includes("hf:alice/Nope-GGUF:Q4_K_M: "), "the error");
  assert.match(failed, /not found|does not exist|404/i);
  assert.match(failed, /Enter load · u unload/);
  app.unmount();
});

const stdout = { columns: 100, rows: 24, on() {}, off() {} };

test("with no model loaded the app starts on the model screen, which says how to add one; Esc goes home and m comes back", async () => {
  const fake = fakeAppServices([chatEntry("c1", "mira", "Mira", "2026-12-01T19:55:00Z")], [card("mira", "Mira")], { models: runtime().models });
  const app = render(
    <PrintLogProvider>
      <App app={fake.services} editExternally={noEditor} stdout={stdout} color={false} keybindings={defaultKeybindings} start={null} onQuit={() => {}} />
    </PrintLogProvider>,
  );
  const first = await until(app.lastFrame, (f) => f.includes("tiny.gguf") && f.includes("Machine:"), "the model screen");
  assert.match(first, /No model loaded/);
  assert.match(first, /press d to download hf:USER\/REPO\[:QUANT\], s to chat through a\s+server, or start taproom with\s+--model FILE\.gguf/);
  await settled();
  app.stdin.write("\x1b");
  const homeFrame = await until(app.lastFrame, (f) => f.includes("Recent chats"), "home");
  assert.match(homeFrame, /m models/);
  await settled();
  app.stdin.write("m");
  await until(app.lastFrame, (f) => f.includes("Enter load · u unload"), "the model screen again");
  app.unmount();
});

test("a download from the model screen picks up by itself after the link drops", async () => {
  const dropping = await startFakeHub({
    repos: { "alice/Tiny-GGUF": { files: [{ path: "tiny-Q4_K_M.gguf", content: tinyChatModelBytes() }] } },
    dropOnce: { path: "tiny-Q4_K_M.gguf", afterBytes: 200_000 },
  });
  const dir = join(home, "dropped-models");
  const r = createApp({ env: { TAPROOM_HOME: home, HF_ENDPOINT: dropping.endpoint }, runtime: { modelsDir: dir, gpu: "cpu", threads: 1, contextSize: 512 } });
  try {
    const preview = await r.models.previewPull("hf:alice/Tiny-GGUF:Q4_K_M");
    const path = await r.models.download(preview, new AbortController().signal, () => {});
    assert.equal(path, join(dir, "tiny-Q4_K_M.gguf"));
    assert.deepEqual(await readdir(dir), ["tiny-Q4_K_M.gguf"], "the whole file, no .part left");
  } finally {
    await r.close();
    await dropping.close();
  }
});

test("GGUF headers with one wrong byte (a string or array length of 2^40, a value of an unknown type) are listed as unreadable, not hung on (issue 14)", { timeout: 120_000 }, async () => {
  const dir = join(home, "hostile-models");
  await mkdir(dir, { recursive: true });
  await writeTinyChatModel(join(dir, "tiny.gguf"));
  const good = tinyChatModelBytes();
  const at = 24 + 8 + "general.alignment".length;
  const patch = (name: string, edit: (b: Buffer) => void) => {
    const b = Buffer.from(good);
    edit(b);
    return writeFile(join(dir, name), b);
  };
  await patch("a-string.gguf", (b) => { b.writeUInt32LE(8, at); b.writeBigUInt64LE(2n ** 40n, at + 4); });
  await patch("b-array.gguf", (b) => { b.writeUInt32LE(9, at); b.writeUInt32LE(4, at + 4); b.writeBigUInt64LE(2n ** 40n, at + 8); });
  await patch("c-type.gguf", (b) => b.writeUInt32LE(77, at));
  const app = mount(runtime(dir));
  const frame = await until(app.lastFrame, (f) => ["a-string", "b-array", "c-type", "tiny"].every((n) => f.includes(`${n}.gguf`)), "every file listed");
  for (const name of ["a-string", "b-array", "c-type"]) assert.match(frame, new RegExp(`${name}\\.gguf\\s+\\d+ KiB · unreadable`));
  assert.match(frame, /tiny\.gguf\s+603 KiB · llama/);
  app.unmount();
});

test("s connects to a server from a form (address, API, hidden key): chats go there, it is shown and remembered; u disconnects", async () => {
  const kobold = await startFakeKobold({ key: "s3cret-key" });
  const r = runtime();
  const app = mount(r);
  try {
    await until(app.lastFrame, (f) => f.includes("tiny.gguf"), "the list");
    await settled();
    assert.match(app.lastFrame() ?? "", /s to chat through a\s+server/);
    await press(app.stdin, "s");
    let frame = await until(app.lastFrame, (f) => f.includes("Connect to a server"), "the form");
    assert.match(frame, /› Address http:\/\/127\.0\.0\.1:5001█/);
    assert.match(frame, /API {5}\[koboldcpp\] llamacpp openai ollama tabby vllm/);
    assert.match(frame, /GGUF {4}\(optional: the same model's file, for exact token counts\)/);
    // A wrong address is refused before anything is sent.
    await press(app.stdin, "\x15", "localhost:5001", "\r");
    await until(app.lastFrame, (f) => f.includes("The address must start with http:// or https://"), "the address refused");
    await press(app.stdin, "\x15", kobold.url, "\t");
    frame = await until(app.lastFrame, (f) => f.includes("› API"), "the API field");
    await press(app.stdin, "\x1b[C");
    await until(app.lastFrame, (f) => f.includes("‹ koboldcpp [llamacpp]"), "the next API");
    await press(app.stdin, "\x1b[D", "\t", "bad-k3y", "\r");
    frame = await until(app.lastFrame, (f) => f.includes("Could not connect:"), "the refused key");
    assert.match(frame, /Could not connect: koboldcpp at http:\/\/127\.0\.0\.1:\d+ answered 401 to \/api\/v1\/model: Invalid API\s+key/);
    assert.match(frame, /Key {5}•••••••█/, "the form stays, the key hidden");
    assert.doesNotMatch(frame, /bad-k3y/);
    await press(app.stdin, "\x15", "s3cret-key", "\r");
    frame = await until(app.lastFrame, (f) => f.includes("Connected:"), "the connection");
    const port = new URL(kobold.url).port;
    assert.match(frame, new RegExp(`Server: koboldcpp at 127\\.0\\.0\\.1:${port} · Nemo-12B-Q4_K_M · 8192 context`));
    assert.match(frame, /Chats now go to this server \(u\s+disconnects\)/);
    assert.match(frame, /token counts from the server's \/api\/extra\/tokencount/);
    assert.doesNotMatch(frame, /s3cret/);
    assert.equal(r.backends.current()?.name, "Nemo-12B-Q4_K_M");
    assert.deepEqual(await r.backends.remembered(), { url: kobold.url, api: "koboldcpp", apiKey: "s3cret-key" });
    await press(app.stdin, "u");
    frame = await until(app.lastFrame, (f) => f.includes("Disconnected from"), "the disconnection");
    assert.match(frame, /No model loaded/);
    assert.equal(r.backends.current(), null);
    assert.equal(await r.backends.remembered(), undefined);
  } finally {
    app.unmount();
    await kobold.close();
  }
});

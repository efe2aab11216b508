/**
 * The server the TUI chats through is remembered like the last model: its address and API
 * in settings.json, its key apart in secrets.json (the user's alone), connected again at
 * start; one engine at a time (connecting unloads the model, loading one disconnects).
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp } from "../../src/app/app.ts";
import { writeTinyChatModel } from "../support/tinyGguf.ts";
import { startFakeKobold, type FakeKobold } from "../support/fakeKobold.ts";

let kobold: FakeKobold;
before(async () => {
  kobold = await startFakeKobold({ key: "s3cret-key", reply: "The lamps are lit." });
});
after(() => kobold.close());

const newHome = () => mkdtemp(join(tmpdir(), "taproom-backends-"));
const settingsOf = async (home: string) => JSON.parse(await readFile(join(home, "settings.json"), "utf8")) as Record<string, unknown>;

test("a server connected to be remembered: address and API in settings.json, the key only in secrets.json (mode 600); forgetting removes both", async () => {
  const home = await newHome();
  const app = createApp({ env: { TAPROOM_HOME: home } });
  try {
    const remote = await app.backends.connect({ url: kobold.url, api: "koboldcpp", apiKey: "s3cret-key" }, { remember: true });
    assert.equal(remote.name, "Nemo-12B-Q4_K_M");
    assert.deepEqual((await settingsOf(home)).backend, { url: kobold.url, api: "koboldcpp" });
    assert.doesNotMatch(await readFile(join(home, "settings.json"), "utf8"), /s3cret/);
    assert.deepEqual(JSON.parse(await readFile(join(home, "secrets.json"), "utf8")), { backendKeys: { [kobold.url]: "s3cret-key" } });
    assert.equal((await stat(join(home, "secrets.json"))).mode & 0o777, 0o600);

    // The status line and the model panel name the server, not "no model".
    const port = new URL(kobold.url).port;
    assert.deepEqual(app.models.status(), { model: "Nemo-12B-Q4_K_M", backend: `koboldcpp at 127.0.0.1:${port}`, contextUsed: null, contextSize: 8192 });
    assert.equal(app.models.line(), `Nemo-12B-Q4_K_M · koboldcpp at 127.0.0.1:${port} · 8192 ctx`);
    const details = await app.models.details();
    assert.ok(details && "remote" in details && details.server === `koboldcpp at 127.0.0.1:${port}`);

    const next = createApp({ env: { TAPROOM_HOME: home } });
    assert.deepEqual(await next.backends.remembered(), { url: kobold.url, api: "koboldcpp", apiKey: "s3cret-key" });
    await next.close();

    await app.backends.disconnect({ forget: true });
    assert.equal(app.backends.current(), null);
    assert.equal((await settingsOf(home)).backend, undefined);
    assert.deepEqual(JSON.parse(await readFile(join(home, "secrets.json"), "utf8")), { backendKeys: {} });
    assert.equal(await app.backends.remembered(), undefined);
    assert.equal(app.models.status().model, null);
  } finally {
    await app.close();
  }
});

test("a turn sent while the server is still connecting waits for it and is written by the server", async () => {
  const home = await newHome();
  const app = createApp({ env: { TAPROOM_HOME: home } });
  try {
    const chat = await app.chats.open({ characterId: "Brindle" });
    const connecting = app.backends.connect({ url: kobold.url, api: "koboldcpp", apiKey: "s3cret-key" });
    assert.equal(app.backends.connecting()?.url, kobold.url);
    const played = await chat.play({ mode: "reply", text: "Evening.", samplers: { temperature: 0, maxTokens: 20 } });
    assert.equal(played.text, "The lamps are lit.");
    await connecting;
    assert.equal(app.backends.connecting(), null);
    assert.ok((await kobold.seen()).some((s) => s.route === "POST /api/extra/generate/stream" && s.authorization === "Bearer s3cret-key"));
  } finally {
    await app.close();
  }
});

test("a server that refuses the key: the turn waiting for it says why in one line, and nothing is remembered", async () => {
  const home = await newHome();
  const app = createApp({ env: { TAPROOM_HOME: home } });
  try {
    const chat = await app.chats.open({ characterId: "Brindle" });
    const connecting = app.backends.connect({ url: kobold.url, api: "koboldcpp", apiKey: "wrong" }, { remember: true });
    connecting.catch(() => {});
    await assert.rejects(chat.play({ mode: "reply", text: "Evening." }), (error: Error) => {
      assert.match(error.message, /^could not connect to the server: koboldcpp at http:\/\/127\.0\.0\.1:\d+ answered 401 .*Invalid API key/);
      assert.doesNotMatch(error.message, /\n/);
      return true;
    });
    await assert.rejects(connecting);
    assert.equal(app.backends.current(), null);
    assert.equal(await app.backends.remembered(), undefined);
    assert.equal(chat.chat().messages.length, 1, "a failed turn changes nothing");
  } finally {
    await app.close();
  }
});

test("one engine at a time: connecting unloads the local model, loading a local model disconnects and forgets the server", async () => {
  const home = await newHome();
  await mkdir(join(home, "models"));
  const path = await writeTinyChatModel(join(home, "models", "tiny.gguf"));
  const app = createApp({ env: { TAPROOM_HOME: home }, runtime: { gpu: "cpu", threads: 1, contextSize: 512 } });
  try {
    await app.models.load(path);
    // A tokenizer named as in the library is remembered as the file found, for a start from any folder.
    const remote = await app.backends.connect({ url: kobold.url, api: "koboldcpp", apiKey: "s3cret-key", tokenizer: "tiny" }, { remember: true });
    assert.deepEqual((await settingsOf(home)).backend, { url: kobold.url, api: "koboldcpp", tokenizer: path });
    assert.equal(remote.notes[2], "token counts from the server's /api/extra/tokencount", "the server's own count comes first");
    assert.equal(app.models.current(), null, "the model's memory is given back");
    assert.equal(app.models.status().model, "Nemo-12B-Q4_K_M");

    await app.models.load(path);
    assert.equal(app.backends.current(), null);
    assert.equal((await settingsOf(home)).backend, undefined, "the next start loads the model, not the server");
    assert.equal((await settingsOf(home)).lastModel, path);
    assert.equal(app.models.status().model, "taproom-tiny");
  } finally {
    await app.close();
  }
});

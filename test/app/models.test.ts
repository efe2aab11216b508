import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp } from "../../src/app/app.ts";
import { writeTinyChatModel } from "../support/tinyGguf.ts";

const greedy = { temperature: 0, maxTokens: 40 };

test("a chat's turns use the model loaded at run time, and the turn report carries the model panel's figures", async () => {
  const home = await mkdtemp(join(tmpdir(), "taproom-model-services-"));
  await mkdir(join(home, "models"));
  const path = await writeTinyChatModel(join(home, "models", "tiny.gguf"));
  const app = createApp({ env: { TAPROOM_HOME: home }, runtime: { gpu: "cpu", threads: 1, contextSize: 2048 } });
  try {
    const chat = await app.chats.open({ characterId: "Brindle" });
    assert.equal(app.models.status().model, null);
    assert.equal(await app.models.details(), null);
    assert.deepEqual((await app.models.library()).map((m) => [m.name, m.paths[0]]), [["tiny.gguf", path]]);

    const loaded = await app.models.load(path);
    assert.equal(loaded.name, "taproom-tiny");
    assert.equal(app.models.current()?.path, path);
    assert.match(app.models.line(), /^taproom-tiny · cpu · 2048 ctx$/);
    assert.equal(app.models.plan()?.contextSize, 2048);
    const played = await chat.play({ mode: "reply", text: "Evening.", samplers: greedy });
    assert.equal(played.text, "Hi, Bryn.");
    assert.deepEqual(played.chat.messages.slice(-2).map((m) => [m.role, m.swipes[0]?.text]), [["user", "Evening."], ["assistant", "Hi, Bryn."]]);
    const turn = chat.lastTurn();
    assert.ok(turn && turn.promptMs !== undefined && turn.promptMs > 0, `prompt eval ${turn?.promptMs} ms`);
    assert.ok(turn.tokensPerSecond !== undefined && turn.tokensPerSecond > 0);
    const details = await app.models.details();
    assert.equal(details?.contextSize, 2048);
    assert.ok(details && !("remote" in details) && details.contextUsed > 0, "the KV cache holds the turn");

    await app.models.unload();
    assert.equal(app.models.status().model, null);
    await assert.rejects(chat.play({ mode: "reply", text: "Still there?" }), /no model loaded: .*\/model NAME/);
    assert.equal(chat.chat().messages.length, 3, "a failed turn changes nothing");
  } finally {
    await app.close();
  }
});

test("a load is watched while it runs, and a turn asked for meanwhile waits for it instead of failing", async () => {
  const home = await mkdtemp(join(tmpdir(), "taproom-model-loading-"));
  await mkdir(join(home, "models"));
  const path = await writeTinyChatModel(join(home, "models", "tiny.gguf"));
  const bad = join(home, "models", "bad.gguf");
  await writeFile(bad, "not a model");
  const app = createApp({ env: { TAPROOM_HOME: home }, runtime: { gpu: "cpu", threads: 1, contextSize: 2048 } });
  const { models } = app;
  const seen: Array<string | null> = [];
  const unsubscribe = models.subscribe(() => seen.push(models.loading()?.name ?? null));
  try {
    const chat = await app.chats.open({ characterId: "Brindle" });
    const ask = (signal = new AbortController().signal) => chat.play({ mode: "reply", text: "Evening.", samplers: greedy, signal });

    const loading = models.load(path);
    assert.equal(models.loading()?.name, "tiny.gguf");
    assert.equal(models.current(), null);
    const reply = ask();
    assert.equal((await reply).text, "Hi, Bryn.");
    assert.equal((await loading).name, "taproom-tiny");
    assert.equal(models.loading(), null);
    assert.equal(seen[0], "tiny.gguf");
    assert.equal(seen.at(-1), null, "the end of the load is told too");

    const before = chat.chat().messages.length;
    const reloading = models.load(path);
    const stop = new AbortController();
    const stopped = ask(stop.signal);
    stop.abort();
    const outcome = await stopped;
    assert.deepEqual([outcome.text, outcome.stopReason, outcome.tokens], ["", "abort", 0], "Ctrl+C while waiting stops the wait");
    assert.equal(outcome.chat.messages.length, before + 1, "the message sent is kept, with no empty reply");
    await reloading;

    const failing = models.load(bad);
    failing.catch(() => {});
    await assert.rejects(ask(), /bad\.gguf did not load: .*bad\.gguf/);
    await assert.rejects(failing);
    assert.equal(models.loading(), null);
    assert.equal(models.current(), null);
  } finally {
    unsubscribe();
    await app.close();
  }
});

test("a load asked to wait (for the app's first frame) shows as loading at once and starts only when let go", async () => {
  const home = await mkdtemp(join(tmpdir(), "taproom-model-wait-"));
  await mkdir(join(home, "models"));
  const bad = join(home, "models", "bad.gguf");
  await writeFile(bad, "not a model");
  const app = createApp({ env: { TAPROOM_HOME: home }, runtime: { gpu: "cpu", threads: 1 } });
  try {
    let go!: () => void;
    const drawn = new Promise<void>((resolve) => (go = resolve));
    let settled = false;
    const load = app.models.load(bad, undefined, { startAfter: drawn });
    load.then(() => (settled = true), () => (settled = true));
    assert.equal(app.models.loading()?.name, "bad.gguf", "the screens show the load from the start");
    // A file that is not a model fails at once when read: unread, it has not been touched.
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(settled, false, "nothing was read before the first frame");
    go();
    await assert.rejects(load, /bad\.gguf/);
    assert.equal(app.models.loading(), null);
  } finally {
    await app.close();
  }
});

test("a model is loaded by its library name, and the next start finds it remembered (a file since gone is not)", async () => {
  const home = await mkdtemp(join(tmpdir(), "taproom-model-remembered-"));
  await mkdir(join(home, "models"));
  const path = await writeTinyChatModel(join(home, "models", "tiny.gguf"));
  const first = createApp({ env: { TAPROOM_HOME: home }, runtime: { gpu: "cpu", threads: 1, contextSize: 512 } });
  try {
    assert.equal(await first.models.lastModel(), null, "nothing remembered before a first load");
    await assert.rejects(first.models.load("tiyn"), /no model file or library model named "tiyn" \(did you mean "tiny"\?\)/);
    assert.equal((await first.models.load("tiny")).path, path);
  } finally {
    await first.close();
  }
  const next = createApp({ env: { TAPROOM_HOME: home } });
  assert.equal(await next.models.lastModel(), path);
  const { rm } = await import("node:fs/promises");
  await rm(path);
  assert.equal(await next.models.lastModel(), null, "a model deleted since is not loaded at start");
  await next.close();
});

test("while a turn runs, the context counter counts its whole prompt, even when the KV cache held another chat's", async () => {
  const home = await mkdtemp(join(tmpdir(), "taproom-model-counter-"));
  const path = await writeTinyChatModel(join(home, "tiny.gguf"));
  const app = createApp({ env: { TAPROOM_HOME: home }, runtime: { gpu: "cpu", threads: 1, contextSize: 2048 } });
  try {
    await app.models.load(path);
    const brindle = await app.chats.open({ characterId: "Brindle", unsaved: true });
    const maelis = await app.chats.open({ characterId: "Maelis", unsaved: true });
    await brindle.play({ mode: "reply", text: "Evening.", samplers: greedy });
    await maelis.play({ mode: "reply", text: "Evening.", samplers: greedy });
    // Brindle's reply continued: the cache holds Maelis's prompt, so little of Brindle's is reused.
    const before = app.models.status().contextUsed;
    const seen: number[] = [];
    const poll = setInterval(() => seen.push(app.models.status().contextUsed ?? 0), 0);
    try {
      await brindle.play({ mode: "continue", samplers: greedy });
    } finally {
      clearInterval(poll);
    }
    const prompt = brindle.lastTurn()!.promptTokens;
    assert.ok(seen.length > 0 && prompt - brindle.lastTurn()!.evaluatedTokens < 100, "little was reused");
    const short = seen.filter((n) => n !== before && n < prompt);
    assert.deepEqual(short, [], `the counter read less than the ${prompt}-token prompt: ${[...new Set(seen)].join(", ")}`);
  } finally {
    await app.close();
  }
});

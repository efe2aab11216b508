import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAppServices } from "../../../src/ui/app/createServices.ts";
import { resolveSamplers } from "../../../src/core/samplers/validate.ts";
import type { ChatMessage } from "../../../src/core/chat/types.ts";
import { writeTinyChatModel } from "../../support/tinyGguf.ts";

test("the chat uses the model loaded at run time, and its turn report carries the model panel's figures", async () => {
  const home = await mkdtemp(join(tmpdir(), "taproom-model-services-"));
  await mkdir(join(home, "models"));
  const path = await writeTinyChatModel(join(home, "models", "tiny.gguf"));
  const app = await createAppServices({ gpu: "cpu", threads: 1, contextSize: 2048 }, { TAPROOM_HOME: home });
  try {
    const chat = await app.services.openChat({ characterId: "Brindle" });
    assert.equal(chat.services.modelStatus().model, null);
    assert.equal(await chat.services.modelDetails?.(), null);
    assert.deepEqual(await chat.services.libraryModels?.(), [{ name: "tiny.gguf", path }]);

    const loaded = await chat.services.loadModel!(path);
    assert.equal(loaded.name, "taproom-tiny");
    assert.equal(app.services.models.current()?.path, path);
    assert.match(app.services.modelLine(), /^taproom-tiny · cpu · 2048 ctx$/);
    const user: ChatMessage = { id: "u1", role: "user", name: "You", swipes: [{ text: "Evening.", sentAt: "" }], swipeIndex: 0 };
    const result = await chat.services.generate({
      mode: "reply",
      messages: [...chat.initialMessages, user],
      characterName: chat.characterName,
      samplers: resolveSamplers({ temperature: 0, maxTokens: 40 }),
      signal: new AbortController().signal,
      onText: () => {},
    });
    assert.equal(result.text.trim(), "Hi, Bryn.");
    const turn = chat.services.lastTurn?.();
    assert.ok(turn && turn.promptMs !== undefined && turn.promptMs > 0, `prompt eval ${turn?.promptMs} ms`);
    assert.ok(turn.tokensPerSecond !== undefined && turn.tokensPerSecond > 0);
    const details = await chat.services.modelDetails?.();
    assert.equal(details?.contextSize, 2048);
    assert.ok((details?.contextUsed ?? 0) > 0, "the KV cache holds the turn");

    await app.services.models.unload();
    assert.equal(chat.services.modelStatus().model, null);
    await assert.rejects(
      async () => chat.services.generate({ mode: "reply", messages: [...chat.initialMessages, user], characterName: "Brindle", samplers: resolveSamplers(), signal: new AbortController().signal, onText: () => {} }),
      /no model loaded: .*\/model NAME/,
    );
  } finally {
    await app.close();
  }
});

test("a load is watched while it runs, and a reply asked for meanwhile waits for it instead of failing", async () => {
  const home = await mkdtemp(join(tmpdir(), "taproom-model-loading-"));
  await mkdir(join(home, "models"));
  const path = await writeTinyChatModel(join(home, "models", "tiny.gguf"));
  const bad = join(home, "models", "bad.gguf");
  await writeFile(bad, "not a model");
  const app = await createAppServices({ gpu: "cpu", threads: 1, contextSize: 2048 }, { TAPROOM_HOME: home });
  const { models } = app.services;
  const seen: Array<string | null> = [];
  const unsubscribe = models.subscribe(() => seen.push(models.loading()?.name ?? null));
  try {
    const chat = await app.services.openChat({ characterId: "Brindle" });
    const user: ChatMessage = { id: "u1", role: "user", name: "You", swipes: [{ text: "Evening.", sentAt: "" }], swipeIndex: 0 };
    const ask = (signal = new AbortController().signal) =>
      chat.services.generate({
        mode: "reply",
        messages: [...chat.initialMessages, user],
        characterName: chat.characterName,
        samplers: resolveSamplers({ temperature: 0, maxTokens: 40 }),
        signal,
        onText: () => {},
      });

    const loading = models.load(path);
    assert.equal(models.loading()?.name, "tiny.gguf");
    assert.equal(models.current(), null);
    assert.equal(chat.services.modelLoad?.loading(), models.loading());
    const reply = ask();
    assert.equal((await reply).text.trim(), "Hi, Bryn.");
    assert.equal((await loading).name, "taproom-tiny");
    assert.equal(models.loading(), null);
    assert.equal(seen[0], "tiny.gguf");
    assert.equal(seen.at(-1), null, "the end of the load is told too");

    const reloading = models.load(path);
    const stop = new AbortController();
    const stopped = ask(stop.signal);
    stop.abort();
    assert.deepEqual(await stopped, { text: "", stopReason: "abort", tokens: 0, tokensPerSecond: 0 }, "Ctrl+C while waiting stops the wait");
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

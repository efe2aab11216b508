import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp } from "../../../src/app/app.ts";
import { ChatBusyError } from "../../../src/app/chats/session.ts";
import { said, seedChat } from "../../support/seedChat.ts";
import { scriptedSession } from "../../support/fakeServices.ts";
import { writeTinyChatModel } from "../../support/tinyGguf.ts";

const greedy = { temperature: 0, maxTokens: 40 };
const shown = (messages: Array<{ swipes: Array<{ text: string }>; swipeIndex: number }>) => messages.map((m) => m.swipes[m.swipeIndex]?.text);

test("a turn sends the person's message, writes the reply through core/chat and hands back the chat it saved", async () => {
  const fake = scriptedSession([["Mira: ", "Evening", ", traveller."]], { messages: [said("g", "assistant", "Welcome.", "Mira")] });
  const streamed: string[] = [];
  const outcome = await fake.session.play({ mode: "reply", text: "Hello", onText: (t) => streamed.push(t) });
  assert.deepEqual(shown(outcome.chat.messages), ["Welcome.", "Hello", "Evening, traveller."]);
  assert.equal(outcome.text, "Evening, traveller.");
  assert.equal(streamed.at(-1), "Evening, traveller.", "the text as it will stand, its speaker's name left out");
  assert.equal(fake.session.chat(), outcome.chat);
  assert.deepEqual(fake.saved, [outcome.chat], "one save for the whole turn");
  assert.deepEqual(fake.requests[0]?.messages.map((m) => m.role), ["assistant", "user"], "the engine saw the message sent");
});

test("a swipe is a new swipe of the last reply; continue adds to it; impersonate writes the draft; swipe moves between swipes", async () => {
  const fake = scriptedSession([["Second take."], [" And more."], ["You: I wave."]], { messages: [said("u", "user", "hi"), said("a", "assistant", "First take.", "Mira")] });
  let chat = (await fake.session.play({ mode: "swipe" })).chat;
  assert.deepEqual([chat.messages[1]?.swipes.map((s) => s.text), chat.messages[1]?.swipeIndex], [["First take.", "Second take."], 1]);
  chat = (await fake.session.play({ mode: "continue" })).chat;
  assert.equal(chat.messages[1]?.swipes[1]?.text, "Second take. And more.");
  const impersonated = await fake.session.play({ mode: "impersonate" });
  assert.deepEqual([impersonated.text, impersonated.chat.draft, impersonated.chat.messages.length], ["I wave.", "I wave.", 2]);
  assert.equal(fake.session.swipe(-1).messages[1]?.swipeIndex, 0);
  assert.equal(fake.session.swipe(-1).messages[1]?.swipeIndex, 0, "at the first swipe nothing moves");
  assert.equal(fake.session.swipe(1).messages[1]?.swipeIndex, 1);
});

test("while a turn writes, message changes are refused; settings and the draft still save and survive the turn", async () => {
  const fake = scriptedSession([["Slow ", "reply"]], { hold: true, messages: [said("g", "assistant", "Welcome.", "Mira")], draft: "Hello" });
  const turn = fake.session.play({ mode: "reply", text: "Hello" });
  assert.equal(fake.session.busy(), true);
  assert.throws(() => fake.session.edit("g", "Hi."), ChatBusyError);
  assert.throws(() => fake.session.remove("g"), ChatBusyError);
  await assert.rejects(fake.session.play({ mode: "swipe" }), ChatBusyError);
  fake.session.setSamplers({ temperature: 1.3 });
  fake.session.setDraft("And another thing");
  fake.release();
  const { chat } = await turn;
  assert.equal(fake.session.busy(), false);
  assert.deepEqual(shown(chat.messages), ["Welcome.", "Hello", "Slow reply"]);
  assert.equal(chat.settings.samplers?.temperature, 1.3);
  assert.equal(chat.draft, "And another thing", "typed during the turn, kept");
  assert.equal(fake.requests[0]?.samplers.temperature, 0.8, "the turn kept the samplers it started with");
});

test("a turn stopped keeps what was written; a failed one changes nothing", async () => {
  const stopped = scriptedSession([["Once upon", " a time"]], { hold: true });
  const stop = new AbortController();
  const turn = stopped.session.play({ mode: "reply", text: "A story", signal: stop.signal });
  await new Promise((resolve) => setTimeout(resolve, 20));
  stop.abort();
  const outcome = await turn;
  assert.deepEqual([outcome.stopReason, shown(outcome.chat.messages)], ["abort", ["A story", "Once upon"]]);
  const failing = scriptedSession([], { fail: "no model loaded", messages: [said("g", "assistant", "Welcome.", "Mira")] });
  await assert.rejects(failing.session.play({ mode: "reply", text: "Hello" }), /no model loaded/);
  assert.deepEqual(shown(failing.session.chat().messages), ["Welcome."]);
  assert.deepEqual(failing.saved, []);
});

test("a draft typed while a real reply is written survives the end of the turn and its save", async () => {
  const home = await mkdtemp(join(tmpdir(), "taproom-draft-turn-"));
  await mkdir(join(home, "models"));
  const path = await writeTinyChatModel(join(home, "models", "tiny.gguf"));
  let app = createApp({ env: { TAPROOM_HOME: home }, runtime: { gpu: "cpu", threads: 1, contextSize: 2048 } });
  let chatId: string;
  try {
    const chat = await app.chats.open({ characterId: "Brindle" });
    chatId = chat.chat().id;
    await app.models.load(path);
    const turn = chat.play({ mode: "reply", text: "Evening.", samplers: greedy });
    chat.setDraft("And another thing");
    assert.equal((await turn).text, "Hi, Bryn.");
  } finally {
    await app.close();
  }
  app = createApp({ env: { TAPROOM_HOME: home } });
  try {
    const reopened = await app.chats.open({ chatId });
    assert.equal(reopened.chat().messages.length, 3);
    assert.equal(reopened.chat().draft, "And another thing");
  } finally {
    await app.close();
  }
});

test("a save that fails (the chats folder is gone) is reported, not swallowed", async () => {
  const home = await mkdtemp(join(tmpdir(), "taproom-save-fail-"));
  const app = createApp({ env: { TAPROOM_HOME: home } });
  try {
    const chat = await app.chats.open({ characterId: "Brindle" });
    const failures: string[] = [];
    const unsubscribe = chat.onSaveError((message) => failures.push(message));
    await rm(join(home, "chats"), { recursive: true, force: true });
    await writeFile(join(home, "chats"), "not a folder");
    chat.setAuthorsNote("It is raining.");
    for (let i = 0; i < 100 && failures.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(failures.length, 1, "one report for one failed save");
    assert.match(failures[0]!, /ENOTDIR|ENOENT|not a directory|no such file/i);
    unsubscribe();
  } finally {
    await app.close().catch(() => {});
  }
});

test("sampler changes are saved as the chat's overrides and come back when it reopens; a preset replaces them", async () => {
  const home = await mkdtemp(join(tmpdir(), "taproom-samplers-"));
  const env = { TAPROOM_HOME: home };
  let app = createApp({ env });
  let chat = await app.chats.open({ characterId: "Brindle" });
  chat.setSamplers({ temperature: 1.25 });
  assert.equal(chat.setSamplers({ minP: 0.1 }).temperature, 1.25);
  await app.close();
  app = createApp({ env });
  chat = await app.chats.open({ chatId: chat.chat().id });
  assert.equal(chat.samplers().temperature, 1.25);
  assert.equal(chat.samplers().minP, 0.1);
  chat.setPreset("Deterministic");
  await app.close();
  app = createApp({ env });
  chat = await app.chats.open({ chatId: chat.chat().id });
  assert.equal(chat.presetName(), "Deterministic", "a preset replaces the overrides");
  assert.equal(chat.samplers().temperature, 0);
  await app.close();
});

test("edits and deletions go through core/chat and are saved; a chat reopened while its session closes sees them", async () => {
  const home = await mkdtemp(join(tmpdir(), "taproom-session-edit-"));
  const chatId = await seedChat(home, "Brindle", [said("u1", "user", "first"), said("a1", "assistant", "one")]);
  const app = createApp({ env: { TAPROOM_HOME: home } });
  const chat = await app.chats.open({ chatId });
  chat.edit("u1", "first, mended");
  chat.remove("a1");
  // Opening the same chat again waits for the open session: one writer per chat.
  const again = await app.chats.open({ chatId });
  assert.deepEqual(shown(again.chat().messages).slice(1), ["first, mended"]);
  await app.close();
});

test("a saved chat's turn uses an imported template, holds where its history was kept, and its KV state serves the next process", async () => {
  const home = await mkdtemp(join(tmpdir(), "taproom-session-turn-"));
  await mkdir(join(home, "models"));
  const path = await writeTinyChatModel(join(home, "models", "tiny.gguf"));
  const env = { TAPROOM_HOME: home };
  const runtime = { gpu: "cpu" as const, threads: 1, contextSize: 2048 };
  // SillyTavern's ChatML instruct preset under a name of its own.
  await writeFile(join(home, "tavern-chatml.json"), JSON.stringify({
    name: "Tavern ChatML", input_sequence: "<|im_start|>user", output_sequence: "<|im_start|>assistant", system_sequence: "<|im_start|>system",
    stop_sequence: "<|im_end|>", wrap: true, macro: true, names_behavior: "always", output_suffix: "<|im_end|>\n", input_suffix: "<|im_end|>\n",
    system_suffix: "<|im_end|>\n", last_output_sequence: "", first_output_sequence: "", system_same_as_user: false,
  }));
  let app = createApp({ env, cwd: home, runtime });
  let chatId: string;
  let keptFrom: string | undefined;
  try {
    assert.equal((await app.presets.importSillyTavern("tavern-chatml.json")).template?.name, "Tavern ChatML");
    const chat = await app.chats.open({ characterId: "Brindle" });
    chatId = chat.chat().id;
    assert.equal(chat.setInstructTemplate("tavern chatml"), "Tavern ChatML", "an imported template is chosen by name, as /instruct does");
    await app.models.load(path);
    const first = await chat.play({ mode: "reply", text: "Evening.", samplers: greedy });
    assert.equal(first.template, "Tavern ChatML");
    assert.equal(first.report?.reuse?.cause, "cold");
    keptFrom = first.chat.keptFrom;
    assert.ok(first.chat.messages.some((m) => m.id === keptFrom), "the chat holds the message its prompt's history began with");
  } finally {
    await app.close();
  }
  app = createApp({ env, runtime });
  try {
    const chat = await app.chats.open({ chatId });
    assert.equal(chat.chat().keptFrom, keptFrom, "saved with the chat");
    await app.models.load(path);
    // "cup" brings a lore entry before the character: the saved state serves the prompt up to it, and the turn says so.
    const next = await chat.play({ mode: "reply", text: "A cup, please.", samplers: greedy });
    const reuse = next.report?.reuse;
    assert.equal(reuse?.source, "saved", JSON.stringify(reuse));
    assert.ok(reuse!.reused > 0 && reuse!.reused + reuse!.evaluated === reuse!.promptTokens, JSON.stringify(reuse));
    assert.equal(reuse!.cause, "lore");
    assert.match(reuse!.reason, /lore entry "Tabs and debts.*" came \(before character\)/);
  } finally {
    await app.close();
  }
});

import { before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { runCli } from "../../../src/cli/main.ts";
import { captureIO } from "../../support/cliIO.ts";
import { greedyReference, writeTinyChatModel } from "../../support/tinyGguf.ts";

let home: string;
let modelPath: string;
const run = promisify(execFile);

before(async () => {
  home = await mkdtemp(join(tmpdir(), "taproom-chatcli-"));
  modelPath = await writeTinyChatModel(join(home, "tiny.gguf"));
});

async function promptText(): Promise<string> {
  const io = captureIO({ TAPROOM_HOME: home });
  const code = await runCli(["prompt", "--character", "Brindle", "--model", modelPath, "--context", "2048", "--json"], io);
  assert.equal(code, 0, io.err());
  const view = JSON.parse(io.out()) as { text: string; sections: Array<{ kind: string }> };
  assert.ok(view.sections.some((s) => s.kind === "card"));
  return view.text;
}

test("taproom chat prints exactly the reply the reference predicts for greedy settings", async () => {
  const prompt = await promptText();
  const io = captureIO({ TAPROOM_HOME: home });
  const code = await runCli(
    ["chat", "--model", modelPath, "--character", "Brindle", "--message", "Evening.", "--temperature", "0", "--threads", "1", "--context", "2048", "--gpu", "cpu"],
    io,
  );
  assert.equal(code, 0, io.err());
  // The user's message changes the history but not the prompt's last characters.
  assert.equal(io.out(), `${greedyReference(prompt, 300)}\n`);
  assert.equal(io.out(), "Hi, Bryn.\n");
});

test("--json reports reply, stop reason, tokens and the load plan", async () => {
  const io = captureIO({ TAPROOM_HOME: home });
  const code = await runCli(["chat", "--model", modelPath, "--character", "Brindle", "--message", "Hi", "--temperature", "0", "--threads", "1", "--context", "2048", "--json"], io);
  assert.equal(code, 0, io.err());
  const out = JSON.parse(io.out());
  assert.equal(out.reply, "Hi, Bryn.");
  assert.equal(out.stopReason, "eos");
  assert.equal(out.plan.backend, "cpu");
  assert.equal(out.plan.contextSize, 2048);
  assert.equal(out.tokens, "Hi, Bryn.".length);
  const t = out.timings;
  assert.equal(t.evaluatedPromptTokens + t.reusedPromptTokens, t.promptTokens, "a fresh model evaluates what it does not reuse");
  assert.equal(t.reusedPromptTokens, 0, "nothing is cached in a fresh process");
  assert.ok(t.promptMs > 0 && t.durationMs > t.promptMs, JSON.stringify(t));
  assert.ok(t.tokensPerSecond > 0);
});

test("--new-chat saves the chat and --chat continues it", async () => {
  const args = ["--model", modelPath, "--temperature", "0", "--threads", "1", "--context", "2048"];
  let io = captureIO({ TAPROOM_HOME: home });
  assert.equal(await runCli(["chat", ...args, "--character", "Brindle", "--new-chat", "rainy night", "--message", "Hello"], io), 0, io.err());
  io = captureIO({ TAPROOM_HOME: home });
  assert.equal(await runCli(["chat", ...args, "--chat", "rainy night", "--message", "A cup, please."], io), 0, io.err());
  io = captureIO({ TAPROOM_HOME: home });
  assert.equal(await runCli(["chats", "list", "--json"], io), 0, io.err());
  const listed = JSON.parse(io.out()) as Array<{ title: string; messageCount: number }>;
  const chat = listed.find((c) => c.title === "rainy night");
  assert.ok(chat);
  assert.equal(chat.messageCount, 5, "greeting + two user messages + two replies");
});

test("a saved chat's next headless turn loads its KV state and evaluates only the new messages, and says so", async () => {
  const args = ["--model", modelPath, "--temperature", "0", "--threads", "1", "--context", "2048", "--json"];
  let io = captureIO({ TAPROOM_HOME: home });
  assert.equal(await runCli(["chat", ...args, "--character", "Brindle", "--new-chat", "kv night", "--message", "Hello"], io), 0, io.err());
  const first = JSON.parse(io.out()).cache;
  assert.equal(first.cause, "cold");
  assert.equal(first.reason, "no saved state for this chat");
  io = captureIO({ TAPROOM_HOME: home });
  assert.equal(await runCli(["chat", ...args, "--chat", "kv night", "--message", "Hello"], io), 0, io.err());
  // The greeting left the lore's scan depth: an entry before the character went. Context shift
  // erased its block and kept the rest, so nothing was processed again, and the turn said so.
  // (The entry that came goes before the examples, which gave way to the history: not in the prompt.)
  const second = JSON.parse(io.out()).cache;
  assert.equal(second.cause, "new-messages", JSON.stringify(second));
  assert.equal(second.reprocessed, 0);
  assert.deepEqual(second.shifted.map((s: { what: string }) => s.what), ['lore entry "Quiet night (NOT ANY)" went (before character)']);
  assert.match(second.summary, /^\d+ reused · \d+ evaluated · \d+ shifted out$/);
  // The same line again leaves the lore as it was.
  io = captureIO({ TAPROOM_HOME: home });
  assert.equal(await runCli(["chat", ...args, "--chat", "kv night", "--message", "Hello"], io), 0, io.err());
  const out = JSON.parse(io.out());
  assert.equal(out.cache.source, "saved");
  assert.equal(out.cache.cause, "new-messages");
  assert.equal(out.cache.reprocessed, 0);
  assert.ok(out.cache.evaluated <= out.cache.newTokens && out.cache.evaluated < out.cache.promptTokens / 3, JSON.stringify(out.cache));
  assert.equal(out.timings.evaluatedPromptTokens, out.cache.evaluated);
  assert.equal(out.cache.summary, `${out.cache.reused} reused · ${out.cache.evaluated} evaluated`);
  // A different context is another cache layout: the state is not loaded, and the turn says why.
  io = captureIO({ TAPROOM_HOME: home });
  assert.equal(await runCli(["chat", ...args.slice(0, -3), "--context", "1792", "--json", "--chat", "kv night", "--message", "Thanks."], io), 0, io.err() + io.out());
  const other = JSON.parse(io.out()).cache;
  assert.equal(other.cause, "cold");
  assert.equal(other.reason, "the saved state is for a context of 2048, this one has 1792");
});

test("a headless turn whose lore entry came evaluates it in place from the saved state and keeps the history after it", async () => {
  const args = ["--model", modelPath, "--temperature", "0", "--threads", "1", "--context", "2048", "--json"];
  let io = captureIO({ TAPROOM_HOME: home });
  assert.equal(await runCli(["chat", ...args, "--character", "Brindle", "--new-chat", "stout night", "--message", "Hello"], io), 0, io.err());
  for (const message of ["Hello", "Any news?"]) {
    io = captureIO({ TAPROOM_HOME: home });
    assert.equal(await runCli(["chat", ...args, "--chat", "stout night", "--message", message], io), 0, io.err());
  }
  io = captureIO({ TAPROOM_HOME: home });
  assert.equal(await runCli(["chat", ...args, "--chat", "stout night", "--message", "A stout, please."], io), 0, io.err());
  const cache = JSON.parse(io.out()).cache;
  assert.equal(cache.source, "saved");
  assert.equal(cache.cause, "lore");
  assert.deepEqual(cache.inserted.map((b: { what: string }) => b.what), ['lore entry "Emberstout" came (before character)']);
  assert.ok(cache.reprocessed <= cache.inserted[0].tokens, JSON.stringify(cache));
  assert.ok(cache.evaluated < cache.promptTokens / 2, `the history after the entry was kept: ${JSON.stringify(cache)}`);
  assert.match(cache.summary, new RegExp(` · ${cache.inserted[0].tokens} evaluated in place · lore entry "Emberstout" came \\(before character\\)$`));
});

test("a bad sampler value and a bad model file fail with one line and a non-zero code", async () => {
  let io = captureIO({ TAPROOM_HOME: home });
  assert.equal(await runCli(["chat", "--model", modelPath, "--character", "Brindle", "--message", "x", "--temperature", "-1"], io), 2);
  assert.match(io.err(), /temperature must be between 0 and 5, got -1/);
  const refused: Array<[string, string, RegExp]> = [
    ["--top-p", "2", /top-p must be between 0 and 1, got 2/],
    ["--repeat-penalty", "0", /repetition penalty must be between 0\.5 and 3, got 0/],
    ["--frequency-penalty", "9", /frequency penalty must be between -2 and 2, got 9/],
    ["--presence-penalty", "-3", /presence penalty must be between -2 and 2, got -3/],
  ];
  for (const [flag, value, message] of refused) {
    io = captureIO({ TAPROOM_HOME: home });
    assert.equal(await runCli(["chat", "--model", modelPath, "--character", "Brindle", "--message", "x", flag, value], io), 2, flag);
    assert.match(io.err(), message);
    assert.equal(io.err().split("\n")[0]!.startsWith("taproom chat: "), true);
  }
  io = captureIO({ TAPROOM_HOME: home });
  assert.equal(await runCli(["chat", "--model", join(home, "nope.gguf"), "--character", "Brindle", "--message", "x"], io), 1);
  assert.match(io.err(), /nope\.gguf: file not found/);
  assert.equal(io.out(), "");
});

test("the real binary prints only the reply on stdout", async () => {
  const bin = new URL("../../../bin/taproom.js", import.meta.url).pathname;
  const { stdout } = await run(process.execPath, [bin, "chat", "--model", modelPath, "--character", "Brindle", "--message", "Hi", "--temperature", "0", "--threads", "1", "--context", "2048"], {
    env: { ...process.env, TAPROOM_HOME: home },
  });
  assert.equal(stdout, "Hi, Bryn.\n");
});

const WORDY_CARD = {
  spec: "chara_card_v2", spec_version: "2.0",
  data: {
    name: "Wordy", description: "Stew is hot. ".repeat(300), personality: "", scenario: "", first_mes: "Hi.", mes_example: "",
    creator_notes: "", system_prompt: "", post_history_instructions: "", alternate_greetings: [], tags: [], creator: "", character_version: "", extensions: {},
  },
};

test("--context past the model's trained context says the cap, and the advice never asks for more than the model allows", async () => {
  const card = join(home, "wordy.json");
  await writeFile(card, JSON.stringify(WORDY_CARD));
  const io = captureIO({ TAPROOM_HOME: home });
  const code = await runCli(["chat", "--model", modelPath, "--character", card, "--message", "Hi", "--threads", "1", "--context", "8192", "--gpu", "cpu"], io);
  assert.equal(code, 1, io.out());
  const [cap, failure] = io.err().trimEnd().split("\n");
  assert.equal(cap, "--context 8192 is more than taproom-tiny was trained on: using its 2048 tokens");
  assert.match(failure!, /^taproom chat: the prompt without history needs \d+ tokens but only 1748 fit \(context 2048 minus 300 for the reply\): shorten the card, or use a model trained on a larger context \(this one allows 2048\)$/);
});

test("--ban, --logit-bias, --grammar and --ban-eos shape the reply on the tiny model; a malformed one is one usage line", async () => {
  const chat = async (...extra: string[]) => {
    const io = captureIO({ TAPROOM_HOME: home });
    const code = await runCli(["chat", "--model", modelPath, "--character", "Brindle", "--message", "Evening.", "--temperature", "0", "--threads", "1", "--context", "2048", "--gpu", "cpu", ...extra], io);
    return { code, out: io.out(), err: io.err() };
  };
  const banned = await chat("--ban", ",", "--max-tokens", "20");
  assert.equal(banned.code, 0, banned.err);
  assert.ok(banned.out.trim().length > 0 && !banned.out.includes(","), banned.out);
  const biased = await chat("--logit-bias", "{i}=-100", "--max-tokens", "20");
  assert.equal(biased.code, 0, biased.err);
  assert.ok(!biased.out.includes("i") && biased.out !== "Hi, Bryn.\n", biased.out);
  const grammarFile = join(home, "bryn.gbnf");
  await writeFile(grammarFile, 'root ::= "Bryn" [.!]\n');
  const shaped = await chat("--grammar", grammarFile);
  assert.equal(shaped.code, 0, shaped.err);
  assert.match(shaped.out, /^Bryn[.!]\n$/);
  const long = await chat("--ban-eos", "--max-tokens", "16", "--json");
  assert.equal(long.code, 0, long.err);
  const json = JSON.parse(long.out) as { reply: string; stopReason: string; tokens: number };
  assert.deepEqual([json.stopReason, json.tokens], ["max-tokens", 16]);
  assert.ok(json.reply.startsWith("Hi, Bryn."), json.reply);

  const bad = await chat("--logit-bias", "Bryn");
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--logit-bias takes TEXT=N \(e\.g\. "Bryn=-100"\), got "Bryn"/);
  const missing = await chat("--grammar", join(home, "nope.gbnf"));
  assert.equal(missing.code, 2);
  assert.match(missing.err, /--grammar .*nope\.gbnf: no such file/);
  const empty = await chat("--logit-bias", "=5");
  assert.equal(empty.code, 2);
  assert.match(empty.err, /--logit-bias takes TEXT=N/);
});

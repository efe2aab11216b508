// Issue 14, findings 5 and 9: text from outside (a model's reply, a persona's or card's name)
// reached the terminal raw from headless commands, in text and in --json.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../src/cli/main.ts";
import { commands } from "../../src/cli/commands/index.ts";
import { guardOutput } from "../../src/core/text/sanitize.ts";
import { captureIO } from "../support/cliIO.ts";
import { v2Card } from "../support/cards.ts";
import { tinyChatModelBytes, tinyVocabulary } from "../support/tinyGguf.ts";

const RAW = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

test("every headless command of the lazy table prints through the guard: a hostile argument comes back inert on stdout and stderr", async () => {
  const home = await mkdtemp(join(tmpdir(), "taproom-guard-"));
  const hostile = "\x1b]0;pwned\x07\u202e\x9b31m";
  const headless = commands.filter((c) => c.name !== "tui");
  assert.ok(headless.length >= 10, headless.map((c) => c.name).join(" "));
  for (const c of headless) {
    // An unreachable hub: nothing here may go out to the network.
    const io = { ...captureIO({ TAPROOM_HOME: home, HF_ENDPOINT: "http://127.0.0.1:9" }), cwd: home };
    await runCli([c.name, hostile], io);
    const printed = io.out() + io.err();
    assert.doesNotMatch(printed, RAW, `${c.name}: ${JSON.stringify(printed)}`);
    assert.match(printed, /\\u202e/, `${c.name} shows the character it refused: ${JSON.stringify(printed)}`);
  }
});

test("a reply carrying a window-title sequence prints as text only", () => {
  const reply = "Hello\x1b]0;pwned\x07 there\x1b]52;c;ZXZpbA==\x07\x9b2J";
  assert.equal(guardOutput(`${reply}\n`), "Hello there\\u009b2J\n");
});

test("--json output keeps C1 and bidi characters as escapes: valid, exact, inert", () => {
  const value = { name: "Mal\u009b31m\u202eory", note: "tab\there" };
  const out = guardOutput(JSON.stringify(value));
  assert.doesNotMatch(out, RAW);
  assert.deepEqual(JSON.parse(out), value);
});

test("the persona's name in prompt's stop-strings line, and --json, carry no raw controls; a CR in a card name draws no row", async () => {
  const home = await mkdtemp(join(tmpdir(), "taproom-outside-"));
  const evil = "Mal\u009b31m\u202eory\x1b]0;t\x07";
  assert.equal(await runCli(["persona", "set", evil], captureIO({ TAPROOM_HOME: home })), 0);
  const card = join(home, "card.json");
  await writeFile(card, JSON.stringify(v2Card({ name: "Ilsa\rFAKE ROW" })));
  for (const json of [false, true]) {
    const io = captureIO({ TAPROOM_HOME: home });
    assert.equal(await runCli(["prompt", "--character", card, "--context", "4096", ...(json ? ["--json"] : [])], io), 0, io.err());
    assert.doesNotMatch(io.out(), RAW);
    if (!json) assert.match(io.out(), /stop strings: .*Mal\\u009b31m\\u202eory/);
    else assert.ok((JSON.parse(io.out()) as { text: string }).text.includes("Mal\u009b31m\u202eory"));
  }
  const imported = captureIO({ TAPROOM_HOME: home });
  assert.equal(await runCli(["card", "import", card], imported), 0, imported.err());
  const list = captureIO({ TAPROOM_HOME: home });
  assert.equal(await runCli(["card", "list"], list), 0);
  const rows = list.out().split("\n").filter(Boolean);
  assert.ok(rows.some((r) => r.includes("Ilsa FAKE ROW")), list.out());
  assert.ok(!rows.some((r) => r.startsWith("FAKE ROW")));
  const persona = captureIO({ TAPROOM_HOME: home });
  await runCli(["persona", "list"], persona);
  assert.doesNotMatch(persona.out(), RAW);
});

test("a model whose reply carries a window-title sequence: taproom chat prints the reply as text only", { timeout: 120_000 }, async () => {
  const home = await mkdtemp(join(tmpdir(), "taproom-hostile-model-"));
  // The token for "B" is written as a title-setting OSC, a C1 CSI and a bidi override before the letter:
  // the tiny model's greedy reply "Hi, Bryn." carries them.
  const vocab = tinyVocabulary();
  vocab[vocab.indexOf("B")] = "\x1b]0;pwned\x07\u009b2J\u202eB";
  const model = join(home, "hostile-vocab.gguf");
  await writeFile(model, tinyChatModelBytes({ metadata: { "tokenizer.ggml.tokens": { type: "strings", value: vocab } } }));
  const args = ["chat", "--model", model, "--character", "Brindle", "--message", "Evening.", "--temperature", "0", "--threads", "1", "--context", "2048", "--gpu", "cpu"];
  const text = captureIO({ TAPROOM_HOME: home });
  assert.equal(await runCli(args, text), 0, text.err());
  assert.doesNotMatch(text.out(), RAW);
  assert.equal(text.out(), "Hi, Bryn.\n", "the sequences are dropped, the words kept");
  const json = captureIO({ TAPROOM_HOME: home });
  assert.equal(await runCli([...args, "--json"], json), 0, json.err());
  assert.doesNotMatch(json.out(), RAW);
  assert.equal((JSON.parse(json.out()) as { reply: string }).reply, "Hi, \x1b]0;pwned\x07\u009b2J\u202eBryn.", "the JSON keeps the reply exact, escaped");
});

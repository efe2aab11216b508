import { before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../../src/cli/main.ts";
import { captureIO } from "../../support/cliIO.ts";
import { writeThinkingModel, writeTinyChatModel } from "../../support/tinyGguf.ts";

let dir: string;
let tiny: string;
let thinking: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "taproom-roleplaycli-"));
  tiny = await writeTinyChatModel(join(dir, "tiny.gguf"));
  thinking = await writeThinkingModel(join(dir, "thinking.gguf"));
});

async function cli(home: string, ...args: string[]) {
  const io = captureIO({ TAPROOM_HOME: home });
  const code = await runCli(args, io);
  return { code, out: io.out(), err: io.err() };
}

const model = (path: string) => ["--model", path, "--temperature", "0", "--threads", "1", "--context", "2048", "--gpu", "cpu"];
const stars = { id: "x", scriptName: "Bryn to Wren", findRegex: "/Bryn/g", replaceString: "Wren", placement: [2], disabled: false, markdownOnly: false, promptOnly: false, runOnEdit: true, substituteRegex: 0, minDepth: null, maxDepth: null, trimStrings: [] };

test("taproom chat --json gives a thinking model's reasoning apart from its reply", async () => {
  const home = join(dir, "think");
  const { code, out, err } = await cli(home, "chat", ...model(thinking), "--character", "Brindle", "--message", "Evening.", "--json");
  assert.equal(code, 0, err);
  const json = JSON.parse(out);
  assert.equal(json.reply, "Hi, Bryn.");
  assert.equal(json.reasoning, "Wave");
});

test("regex import, list, export and delete work on SillyTavern script files; a card's scripts run only once allowed", async () => {
  const home = join(dir, "regex");
  const file = join(dir, "script.json");
  await writeFile(file, JSON.stringify(stars, null, 4));
  const imported = await cli(home, "regex", "import", file);
  assert.equal(imported.code, 0, imported.err);
  assert.match(imported.out, /Imported 1 global script: Bryn to Wren/);
  assert.match((await cli(home, "regex", "list")).out, /\+ Bryn to Wren {2}\[AI output\] {2}\/Bryn\/g/);
  const out = join(dir, "out.json");
  assert.equal((await cli(home, "regex", "export", "bryn to wren", "--out", out)).code, 0);
  const written = JSON.parse(await readFile(out, "utf8"));
  assert.equal(written.findRegex, "/Bryn/g");
  const chat = await cli(home, "chat", ...model(tiny), "--character", "Brindle", "--message", "Evening.");
  assert.equal(chat.out, "Hi, Wren.\n", "a global script runs on the reply as it is stored");
  assert.equal((await cli(home, "regex", "delete", "Bryn to Wren")).code, 0);
  assert.equal((await cli(home, "chat", ...model(tiny), "--character", "Brindle", "--message", "Evening.")).out, "Hi, Bryn.\n");

  // A card carrying the script: off until allowed, then on.
  const card = join(dir, "wren.json");
  await writeFile(card, JSON.stringify({ spec: "chara_card_v2", spec_version: "2.0", data: { name: "Wrenfield", description: "An innkeeper.", personality: "", scenario: "", first_mes: "Welcome.", mes_example: "", creator_notes: "", system_prompt: "", post_history_instructions: "", alternate_greetings: [], tags: [], creator: "", character_version: "", extensions: { regex_scripts: [stars] } } }));
  assert.equal((await cli(home, "card", "import", card)).code, 0);
  const asked = await cli(home, "chat", ...model(tiny), "--character", "Wrenfield", "--message", "Evening.");
  assert.equal(asked.out, "Hi, Bryn.\n");
  assert.match(asked.err, /Wrenfield's card has 1 regex script, not run: --allow-card-scripts/);
  assert.match((await cli(home, "regex", "list", "--character", "Wrenfield")).out, /not run \(never allowed\)/);
  const allowed = await cli(home, "chat", ...model(tiny), "--character", "Wrenfield", "--message", "Evening.", "--allow-card-scripts");
  assert.equal(allowed.out, "Hi, Wren.\n");
  assert.equal((await cli(home, "chat", ...model(tiny), "--character", "Wrenfield", "--message", "Evening.")).out, "Hi, Wren.\n", "remembered");
  assert.match((await cli(home, "regex", "deny", "Wrenfield")).out, /stay off/);
  assert.equal((await cli(home, "chat", ...model(tiny), "--character", "Wrenfield", "--message", "Evening.")).out, "Hi, Bryn.\n");
});

test("taproom summary updates a saved chat's summary with the model, and --set replaces it", async () => {
  const home = join(dir, "summary");
  assert.equal((await cli(home, "chat", ...model(tiny), "--character", "Brindle", "--message", "Evening.", "--new-chat", "Inn")).code, 0);
  assert.match((await cli(home, "summary", "--chat", "Inn")).out, /no summary yet/);
  const updated = await cli(home, "summary", "--chat", "Inn", "--update", "--model", tiny, "--json");
  assert.equal(updated.code, 0, updated.err);
  const json = JSON.parse(updated.out);
  assert.deepEqual([json.message, json.done], [1, "updated"], "on the message before the last");
  assert.ok(json.summary.length > 0);
  assert.equal((await cli(home, "summary", "--chat", "Inn")).out, `${json.summary}\n`, "saved with the chat");
  assert.equal((await cli(home, "summary", "--chat", "Inn", "--set", "Bryn came in from the rain.")).out, "Bryn came in from the rain.\n");
  const prompt = await cli(home, "prompt", "--character", "Brindle", "--chat", "Inn", "--json");
  assert.equal(prompt.code, 0, prompt.err);
  assert.ok(JSON.parse(prompt.out).text.includes("[Summary: Bryn came in from the rain.]"), "the summary goes in the prompt");
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../../src/cli/main.ts";
import { captureIO } from "../../support/cliIO.ts";
import { writeTinyChatModel } from "../../support/tinyGguf.ts";

interface View {
  text: string;
  budget: number;
  sections: Array<{ kind: string; label: string; text: string }>;
}

async function prompt(home: string, args: string[] = []): Promise<View> {
  const io = captureIO({ TAPROOM_HOME: home });
  const code = await runCli(["prompt", "--character", "Brindle", "--context", "4096", "--template", "chatml", "--json", ...args], io);
  assert.equal(code, 0, io.err());
  return JSON.parse(io.out()) as View;
}

test("taproom prompt uses the user's own system prompt and post-history instructions from settings", async () => {
  const home = await mkdtemp(join(tmpdir(), "taproom-promptcli-"));
  await writeFile(join(home, "settings.json"), JSON.stringify({ systemPrompt: "Write {{char}}'s next line.", postHistoryInstructions: "Stay in the tavern." }));
  const view = await prompt(home);
  assert.equal(view.sections[0]!.label, "system prompt");
  assert.equal(view.sections[0]!.text, "<|im_start|>system\nWrite Brindle's next line.\n");
  const post = view.sections.find((s) => s.kind === "post_history")!;
  // Placed where SillyTavern puts post-history instructions: the last user turn, unnamed.
  assert.equal(post.text, "<|im_start|>user\nStay in the tavern.<|im_end|>");
  assert.ok(view.text.endsWith("<|im_start|>user\nStay in the tavern.<|im_end|>\n<|im_start|>assistant\nBrindle:"));
});

test("taproom prompt reserves the reply length of the chat's preset", async () => {
  const home = await mkdtemp(join(tmpdir(), "taproom-promptcli-"));
  await writeFile(join(home, "presets.json"), JSON.stringify({ presets: [{ name: "Long", description: "", samplers: { maxTokens: 1000 } }] }));
  await writeFile(join(home, "settings.json"), JSON.stringify({ defaultPreset: "Long" }));
  assert.equal((await prompt(home)).budget, 4096 - 1000);
  assert.equal((await prompt(home, ["--max-tokens", "96"])).budget, 4096 - 96);
});

test("taproom prompt --names off leaves the name prefixes out; a bad value is a usage error", async () => {
  const home = await mkdtemp(join(tmpdir(), "taproom-promptcli-"));
  const view = await prompt(home, ["--names", "off"]);
  assert.ok(view.text.endsWith("<|im_end|>\n<|im_start|>assistant\n"), view.text.slice(-80));
  assert.ok(!view.sections.some((s) => s.kind === "history" && s.text.includes("Brindle: ")));
  const io = captureIO({ TAPROOM_HOME: home });
  assert.equal(await runCli(["prompt", "--character", "Brindle", "--names", "maybe"], io), 2);
  assert.match(io.err(), /--names must be on or off, got "maybe"/);
});

test("taproom prompt --model shows the breakdown of a prompt too big for the context and says by how much it does not fit", async () => {
  const home = await mkdtemp(join(tmpdir(), "taproom-promptcli-"));
  const model = await writeTinyChatModel(join(home, "tiny.gguf"));
  const card = { spec: "chara_card_v2", spec_version: "2.0", data: { name: "Wordy", description: "Stew is hot. ".repeat(300), first_mes: "Hi." } };
  await writeFile(join(home, "wordy.json"), JSON.stringify(card));
  const io = captureIO({ TAPROOM_HOME: home });
  assert.equal(await runCli(["prompt", "--character", join(home, "wordy.json"), "--model", model], io), 1);
  const description = /── card: description \((\d+) tokens\)/.exec(io.out());
  assert.ok(description && Number(description[1]) > 1748, io.out().slice(0, 200));
  const total = /^tokens: (\d+) of 1748 \(taproom-tiny tokenizer\)/m.exec(io.out());
  assert.ok(total, io.out().slice(-400));
  assert.equal(io.err(), `taproom prompt: does not fit, ${Number(total[1]) - 1748} tokens over: the prompt without history needs ${total[1]} tokens but only 1748 fit (context 2048 minus 300 for the reply): shorten the card, or use a model trained on a larger context (this one allows 2048)\n`);

  const json = captureIO({ TAPROOM_HOME: home });
  assert.equal(await runCli(["prompt", "--character", join(home, "wordy.json"), "--model", model, "--json"], json), 1);
  const view = JSON.parse(json.out()) as { fits: boolean; overBy: number; budget: number; tokens: number; sections: Array<{ label: string }> };
  assert.equal(view.fits, false);
  assert.equal(view.budget, 1748);
  assert.equal(view.overBy, view.tokens - 1748);
  assert.ok(view.sections.some((s) => s.label === "description"));
});

test("taproom prompt --model --context past the model's trained context says the cap and builds for the trained context, as chat does", async () => {
  const home = await mkdtemp(join(tmpdir(), "taproom-promptcli-"));
  const model = await writeTinyChatModel(join(home, "tiny.gguf"));
  const io = captureIO({ TAPROOM_HOME: home });
  assert.equal(await runCli(["prompt", "--character", "Brindle", "--model", model, "--context", "8192", "--json"], io), 0, io.err());
  assert.equal(io.err(), "--context 8192 is more than taproom-tiny was trained on: using its 2048 tokens\n");
  assert.equal((JSON.parse(io.out()) as { budget: number }).budget, 2048 - 300);
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../../src/cli/main.ts";
import { captureIO } from "../../support/cliIO.ts";

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

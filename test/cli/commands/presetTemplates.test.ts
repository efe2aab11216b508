// SillyTavern's context, instruct and system-prompt presets (and its "master" export) imported
// as what they are, told apart as preset-manager.js performMasterImport tells them apart. The
// preset values below are those SillyTavern ships (default/content/presets/context/ChatML.json,
// instruct/ChatML.json, sysprompt/Neutral - Chat.json).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../../src/cli/main.ts";
import { captureIO } from "../../support/cliIO.ts";

const STORY = "{{#if system}}{{system}}\n{{/if}}{{#if wiBefore}}{{wiBefore}}\n{{/if}}{{#if description}}{{description}}\n{{/if}}{{#if personality}}{{char}}'s personality: {{personality}}\n{{/if}}{{#if scenario}}Scenario: {{scenario}}\n{{/if}}{{#if wiAfter}}{{wiAfter}}\n{{/if}}{{#if persona}}{{persona}}\n{{/if}}";
const CONTEXT = {
  story_string: `<|im_start|>system\n${STORY}{{trim}}<|im_end|>`, example_separator: "", chat_start: "", use_stop_strings: false,
  allow_jailbreak: false, always_force_name2: true, trim_sentences: false, single_line: false, name: "ChatML",
};
const INSTRUCT = {
  input_sequence: "<|im_start|>user", output_sequence: "<|im_start|>assistant", last_output_sequence: "", system_sequence: "<|im_start|>system",
  stop_sequence: "<|im_end|>", wrap: true, macro: true, names_behavior: "always", activation_regex: "", system_sequence_prefix: "",
  system_sequence_suffix: "", first_output_sequence: "", skip_examples: false, output_suffix: "<|im_end|>\n", input_suffix: "<|im_end|>\n",
  system_suffix: "<|im_end|>\n", user_alignment_message: "", system_same_as_user: false, last_system_sequence: "", name: "ChatML",
};

async function home() {
  const dir = await mkdtemp(join(tmpdir(), "taproom-templates-"));
  const env = { TAPROOM_HOME: join(dir, "data") };
  const run = async (...args: string[]) => {
    const io = captureIO(env);
    io.cwd = dir;
    const code = await runCli(args, io);
    return { code, out: io.out(), err: io.err() };
  };
  const file = async (name: string, json: unknown) => writeFile(join(dir, name), JSON.stringify(json));
  return { dir, env, run, file };
}

async function promptText(run: Awaited<ReturnType<typeof home>>["run"], ...args: string[]): Promise<string> {
  const r = await run("prompt", "--character", "Brindle", "--context", "8192", "--json", ...args);
  assert.equal(r.code, 0, r.err);
  return (JSON.parse(r.out) as { text: string }).text;
}

test("SillyTavern's ChatML context and instruct presets import as one template, under a free name, and build ChatML's prompt", async () => {
  const { run, file, dir } = await home();
  await file("ctx.json", CONTEXT);
  await file("ins.json", INSTRUCT);
  const ctx = await run("preset", "import", "ctx.json");
  assert.equal(ctx.code, 0, ctx.err);
  assert.match(ctx.out, /^Saved context template "ChatML \(2\)" \("ChatML" is a shipped template's name: saved as "ChatML \(2\)"\)/m);
  const ins = await run("preset", "import", "ins.json");
  assert.match(ins.out, /^Saved instruct template "ChatML \(2\)" \(joined "ChatML \(2\)"\)/m);
  const saved = JSON.parse(await readFile(join(dir, "data", "presets.json"), "utf8"));
  assert.deepEqual(saved.presets, [], "not an empty sampler preset");
  assert.equal(saved.templates.length, 1);
  // The shipped chatml carries the same values, so the prompts are the same text.
  assert.equal(await promptText(run, "--template", "ChatML (2)"), await promptText(run, "--template", "chatml"));
  const again = await run("preset", "import", "ins.json");
  assert.match(again.out, /already imported as "ChatML \(2\)"; nothing changed/);
  // A different instruct template under the same name does not overwrite the first.
  await file("ins2.json", { ...INSTRUCT, names_behavior: "none" });
  const other = await run("preset", "import", "ins2.json");
  assert.match(other.out, /^Saved instruct template "ChatML \(3\)" \("ChatML" is a shipped template's name: saved as "ChatML \(3\)"\)/m);
  assert.ok((await promptText(run, "--template", "ChatML (3)")).endsWith("<|im_start|>assistant\n"), "names none");
  assert.ok((await promptText(run, "--template", "ChatML (2)")).endsWith("<|im_start|>assistant\nBrindle:"), "the first is as it was");
  const list = await run("preset", "list");
  assert.match(list.out, /imported: ChatML \(2\) \(context \+ instruct\), ChatML \(3\) \(instruct\)/);
});

test("a master export saves its sections; its system prompt is the template's; settings.json can make it every chat's", async () => {
  const { run, file, env } = await home();
  await file("master.json", {
    instruct: { ...INSTRUCT, name: "House" },
    context: { ...CONTEXT, name: "House" },
    sysprompt: { name: "Terse", content: "Answer as {{char}}, briefly." },
    preset: { name: "House samplers", temp: 0.8, top_k: 40, top_p: 0.9, rep_pen: 1.1 },
  });
  const r = await run("preset", "import", "master.json");
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^Saved context template, instruct template, system prompt "House";/m);
  assert.match(r.out, /^Saved preset "House samplers" \(4 samplers\)$/m);
  const text = await promptText(run, "--template", "House");
  assert.ok(text.startsWith("<|im_start|>system\nAnswer as Brindle, briefly.\n"), text.slice(0, 80));
  await writeFile(join(env.TAPROOM_HOME, "settings.json"), JSON.stringify({ template: "house" }));
  assert.equal(await promptText(run), text, "the settings' template when neither the command nor the chat names one");
});

test("a file that is no preset is refused, not saved as an empty sampler preset", async () => {
  const { run, file } = await home();
  await file("odd.json", { hello: "world" });
  const r = await run("preset", "import", "odd.json");
  assert.equal(r.code, 1);
  assert.match(r.err, /odd\.json: not a SillyTavern preset taproom knows/);
});

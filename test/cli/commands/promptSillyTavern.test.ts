// `taproom prompt` against the text SillyTavern builds for the same card and chat. Each expected
// text is traced through SillyTavern's Generate (public/script.js), renderStoryString
// (power-user.js), instruct-mode.js and the presets it ships (default/content/presets/context
// and instruct: "ChatML", "Llama 3 Instruct", and "Default" with "Alpaca"), with its default
// settings (default/content/settings.json): the "Neutral - Chat" system prompt, names as stop
// strings, the card's own prompts preferred.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../../src/cli/main.ts";
import { captureIO } from "../../support/cliIO.ts";

const CARD = {
  spec: "chara_card_v2",
  spec_version: "2.0",
  data: {
    name: "Aria",
    // SillyTavern's baseChatReplace removes "\r", and the whole prompt loses any left.
    description: "{{char}} keeps the lighthouse.\r\nShe never sleeps.",
    personality: "calm",
    scenario: "{{user}} arrives by boat.",
    first_mes: "Aria waves from the rocks.",
    mes_example: "<START>\n{{user}}: Hello?\n{{char}}: Welcome ashore.",
    creator_notes: "", system_prompt: "", post_history_instructions: "", alternate_greetings: [], tags: [],
    creator: "", character_version: "", extensions: {},
  },
};

/** A chat as SillyTavern saves it: the metadata line, then the greeting, the user's line and a reply. */
const CHAT = [
  { user_name: "Ben", character_name: "Aria", create_date: "2025-01-02@10h00m00s", chat_metadata: {} },
  { name: "Aria", is_user: false, is_system: false, send_date: "January 2, 2025 10:00am", mes: "Aria waves from the rocks." },
  { name: "Ben", is_user: true, is_system: false, send_date: "January 2, 2025 10:01am", mes: "Is the light still working?" },
  { name: "Aria", is_user: false, is_system: false, send_date: "January 2, 2025 10:02am", mes: "It is, every night." },
].map((line) => JSON.stringify(line)).join("\n");

const SYSTEM = "Write Aria's next reply in a fictional chat between Aria and Ben.";
const CARD_LINES = "Aria keeps the lighthouse.\nShe never sleeps.\nAria's personality: calm\nScenario: Ben arrives by boat.";

/**
 * ChatML: the story string in the system turn, `{{trim}}` eating the newline before
 * <|im_end|> and a newline added after it (the template wraps); examples and messages named
 * ("always"); the last message loses its newline before the reply's line.
 */
const CHATML =
  `<|im_start|>system\n${SYSTEM}\n${CARD_LINES}<|im_end|>\n` +
  "<|im_start|>user\nBen: Hello?<|im_end|>\n<|im_start|>assistant\nAria: Welcome ashore.<|im_end|>\n" +
  "<|im_start|>assistant\nAria: Aria waves from the rocks.<|im_end|>\n" +
  "<|im_start|>user\nBen: Is the light still working?<|im_end|>\n" +
  "<|im_start|>assistant\nAria: It is, every night.<|im_end|>" +
  "\n<|im_start|>assistant\nAria:";

/** Llama 3 Instruct: no wrapping, so no newline after the story string and none taken from the last message. */
const LLAMA3 =
  `<|start_header_id|>system<|end_header_id|>\n\n${SYSTEM}\n${CARD_LINES}<|eot_id|>` +
  "<|start_header_id|>user<|end_header_id|>\n\nBen: Hello?<|eot_id|>" +
  "<|start_header_id|>assistant<|end_header_id|>\n\nAria: Welcome ashore.<|eot_id|>" +
  "<|start_header_id|>assistant<|end_header_id|>\n\nAria: Aria waves from the rocks.<|eot_id|>" +
  "<|start_header_id|>user<|end_header_id|>\n\nBen: Is the light still working?<|eot_id|>" +
  "<|start_header_id|>assistant<|end_header_id|>\n\nAria: It is, every night.<|eot_id|>" +
  "<|start_header_id|>assistant<|end_header_id|>\n\nAria:";

/**
 * Default context + Alpaca: "***" heads the examples and starts the chat; names_behavior
 * "force" names nobody in a one-to-one chat except the user in examples.
 */
const ALPACA =
  `${SYSTEM}\n${CARD_LINES}\n` +
  "***\n### Instruction:\nBen: Hello?\n\n### Response:\nWelcome ashore.\n\n" +
  "***\n" +
  "### Response:\nAria waves from the rocks.\n\n" +
  "### Instruction:\nIs the light still working?\n\n" +
  "### Response:\nIt is, every night.\n" +
  "\n### Response:\n";

const STOPS: Record<string, string[]> = {
  chatml: ["\nBen:", "\n<|im_end|>", "\n<|im_start|>user", "\n<|im_start|>assistant", "\n<|im_start|>system"],
  llama3: ["\nBen:", "<|eot_id|>", "<|start_header_id|>user<|end_header_id|>", "<|start_header_id|>assistant<|end_header_id|>", "<|start_header_id|>system<|end_header_id|>"],
  alpaca: ["\nBen:", "\n### Instruction:", "\n### Response:", "\n### Input:"],
};

async function setup(): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), "taproom-stprompt-"));
  await writeFile(join(home, "aria.json"), JSON.stringify(CARD));
  await writeFile(join(home, "aria.jsonl"), CHAT);
  // SillyTavern's name1: the persona the user plays, here with no description.
  await writeFile(join(home, "settings.json"), JSON.stringify({ personas: [{ name: "Ben", description: "" }], defaultPersona: "Ben" }));
  return home;
}

async function prompt(home: string, template: string): Promise<{ text: string; stops: string[] }> {
  const io = captureIO({ TAPROOM_HOME: home });
  io.cwd = home;
  const code = await runCli(["prompt", "--character", "aria.json", "--chat", "aria.jsonl", "--template", template, "--context", "8192", "--json"], io);
  assert.equal(code, 0, io.err());
  return JSON.parse(io.out()) as { text: string; stops: string[] };
}

for (const [template, expected] of [["chatml", CHATML], ["llama3", LLAMA3], ["alpaca", ALPACA]] as const) {
  test(`taproom prompt --template ${template} is, byte for byte, the text SillyTavern builds`, async () => {
    const home = await setup();
    const view = await prompt(home, template);
    assert.equal(view.text, expected);
    assert.deepEqual(view.stops, STOPS[template]);
  });
}

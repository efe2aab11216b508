import { test } from "node:test";
import assert from "node:assert/strict";
import { buildPrompt, formatInspection, getTemplate, inspectPrompt, INSTRUCT_TEMPLATES, withNames, type BuildPromptInput } from "../../../src/core/prompt/index.ts";
import { authorsNote, card, loreAtEachPosition, message, messages, persona } from "./fixture.ts";

const chars = (s: string) => s.length;

function build(overrides: Partial<BuildPromptInput> = {}, template = "chatml") {
  return buildPrompt({
    character: card(),
    persona,
    messages,
    chatId: "c",
    lore: loreAtEachPosition,
    authorsNote,
    settings: { template: getTemplate(template), contextSize: 4096, responseTokens: 256, systemPrompt: "Write the next reply." },
    countTokens: chars,
    ...overrides,
  });
}

/** The full prompt for the fixture (examples, persona, author's note, lore at every position) per template. */
const EXPECTED: Record<string, string[]> = {
  "chatml": [
    "<|im_start|>system\n",
    "Write the next reply. Stay gentle.\n",
    "Magic is real.\n",
    "Seraphina guards the forest.\n",
    "Seraphina's personality: kind\n",
    "Scenario: Ann wakes in a glade.\n",
    "The glade is old.\n",
    "Ann is a traveller.<|im_end|>\n",
    "<|im_start|>system\n",
    "Examples follow.<|im_end|>\n",
    "<|im_start|>user\n",
    "Ann: Hi<|im_end|>\n",
    "<|im_start|>assistant\n",
    "Seraphina: Hello, Ann.<|im_end|>\n",
    "<|im_start|>system\n",
    "Examples ended.<|im_end|>\n",
    "<|im_start|>assistant\n",
    "Seraphina: Welcome.<|im_end|>\n",
    "<|im_start|>user\n",
    "Ann is hurt.<|im_end|>\n",
    "<|im_start|>user\n",
    "Ann: Where am I?<|im_end|>\n",
    "<|im_start|>system\n",
    "Wolves roam.\n",
    "Be brief.\n",
    "It is night.<|im_end|>\n",
    "<|im_start|>system\n",
    "Reply as Seraphina.<|im_end|>\n",
    "<|im_start|>assistant\n",
    "Seraphina:",
  ],
  "llama3": [
    "<|start_header_id|>system<|end_header_id|>\n",
    "\n",
    "Write the next reply. Stay gentle.\n",
    "Magic is real.\n",
    "Seraphina guards the forest.\n",
    "Seraphina's personality: kind\n",
    "Scenario: Ann wakes in a glade.\n",
    "The glade is old.\n",
    "Ann is a traveller.<|eot_id|><|start_header_id|>system<|end_header_id|>\n",
    "\n",
    "Examples follow.<|eot_id|><|start_header_id|>user<|end_header_id|>\n",
    "\n",
    "Ann: Hi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n",
    "\n",
    "Seraphina: Hello, Ann.<|eot_id|><|start_header_id|>system<|end_header_id|>\n",
    "\n",
    "Examples ended.<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n",
    "\n",
    "Seraphina: Welcome.<|eot_id|><|start_header_id|>user<|end_header_id|>\n",
    "\n",
    "Ann is hurt.<|eot_id|><|start_header_id|>user<|end_header_id|>\n",
    "\n",
    "Ann: Where am I?<|eot_id|><|start_header_id|>system<|end_header_id|>\n",
    "\n",
    "Wolves roam.\n",
    "Be brief.\n",
    "It is night.<|eot_id|><|start_header_id|>system<|end_header_id|>\n",
    "\n",
    "Reply as Seraphina.<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n",
    "\n",
    "Seraphina:",
  ],
  "mistral": [
    "[INST] Write the next reply. Stay gentle.\n",
    "Magic is real.\n",
    "Seraphina guards the forest.\n",
    "Seraphina's personality: kind\n",
    "Scenario: Ann wakes in a glade.\n",
    "The glade is old.\n",
    "Ann is a traveller. [/INST][INST] Examples follow. [/INST][INST] Ann: Hi [/INST] Seraphina: Hello, Ann.</s>[INST] Examples ended. [/INST] Seraphina: Welcome.</s>[INST] Ann is hurt. [/INST][INST] Ann: Where am I? [/INST][INST] Wolves roam.\n",
    "Be brief.\n",
    "It is night. [/INST][INST] Reply as Seraphina. [/INST] Seraphina:",
  ],
  "mistral-tekken": [
    "[INST]Write the next reply. Stay gentle.\n",
    "Magic is real.\n",
    "Seraphina guards the forest.\n",
    "Seraphina's personality: kind\n",
    "Scenario: Ann wakes in a glade.\n",
    "The glade is old.\n",
    "Ann is a traveller.[/INST][INST]Examples follow.[/INST][INST]Ann: Hi[/INST]Seraphina: Hello, Ann.</s>[INST]Examples ended.[/INST]Seraphina: Welcome.</s>[INST]Ann is hurt.[/INST][INST]Ann: Where am I?[/INST][INST]Wolves roam.\n",
    "Be brief.\n",
    "It is night.[/INST][INST]Reply as Seraphina.[/INST]Seraphina:",
  ],
  "gemma": [
    "<start_of_turn>user\n",
    "Write the next reply. Stay gentle.\n",
    "Magic is real.\n",
    "Seraphina guards the forest.\n",
    "Seraphina's personality: kind\n",
    "Scenario: Ann wakes in a glade.\n",
    "The glade is old.\n",
    "Ann is a traveller.<end_of_turn>\n",
    "<start_of_turn>user\n",
    "Examples follow.<end_of_turn>\n",
    "<start_of_turn>user\n",
    "Ann: Hi<end_of_turn>\n",
    "<start_of_turn>model\n",
    "Seraphina: Hello, Ann.<end_of_turn>\n",
    "<start_of_turn>user\n",
    "Examples ended.<end_of_turn>\n",
    "<start_of_turn>model\n",
    "Seraphina: Welcome.<end_of_turn>\n",
    "<start_of_turn>user\n",
    "Ann is hurt.<end_of_turn>\n",
    "<start_of_turn>user\n",
    "Ann: Where am I?<end_of_turn>\n",
    "<start_of_turn>user\n",
    "Wolves roam.\n",
    "Be brief.\n",
    "It is night.<end_of_turn>\n",
    "<start_of_turn>user\n",
    "Reply as Seraphina.<end_of_turn>\n",
    "<start_of_turn>model\n",
    "Seraphina:",
  ],
  "alpaca": [
    "Write the next reply. Stay gentle.\n",
    "Magic is real.\n",
    "Seraphina guards the forest.\n",
    "Seraphina's personality: kind\n",
    "Scenario: Ann wakes in a glade.\n",
    "The glade is old.\n",
    "Ann is a traveller.\n",
    "\n",
    "Examples follow.\n",
    "\n",
    "### Instruction:\n",
    "Ann: Hi\n",
    "\n",
    "### Response:\n",
    "Seraphina: Hello, Ann.\n",
    "\n",
    "Examples ended.\n",
    "\n",
    "### Response:\n",
    "Seraphina: Welcome.\n",
    "\n",
    "### Instruction:\n",
    "Ann is hurt.\n",
    "\n",
    "### Instruction:\n",
    "Ann: Where am I?\n",
    "\n",
    "Wolves roam.\n",
    "Be brief.\n",
    "It is night.\n",
    "\n",
    "Reply as Seraphina.\n",
    "\n",
    "### Response:\n",
    "Seraphina:",
  ],
  "vicuna": [
    "Write the next reply. Stay gentle.\n",
    "Magic is real.\n",
    "Seraphina guards the forest.\n",
    "Seraphina's personality: kind\n",
    "Scenario: Ann wakes in a glade.\n",
    "The glade is old.\n",
    "Ann is a traveller.\n",
    "\n",
    "Examples follow.\n",
    "\n",
    "USER: Ann: Hi\n",
    "ASSISTANT: Seraphina: Hello, Ann.</s>\n",
    "Examples ended.\n",
    "\n",
    "ASSISTANT: Seraphina: Welcome.</s>\n",
    "USER: Ann is hurt.\n",
    "USER: Ann: Where am I?\n",
    "Wolves roam.\n",
    "Be brief.\n",
    "It is night.\n",
    "\n",
    "Reply as Seraphina.\n",
    "\n",
    "ASSISTANT: Seraphina:",
  ],
  "plain": [
    "Write the next reply. Stay gentle.\n",
    "Magic is real.\n",
    "Seraphina guards the forest.\n",
    "Seraphina's personality: kind\n",
    "Scenario: Ann wakes in a glade.\n",
    "The glade is old.\n",
    "Ann is a traveller.\n",
    "Examples follow.\n",
    "***\n",
    "Ann: Hi\n",
    "Seraphina: Hello, Ann.\n",
    "Examples ended.\n",
    "***\n",
    "Seraphina: Welcome.\n",
    "Ann is hurt.\n",
    "Ann: Where am I?\n",
    "Wolves roam.\n",
    "Be brief.\n",
    "It is night.\n",
    "Reply as Seraphina.\n",
    "Seraphina:",
  ],
};

const EXPECTED_STOPS: Record<string, string[]> = {
  "chatml": ["<|im_end|>","<|im_start|>","\nAnn:"],
  "llama3": ["<|eot_id|>","<|start_header_id|>","\nAnn:"],
  "mistral": ["</s>","[INST]","\nAnn:"],
  "mistral-tekken": ["</s>","[INST]","\nAnn:"],
  "gemma": ["<end_of_turn>","<start_of_turn>","\nAnn:"],
  "alpaca": ["### Instruction:","### Response:","\nAnn:"],
  "vicuna": ["</s>","\nUSER:","\nAnn:"],
  "plain": ["\nAnn:","\n***"],
};

for (const template of INSTRUCT_TEMPLATES) {
  test(`assembles the whole prompt with ${template.label}`, () => {
    const prompt = build({}, template.name);
    assert.equal(prompt.text, EXPECTED[template.name]!.join(""));
    assert.deepEqual(prompt.stops, EXPECTED_STOPS[template.name]);
  });
}

test("the sections concatenate to the prompt and carry their token counts", () => {
  const prompt = build();
  assert.equal(prompt.sections.map((s) => s.text).join(""), prompt.text);
  for (const section of prompt.sections) assert.equal(section.tokens, section.text.length);
  assert.equal(prompt.tokens, prompt.text.length);
  const kinds = new Set(prompt.sections.map((s) => s.kind));
  for (const kind of ["system", "card", "examples", "lore", "history", "authors_note", "post_history", "reply_prefix"]) {
    assert.ok(kinds.has(kind as never), `has a ${kind} section`);
  }
  assert.deepEqual(
    prompt.sections.filter((s) => s.kind === "lore").map((s) => s.label),
    ["lore before character", "lore after character", "lore before examples", "lore after examples", "lore at depth 1 (user)"],
  );
});

test("the user's own prompts win when preferred, and replace the card's when it has none", () => {
  const preferred = build({
    settings: { template: getTemplate("plain"), contextSize: 4096, responseTokens: 256, systemPrompt: "Mine.", postHistoryInstructions: "My PHI.", preferUserPrompts: true },
  });
  assert.ok(preferred.text.startsWith("Mine.\nMagic is real.\n"));
  assert.ok(preferred.text.endsWith("My PHI.\nSeraphina:"));
  const cardless = build({
    character: card({ system_prompt: "", post_history_instructions: "" }),
    settings: { template: getTemplate("plain"), contextSize: 4096, responseTokens: 256, systemPrompt: "Mine.", postHistoryInstructions: "My PHI." },
  });
  assert.ok(cardless.text.startsWith("Mine.\n"));
  assert.ok(cardless.text.endsWith("My PHI.\nSeraphina:"));
});

test("the author's note follows its frequency, depth and role", () => {
  const chat = [...messages, message(3, "assistant", "Seraphina", "A glade."), message(4, "user", "Ann", "Thanks.")];
  const every2 = { text: "Be brief.", depth: 1, frequency: 2, role: "user" as const };
  const two = build({ messages: chat, lore: [], authorsNote: every2 });
  assert.match(two.text, /<\|im_start\|>assistant\nSeraphina: A glade\.<\|im_end\|>\n<\|im_start\|>user\nBe brief\.<\|im_end\|>\n<\|im_start\|>user\nAnn: Thanks\./);
  const three = build({ messages: [...chat, message(5, "assistant", "Seraphina", "Welcome."), message(6, "user", "Ann", "Bye.")], lore: [], authorsNote: every2 });
  assert.ok(!three.text.includes("Be brief."), "skipped on the 3rd user turn");
  const never = build({ lore: [], authorsNote: { ...every2, frequency: 0 } });
  assert.ok(!never.text.includes("Be brief."));
});

test("the author's note counts user messages as SillyTavern does: hidden ones too, and 1 means every generation", () => {
  const greetingOnly = [message(1, "assistant", "Seraphina", "Welcome.")];
  const first = build({ messages: greetingOnly, lore: [], authorsNote: { text: "Be brief.", depth: 0, frequency: 1, role: "system" }, mode: "impersonate" });
  assert.ok(first.text.includes("Be brief."), "impersonating the user's first line still gets a note due every turn");
  const every2 = build({ messages: greetingOnly, lore: [], authorsNote: { text: "Be brief.", depth: 0, frequency: 2, role: "system" }, mode: "impersonate" });
  assert.ok(!every2.text.includes("Be brief."), "every 2nd user message: none yet");
  const hidden = { ...message(2, "user", "Ann", "(ooc: skip this)"), hidden: true };
  const withHidden = build({ messages: [...greetingOnly, hidden, message(3, "assistant", "Seraphina", "Hm."), message(4, "user", "Ann", "Hello.")], lore: [], authorsNote: { text: "Be brief.", depth: 0, frequency: 2, role: "system" } });
  assert.ok(withHidden.text.includes("Be brief."), "the hidden user message is the 1st of 2");
  assert.ok(!withHidden.text.includes("skip this"), "while staying out of the prompt");
});

test("continue leaves the last message open; impersonate writes as the user", () => {
  const chat = [...messages, message(3, "assistant", "Seraphina", "You are in")];
  const cont = build({ messages: chat, lore: [], authorsNote: undefined, mode: "continue" });
  assert.ok(cont.text.endsWith("<|im_start|>system\nReply as Seraphina.<|im_end|>\n<|im_start|>assistant\nSeraphina: You are in"));
  const imp = build({ lore: [], authorsNote: undefined, mode: "impersonate" });
  assert.ok(imp.text.endsWith("Ann: Where am I?<|im_end|>\n<|im_start|>user\nAnn:"));
  assert.ok(!imp.text.includes("Reply as Seraphina."));
  assert.deepEqual(imp.stops, ["<|im_end|>", "<|im_start|>", "\nSeraphina:", "<|im_start|>assistant"]);
});

test("names off; hidden messages and other swipes stay out", () => {
  const swiped = message(3, "assistant", "Seraphina", "first");
  swiped.swipes.push({ text: "second", sentAt: "2026-11-24T10:00:00Z" });
  swiped.swipeIndex = 1;
  const hidden = { ...message(4, "user", "Ann", "secret"), hidden: true };
  const prompt = buildPrompt({
    character: card({ mes_example: "", system_prompt: "", post_history_instructions: "" }),
    persona: { name: "Ann", description: "" },
    messages: [...messages, swiped, hidden],
    chatId: "c",
    settings: { template: withNames(getTemplate("chatml"), false), contextSize: 4096, responseTokens: 256 },
    countTokens: chars,
  });
  assert.equal(
    prompt.text,
    "<|im_start|>system\nSeraphina guards the forest.\nSeraphina's personality: kind\nScenario: Ann wakes in a glade.<|im_end|>\n" +
      "<|im_start|>assistant\nWelcome.<|im_end|>\n<|im_start|>user\nWhere am I?<|im_end|>\n<|im_start|>assistant\nsecond<|im_end|>\n<|im_start|>assistant\n",
  );
  assert.deepEqual(prompt.stops, ["<|im_end|>", "<|im_start|>"]);
});

test("the inspector lists each section with its tokens and makes card text inert", () => {
  const prompt = build({ character: card({ description: "Evil \x1b]52;c;aGk=\x07card." }) }, "plain");
  const view = inspectPrompt(prompt, { template: "Plain text", counter: "characters" });
  assert.equal(view.totals.examples, "***\nAnn: Hi\nSeraphina: Hello, Ann.\n".length);
  const text = formatInspection(view);
  assert.ok(text.startsWith("── system: system prompt (35 tokens)\nWrite the next reply. Stay gentle.\n── lore: lore before character (15 tokens)\n"));
  assert.ok(text.includes("── card: description (23 tokens)\nEvil card.\n"));
  assert.ok(!text.includes("\x1b"));
  assert.match(text, /\ntokens: \d+ of 3840 \(characters\); system \d+, lore \d+, card \d+, examples 35, history \d+/);
});

test("the card's depth prompt (character's note) goes in at its depth and role", () => {
  const prompt = build({ character: card({ extensions: { depth_prompt: { prompt: "{{char}} hides a wound.", depth: 1, role: "assistant" } } }), lore: [], authorsNote: undefined });
  assert.ok(prompt.text.includes("Seraphina: Welcome.<|im_end|>\n<|im_start|>assistant\nSeraphina hides a wound.<|im_end|>\n<|im_start|>user\nAnn: Where am I?"));
  assert.ok(prompt.sections.some((s) => s.label === "character's note at depth 1"));
});

test("{{original}} with no prompt of the user's own leaves the card's text alone", () => {
  const prompt = build({ settings: { template: getTemplate("plain"), contextSize: 4096, responseTokens: 256 }, lore: [], authorsNote: undefined });
  assert.ok(prompt.text.startsWith("Stay gentle.\nSeraphina guards the forest.\n"));
});

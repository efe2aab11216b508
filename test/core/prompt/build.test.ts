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

/**
 * The fixture's prompt with ChatML, traced through SillyTavern's Generate (public/script.js)
 * with its ChatML context and instruct presets: the card's system prompt takes the user's as
 * {{original}}; lore before/after the examples is no dialogue, so formatInstructModeExamples
 * leaves those blocks out; doChatInject puts the user-role lore at depth 1 and the author's note
 * (with its lore) at depth 0 as a system turn; the ChatML context does not allow the card's
 * post-history instructions; the last turn loses its newline before the reply's line.
 */
const CHATML = [
  "<|im_start|>system\nWrite the next reply. Stay gentle.\nMagic is real.\nSeraphina guards the forest.\nSeraphina's personality: kind\n",
  "Scenario: Ann wakes in a glade.\nThe glade is old.\nAnn is a traveller.<|im_end|>\n",
  "<|im_start|>user\nAnn: Hi<|im_end|>\n<|im_start|>assistant\nSeraphina: Hello, Ann.<|im_end|>\n",
  "<|im_start|>assistant\nSeraphina: Welcome.<|im_end|>\n",
  "<|im_start|>user\nAnn: Ann is hurt.<|im_end|>\n",
  "<|im_start|>user\nAnn: Where am I?<|im_end|>\n",
  "<|im_start|>system\nWolves roam.\nBe brief.\nIt is night.<|im_end|>",
  "\n<|im_start|>assistant\nSeraphina:",
].join("");

/** getStoppingStrings for each template: the user's name, then each instruct sequence line (after a newline when it wraps). */
const EXPECTED_STOPS: Record<string, string[]> = {
  "chatml": ["\nAnn:", "\n<|im_end|>", "\n<|im_start|>user", "\n<|im_start|>assistant", "\n<|im_start|>system"],
  "llama3": ["\nAnn:", "<|eot_id|>", "<|start_header_id|>user<|end_header_id|>", "<|start_header_id|>assistant<|end_header_id|>", "<|start_header_id|>system<|end_header_id|>"],
  "mistral": ["\nAnn:", " [INST] ", " [/INST] ", " [/INST]"],
  "mistral-tekken": ["\nAnn:", "[INST]", "[/INST]"],
  "gemma": ["\nAnn:", "\n<end_of_turn>", "\n<start_of_turn>user", "\n<start_of_turn>model", "\n<start_of_turn>system"],
  "alpaca": ["\nAnn:", "\n### Instruction:", "\n### Response:", "\n### Input:"],
  "vicuna": ["\nAnn:", "USER: ", "ASSISTANT: "],
  "plain": ["\nAnn:"],
};

test("assembles the whole prompt as SillyTavern does with ChatML", () => {
  assert.equal(build().text, CHATML);
});

for (const template of INSTRUCT_TEMPLATES) {
  test(`${template.label}: sections join to the prompt, and the stop strings are SillyTavern's`, () => {
    const prompt = build({}, template.name);
    assert.equal(prompt.sections.map((s) => s.text).join(""), prompt.text);
    assert.deepEqual(prompt.stops, EXPECTED_STOPS[template.name]);
  });
}

test("the sections concatenate to the prompt and carry their token counts", () => {
  const prompt = build();
  assert.equal(prompt.sections.map((s) => s.text).join(""), prompt.text);
  for (const section of prompt.sections) assert.equal(section.tokens, section.text.length);
  assert.equal(prompt.tokens, prompt.text.length);
  const kinds = new Set(prompt.sections.map((s) => s.kind));
  for (const kind of ["system", "card", "examples", "lore", "history", "authors_note", "reply_prefix"]) {
    assert.ok(kinds.has(kind as never), `has a ${kind} section`);
  }
  assert.deepEqual(
    prompt.sections.filter((s) => s.kind === "lore").map((s) => s.label),
    ["lore before character", "lore after character", "lore at depth 1 (user)"],
  );
  assert.deepEqual(prompt.sections.filter((s) => s.kind === "authors_note").map((s) => s.label), ["author's note at depth 0 (system)"]);
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
  // A user-role injection is a user turn, named as the user (doChatInject gives it name1).
  assert.match(two.text, /<\|im_start\|>assistant\nSeraphina: A glade\.<\|im_end\|>\n<\|im_start\|>user\nAnn: Be brief\.<\|im_end\|>\n<\|im_start\|>user\nAnn: Thanks\./);
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
  assert.ok(cont.text.endsWith("<|im_start|>user\nAnn: Where am I?<|im_end|>\n<|im_start|>assistant\nSeraphina: You are in"), cont.text.slice(-120));
  const imp = build({ lore: [], authorsNote: undefined, mode: "impersonate" });
  assert.ok(imp.text.endsWith("Ann: Where am I?<|im_end|>\n<|im_start|>user\nAnn:"));
  assert.deepEqual(imp.stops, ["\nSeraphina:", "\nAnn:", "\n<|im_end|>", "\n<|im_start|>user", "\n<|im_start|>assistant", "\n<|im_start|>system"]);
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
  // No system prompt of the user's: SillyTavern's default one. Names "none": the reply's line is the bare sequence.
  assert.equal(
    prompt.text,
    "<|im_start|>system\nWrite Seraphina's next reply in a fictional chat between Seraphina and Ann.\nSeraphina guards the forest.\nSeraphina's personality: kind\nScenario: Ann wakes in a glade.<|im_end|>\n" +
      "<|im_start|>assistant\nWelcome.<|im_end|>\n<|im_start|>user\nWhere am I?<|im_end|>\n<|im_start|>assistant\nsecond<|im_end|>\n<|im_start|>assistant\n",
  );
  assert.deepEqual(prompt.stops, EXPECTED_STOPS.chatml);
});

test("the inspector lists each section with its tokens and makes card text inert", () => {
  const prompt = build({ character: card({ description: "Evil \x1b]52;c;aGk=\x07card." }) }, "plain");
  const view = inspectPrompt(prompt, { template: "Plain text", counter: "characters" });
  // Lore before and after the examples are example blocks of their own, each under the separator.
  assert.equal(view.totals.examples, "***\nExamples follow.\n***\nAnn: Hi\nSeraphina: Hello, Ann.\n***\nExamples ended.\n".length);
  const text = formatInspection(view);
  assert.ok(text.startsWith("── system: system prompt (35 tokens)\nWrite the next reply. Stay gentle.\n── lore: lore before character (15 tokens)\n"));
  assert.ok(text.includes("── card: description (23 tokens)\nEvil card.\n"));
  assert.ok(!text.includes("\x1b"));
  assert.match(text, /\ntokens: \d+ of 3840 \(characters\); system \d+, lore \d+, card \d+, examples 76, history \d+/);
});

test("the card's depth prompt (character's note) goes in at its depth and role", () => {
  const prompt = build({ character: card({ extensions: { depth_prompt: { prompt: "{{char}} hides a wound.", depth: 1, role: "assistant" } } }), lore: [], authorsNote: undefined });
  assert.ok(prompt.text.includes("Seraphina: Welcome.<|im_end|>\n<|im_start|>assistant\nSeraphina: Seraphina hides a wound.<|im_end|>\n<|im_start|>user\nAnn: Where am I?"));
  assert.ok(prompt.sections.some((s) => s.label === "character's note at depth 1 (assistant)"));
});

test("{{original}} with no prompt of the user's own is SillyTavern's default system prompt; an empty one turns both off", () => {
  const prompt = build({ settings: { template: getTemplate("chatml"), contextSize: 4096, responseTokens: 256 }, lore: [], authorsNote: undefined });
  assert.ok(prompt.text.startsWith("<|im_start|>system\nWrite Seraphina's next reply in a fictional chat between Seraphina and Ann. Stay gentle.\nSeraphina guards the forest.\n"));
  // SillyTavern's system prompt switched off: neither the user's nor the card's.
  const off = build({ settings: { template: getTemplate("chatml"), contextSize: 4096, responseTokens: 256, systemPrompt: "" }, lore: [], authorsNote: undefined });
  assert.ok(off.text.startsWith("<|im_start|>system\nSeraphina guards the forest.\n"));
});

// Prompt texts traced through SillyTavern's Generate (public/script.js), renderStoryString
// (power-user.js) and instruct-mode.js with the presets it ships; each comment says which step
// decides the bytes in question.
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildPrompt, getTemplate, type BuildPromptInput } from "../../../src/core/prompt/index.ts";
import { renderTemplate } from "../../../src/core/prompt/handlebars.ts";
import type { LoreInsertion } from "../../../src/core/lorebook/insertion.ts";
import { card, message } from "./fixture.ts";

const aria = card({
  name: "Aria", description: "{{char}} keeps the lighthouse.", personality: "calm", scenario: "{{user}} arrives by boat.",
  mes_example: "<START>\n{{user}}: Hello?\n{{char}}: Welcome ashore.", system_prompt: "", post_history_instructions: "Stay brief.",
});
const chat = [
  message(1, "assistant", "Aria", "Aria waves from the rocks."),
  message(2, "user", "Ben", "Is the light still working?"),
  message(3, "assistant", "Aria", "It is, every night."),
];

function build(template: string, more: Partial<BuildPromptInput> = {}) {
  return buildPrompt({
    character: aria, persona: { name: "Ben", description: "" }, messages: chat, chatId: "c",
    settings: { template: getTemplate(template), contextSize: 8192, responseTokens: 256 },
    countTokens: (t) => t.length, ...more,
  });
}

const SYSTEM = "Write Aria's next reply in a fictional chat between Aria and Ben.";

test("Mistral V1: unlabelled card lines, the 'Understood.' turn, the alignment message, and the space before the name", () => {
  // Its story string has bare {{personality}}/{{scenario}}; no wrap: no newline added. The chat starts with
  // the character's greeting, so the user alignment message goes first (formatted as the first user turn).
  // formatInstructModePrompt keeps the output sequence's trailing space before the name (" [/INST] Aria:").
  assert.equal(build("mistral").text,
    ` [INST] ${SYSTEM}\nAria keeps the lighthouse.\ncalm\nBen arrives by boat. [/INST] Understood.</s>` +
    " [INST] Ben: Hello? [/INST] Aria: Welcome ashore.</s>" +
    " [INST] Ben: Let's get started. Please respond based on the information and instructions provided above." +
    " [/INST] Aria: Aria waves from the rocks.</s> [INST] Ben: Is the light still working? [/INST] Aria: It is, every night.</s>" +
    " [/INST] Aria:");
  // A chat that starts with the user's line needs no alignment message.
  const userFirst = build("mistral", { messages: chat.slice(1) });
  assert.ok(!userFirst.text.includes("Let's get started"));
});

test("plain text (the Default context, instruct off): names, *** markers, the reply's name on its own line", () => {
  // The post-history instructions stay out: the Default context does not allow them (allow_jailbreak false).
  assert.equal(build("plain").text,
    `${SYSTEM}\nAria keeps the lighthouse.\nAria's personality: calm\nScenario: Ben arrives by boat.\n` +
    "***\nBen: Hello?\nAria: Welcome ashore.\n" +
    "***\nAria: Aria waves from the rocks.\nBen: Is the light still working?\nAria: It is, every night.\nAria:");
});

test("continue and impersonate end as SillyTavern ends them", () => {
  // Continue without instruct: the message is cut from the history, its name dropped, and it follows "Aria:" after a space.
  assert.ok(build("plain", { mode: "continue" }).text.endsWith("Ben: Is the light still working?\nAria: It is, every night."));
  // With an instruct template: the last output sequence, the message as it was, no suffix.
  assert.ok(build("chatml", { mode: "continue" }).text.endsWith("Ben: Is the light still working?<|im_end|>\n<|im_start|>assistant\nAria: It is, every night."));
  // Impersonating with Alpaca: the input sequence, no name ("force" in a one-to-one chat).
  const imp = build("alpaca", { mode: "impersonate" });
  assert.ok(imp.text.endsWith("### Response:\nIt is, every night.\n\n### Instruction:\n"), JSON.stringify(imp.text.slice(-60)));
  assert.deepEqual(imp.stops, ["\nAria:", "\nBen:", "\n### Instruction:", "\n### Response:", "\n### Input:"]);
});

test("lore: before the character in the story string, at depth as its role's turn, the author's note joined with it", () => {
  const lore: LoreInsertion[] = [
    { entryId: "b/0", content: "The lamp is {{char}}'s.", position: "before_char", depth: 4, role: "system", order: 10 },
    { entryId: "b/1", content: "Fog tonight.", position: "at_depth", depth: 1, role: "system", order: 10 },
    { entryId: "b/2", content: "Gulls cry.", position: "at_depth", depth: 1, role: "system", order: 5 },
  ];
  const text = build("alpaca", { lore, authorsNote: { text: "Keep it moody.", depth: 1, frequency: 1, role: "system" } }).text;
  assert.ok(text.startsWith(`${SYSTEM}\nThe lamp is Aria's.\nAria keeps the lighthouse.\n`));
  // One system turn at depth 1: the author's note ("2_floating_prompt") before the lore ("customDepthWI-..."),
  // the lore in ascending order; the template's system sequence, no name.
  assert.ok(text.includes("### Instruction:\nIs the light still working?\n\n### Input:\nKeep it moody.\nGulls cry.\nFog tonight.\n\n### Response:\nIt is, every night.\n"), text);
});

test("story strings: Handlebars blocks alone on their line take the line with them; {{trim}} eats the newlines around it", () => {
  const values = { system: "S", description: "", persona: "P" };
  assert.equal(renderTemplate("{{#if system}}\n{{system}}\n{{/if}}\n{{#if description}}\n{{description}}\n{{/if}}\nend", values), "S\nend");
  assert.equal(renderTemplate("{{#unless description}}none{{else}}some{{/unless}} {{persona}} {{user}}", values), "none P {{user}}");
  assert.equal(renderTemplate("{{!-- a comment --}}A{{~ persona ~}} B", values), "APB");
  const custom = getTemplate("chatml");
  const prompt = build("chatml", { settings: { template: { ...custom, context: { ...custom.context, story_string: "{{#if scenario}}\nScene: {{scenario}}\n{{/if}}\n{{trim}}\n" } }, contextSize: 8192, responseTokens: 256 } });
  // "Scene: ...\n" then {{trim}} removes the newlines around it; a newline is added back (the template wraps).
  assert.ok(prompt.text.startsWith("Scene: Ben arrives by boat.\n<|im_start|>user\nBen: Hello?"), prompt.text.slice(0, 80));
});

test("\\r is stripped from every part of the prompt", () => {
  const text = build("chatml", { character: { ...aria, description: "A\r\nB" }, messages: [message(1, "user", "Ben", "one\r\ntwo")] }).text;
  assert.ok(!text.includes("\r"));
  assert.ok(text.includes("A\nB\n") && text.includes("Ben: one\ntwo"));
});

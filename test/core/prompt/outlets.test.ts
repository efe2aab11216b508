// {{outlet::name}}: SillyTavern's outlet lore goes only where the macro is written, wherever macros expand.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { activateLore } from "../../../src/core/lorebook/activate.ts";
import type { LoreInsertion } from "../../../src/core/lorebook/insertion.ts";
import { parseWorldInfo } from "../../../src/core/lorebook/worldInfo.ts";
import { buildPrompt, formatInspection, getTemplate, inspectPrompt, type BuildPromptInput } from "../../../src/core/prompt/index.ts";
import { card, messages, persona } from "./fixture.ts";

/** The SillyTavern export the lorebook tests use: outlet "scene" (orders 100 and 200), "Scene", one unnamed, one before_char. */
const exported = JSON.parse(readFileSync(new URL("../lorebook/fixtures/st-outlets.json", import.meta.url), "utf8"));
const lore = activateLore({
  books: [parseWorldInfo(exported, { file: "outlets.json", name: "Outlets" })],
  messages: [{ text: "Rain, and a guard at the door." }],
  contextSize: 8192,
  tokenize: (t) => t.length,
}).insertions;

const SCENE = "Rain drums on the roof over Seraphina.\nThe Copper Tankard is loud tonight.";

function build(overrides: Partial<BuildPromptInput> = {}) {
  return buildPrompt({
    character: card(),
    persona,
    messages,
    chatId: "c",
    lore,
    settings: { template: getTemplate("chatml"), contextSize: 4096, responseTokens: 256, systemPrompt: "Write the next reply." },
    countTokens: (s) => s.length,
    ...overrides,
  });
}

const section = (p: ReturnType<typeof build>, label: string) => p.sections.find((s) => s.label === label)?.text ?? "";

test("activated outlet lore is not placed anywhere without a macro", () => {
  const prompt = build();
  for (const ins of lore.filter((l) => l.position === "outlet")) assert.ok(!prompt.text.includes(ins.content), `"${ins.content}" stays out`);
  assert.deepEqual(prompt.sections.filter((s) => s.kind === "lore").map((s) => s.label), ["lore before character"]);
  assert.equal(section(prompt, "lore before character"), "A guard stands by the door.\n");
});

test("{{outlet::name}} in the system prompt brings in that outlet: highest order first, joined by new lines, macros expanded", () => {
  const prompt = build({ character: card({ system_prompt: "{{original}}\n{{outlet::scene}}" }) });
  assert.equal(section(prompt, "system prompt"), `<|im_start|>system\nWrite the next reply.\n${SCENE}\n`);
  assert.equal(prompt.text.split("The Copper Tankard is loud tonight.").length, 2, "placed once");
});

test("outlet names match exactly, case and all; the macro's own name is any case and its argument is trimmed", () => {
  const system = (text: string) => section(build({ character: card({ system_prompt: text }) }), "system prompt").replace("<|im_start|>system\n", "").trimEnd();
  assert.equal(system("[{{outlet::Scene}}]"), "[A different outlet: names are case-sensitive.]");
  assert.equal(system("[{{outlet::SCENE}}]"), "[]", "no outlet SCENE: empty");
  assert.equal(system("[{{OUTLET:: scene }}]"), `[${SCENE}]`);
  assert.equal(system("[{{outlet::cellar}}]"), "[]", "an unknown outlet is empty");
  assert.equal(system("[{{outlet::}}]"), "[]", "and so is one with no name: the unnamed entry goes nowhere");
});

test("the macro works wherever macros expand: card fields, the author's note, post-history, other lore", () => {
  const prompt = build({
    character: card({ description: "{{char}} guards the forest. {{outlet::Scene}}", post_history_instructions: "Mind the weather: {{outlet::scene}}" }),
    authorsNote: { text: "Now: {{outlet::scene}}", depth: 0, frequency: 1, role: "system" },
    lore: [...lore, { entryId: "x/9", content: "Outside, {{outlet::Scene}}", position: "after_char", depth: 4, role: "system", order: 1 }],
    // A context that lets the card's post-history instructions in (SillyTavern's allow_jailbreak).
    settings: { template: { ...getTemplate("chatml"), context: { ...getTemplate("chatml").context, allow_jailbreak: true } }, contextSize: 4096, responseTokens: 256, systemPrompt: "Write the next reply." },
  });
  assert.equal(section(prompt, "description"), "Seraphina guards the forest. A different outlet: names are case-sensitive.\n");
  assert.equal(section(prompt, "author's note at depth 0 (system)"), `<|im_start|>system\nNow: ${SCENE}<|im_end|>\n`);
  // The post-history instructions are SillyTavern's last user turn, unnamed; the last turn loses its newline.
  assert.equal(section(prompt, "post-history instructions"), `<|im_start|>user\nMind the weather: ${SCENE}<|im_end|>`);
  assert.equal(section(prompt, "lore after character"), "Outside, A different outlet: names are case-sensitive.\n");
});

test("an outlet written inside outlet lore is empty, so an outlet cannot pull in itself", () => {
  const loop: LoreInsertion[] = [
    { entryId: "b/0", content: "A {{outlet::a}} B {{outlet::b}}", position: "outlet", outlet: "a", depth: 4, role: "system", order: 1 },
    { entryId: "b/1", content: "inner", position: "outlet", outlet: "b", depth: 4, role: "system", order: 1 },
  ];
  const prompt = build({ lore: loop, character: card({ system_prompt: "{{outlet::a}}|{{outlet::b}}" }) });
  assert.equal(section(prompt, "system prompt"), "<|im_start|>system\nA  B |inner\n");
});

test("the inspector counts outlet tokens once, in the section that holds the macro", () => {
  const plain = build({ character: card({ system_prompt: "{{original}}" }) });
  const withOutlet = build({ character: card({ system_prompt: "{{original}}\n{{outlet::scene}}" }) });
  const view = inspectPrompt(withOutlet, { template: "ChatML", counter: "characters" });
  assert.equal(view.totals.system! - inspectPrompt(plain, { template: "ChatML", counter: "characters" }).totals.system!, `\n${SCENE}`.length);
  assert.equal(view.totals.lore, "A guard stands by the door.\n".length, "the lore total holds only placed lore");
  assert.equal(Object.values(view.totals).reduce((a, b) => a + b, 0), withOutlet.tokens, "the sections add up to the whole prompt");
  assert.equal(withOutlet.tokens - plain.tokens, `\n${SCENE}`.length);
  assert.ok(formatInspection(view).includes(`── system: system prompt (${view.totals.system} tokens)\n<|im_start|>system\nWrite the next reply.\n${SCENE}\n`));
});

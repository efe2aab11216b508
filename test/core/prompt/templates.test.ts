import { test } from "node:test";
import assert from "node:assert/strict";
import { chooseTemplate, getTemplate, INSTRUCT_TEMPLATES, templateFromChatTemplate, UnknownTemplateError } from "../../../src/core/prompt/index.ts";

// Fragments in the style of the chat templates GGUF files carry.
const JINJA: Record<string, string> = {
  chatml: "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}",
  llama3: "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ message['content'] | trim + '<|eot_id|>' %}",
  gemma: "{{ '<start_of_turn>' + role + '\\n' + message['content'] | trim + '<end_of_turn>\\n' }}",
  mistral: "{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}{% else %}{{ message['content'] + eos_token}}{% endif %}",
  "mistral-tekken": "{%- if message['role'] == 'user' %}{{- '[INST]' + message['content'] + '[/INST]' }}{%- endif %}",
  alpaca: "{% if message['role'] == 'user' %}{{ '### Instruction:\\n' + message['content'] }}{% endif %}",
  vicuna: "{% if message['role'] == 'user' %}{{ 'USER: ' + message['content'] }}{% else %}{{ 'ASSISTANT: ' + message['content'] }}{% endif %}",
};

test("the model's own template maps to ours by its markers, and says so", () => {
  for (const [name, jinja] of Object.entries(JINJA)) {
    const choice = templateFromChatTemplate(jinja);
    assert.equal(choice.template.name, name);
    assert.equal(choice.note, `the model's chat template looks like ${choice.template.label}`);
  }
});

test("unknown or missing templates fall back to ChatML or plain text with a note", () => {
  const unknown = templateFromChatTemplate("{{ bos_token }}{% for m in messages %}<|user|>{{ m.content }}{% endfor %}");
  assert.equal(unknown.template.name, "chatml");
  assert.match(unknown.note, /not one taproom knows; using ChatML/);
  const none = templateFromChatTemplate(undefined);
  assert.equal(none.template.name, "plain");
  assert.match(none.note, /no chat template; using plain text/);
});

test("templates by name, with aliases; auto means the model's own", () => {
  assert.equal(getTemplate("Llama-3").name, "llama3");
  assert.equal(getTemplate("none").name, "plain");
  assert.equal(chooseTemplate("gemma", JINJA.chatml).template.name, "gemma");
  assert.equal(chooseTemplate("auto", JINJA.llama3).template.name, "llama3");
  assert.equal(chooseTemplate(undefined, JINJA.gemma).template.name, "gemma");
  assert.throws(() => getTemplate("pygmalion"), (e: unknown) => e instanceof UnknownTemplateError && /unknown instruct template "pygmalion" \(known: chatml, llama3/.test((e as Error).message));
});

test("every instruct template stops on its own end-of-turn marker or its next turn's start", async () => {
  const { stopStrings } = await import("../../../src/core/prompt/instruct.ts");
  for (const t of INSTRUCT_TEMPLATES.filter((x) => x.sequences)) {
    const s = t.sequences!;
    const stops = stopStrings(s, t.context, { user: "U", char: "C" }, (x) => x, { impersonate: false, continueOnUser: false, names: true });
    const end = s.output_suffix.trim() || s.input_sequence.trim();
    assert.ok(stops.some((x) => x.trim() === end || x.trim() === s.input_sequence.trim()), `${t.name} stops at ${JSON.stringify(end)}`);
  }
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { ownTemplateFrom } from "../../../src/engine/generation/renderChatTemplate.ts";
import { buildPrompt, chooseTemplate, getTemplate } from "../../../src/core/prompt/index.ts";
import { card, messages, persona } from "../../core/prompt/fixture.ts";

// Jinja chat templates in the shapes GGUF files carry.
const PHI3 =
  "{{ bos_token }}{% for message in messages %}{% if message['role'] == 'system' %}{{'<|system|>\\n' + message['content'] + '<|end|>\\n'}}{% elif message['role'] == 'user' %}{{'<|user|>\\n' + message['content'] + '<|end|>\\n'}}{% elif message['role'] == 'assistant' %}{{'<|assistant|>\\n' + message['content'] + '<|end|>\\n'}}{% endif %}{% endfor %}{% if add_generation_prompt %}{{ '<|assistant|>\\n' }}{% else %}{{ eos_token }}{% endif %}";
const COMMAND_R =
  "{{ bos_token }}{% for message in messages %}{% if message['role'] == 'user' %}{{ '<|START_OF_TURN_TOKEN|><|USER_TOKEN|>' + message['content'] | trim + '<|END_OF_TURN_TOKEN|>' }}{% elif message['role'] == 'system' %}{{ '<|START_OF_TURN_TOKEN|><|SYSTEM_TOKEN|>' + message['content'] | trim + '<|END_OF_TURN_TOKEN|>' }}{% else %}{{ '<|START_OF_TURN_TOKEN|><|CHATBOT_TOKEN|>' + message['content'] | trim + '<|END_OF_TURN_TOKEN|>' }}{% endif %}{% endfor %}{% if add_generation_prompt %}{{ '<|START_OF_TURN_TOKEN|><|CHATBOT_TOKEN|>' }}{% endif %}";
// Refuses a system role and demands alternating turns, as Gemma's and some Mistral templates do.
const STRICT =
  "{% for message in messages %}{% if message['role'] == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate') }}{% endif %}{% if message['role'] == 'user' %}{{ '<|q|>' + message['content'] + '<|/q|>' }}{% else %}{{ '<|a|>' + message['content'] + '<|/a|>' }}{% endif %}{% endfor %}{% if add_generation_prompt %}{{ '<|a|>' }}{% endif %}";
// Writes a default system prompt when there is none: not derivable exactly.
const DEFAULT_SYSTEM =
  "{% if messages[0]['role'] != 'system' %}{{ '<|sys|>You are helpful.<|/sys|>' }}{% endif %}{% for message in messages %}{{ '<|' + message['role'] + '|>' + message['content'] + '<|/|>' }}{% endfor %}{% if add_generation_prompt %}{{ '<|assistant|>' }}{% endif %}";

test("a chat template taproom has no table for is derived from the GGUF's Jinja, with its stop strings", () => {
  const phi = ownTemplateFrom(PHI3)!;
  const s = phi.sequences!;
  assert.deepEqual(
    { user: [s.input_sequence, s.input_suffix], assistant: [s.output_sequence, s.output_suffix], system: [s.system_sequence, s.system_suffix], stops: phi.extraStops },
    {
      user: ["<|user|>\n", "<|end|>\n"],
      assistant: ["<|assistant|>\n", "<|end|>\n"],
      system: ["<|system|>\n", "<|end|>\n"],
      stops: ["<|end|>", "<|user|>"],
    },
  );
  assert.equal(phi.context.story_string.startsWith("<|system|>\n{{#if system}}"), true, "the story string sits in the system turn");
  const commandR = ownTemplateFrom(COMMAND_R)!.sequences!;
  assert.deepEqual([commandR.output_sequence, commandR.output_suffix], ["<|START_OF_TURN_TOKEN|><|CHATBOT_TOKEN|>", "<|END_OF_TURN_TOKEN|>"]);
  assert.deepEqual([commandR.system_sequence, commandR.system_suffix], ["<|START_OF_TURN_TOKEN|><|SYSTEM_TOKEN|>", "<|END_OF_TURN_TOKEN|>"]);
});

test("a template without a system role gets system text as user turns; one with special cases is not guessed", () => {
  const strict = ownTemplateFrom(STRICT)!.sequences!;
  assert.equal(strict.system_same_as_user, true);
  assert.deepEqual([strict.input_sequence, strict.input_suffix], ["<|q|>", "<|/q|>"]);
  assert.equal(ownTemplateFrom(DEFAULT_SYSTEM), undefined);
  assert.equal(ownTemplateFrom("{% for m in messages %}{{ m.content }}{% endfor %}"), undefined, "no markers at all: nothing to stop on");
  assert.equal(ownTemplateFrom("{% for m in messages %"), undefined, "broken Jinja");
});

test("auto uses the derived template when the markers match none of taproom's, and the prompt ends as the model's would", () => {
  const own = ownTemplateFrom(PHI3);
  const choice = chooseTemplate("auto", PHI3, own);
  assert.equal(choice.note, "the model's own chat template, rendered from the GGUF");
  const prompt = buildPrompt({
    character: card(),
    persona,
    messages,
    chatId: "c",
    settings: { template: choice.template, contextSize: 4096, responseTokens: 256 },
    countTokens: (t) => t.length,
  });
  assert.ok(prompt.text.startsWith("<|system|>\n"), prompt.text);
  assert.ok(prompt.text.endsWith("<|end|>\n<|assistant|>\nSeraphina:"), prompt.text);
  assert.deepEqual(prompt.stops, ["\nAnn:", "<|user|>", "<|assistant|>", "<|system|>", "<|end|>"]);
  // Known markers still map to taproom's own tables.
  const chatml = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n'}}{% endfor %}";
  assert.equal(chooseTemplate("auto", chatml, ownTemplateFrom(chatml)).template, getTemplate("chatml"));
});

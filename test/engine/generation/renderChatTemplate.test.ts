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
  assert.deepEqual(
    { user: phi.user, assistant: phi.assistant, system: phi.system, stops: phi.stops },
    {
      user: { prefix: "<|user|>\n", suffix: "<|end|>\n" },
      assistant: { prefix: "<|assistant|>\n", suffix: "<|end|>\n" },
      system: { prefix: "<|system|>\n", suffix: "<|end|>\n" },
      stops: ["<|end|>", "<|user|>"],
    },
  );
  const commandR = ownTemplateFrom(COMMAND_R)!;
  assert.deepEqual(commandR.assistant, { prefix: "<|START_OF_TURN_TOKEN|><|CHATBOT_TOKEN|>", suffix: "<|END_OF_TURN_TOKEN|>" });
  assert.deepEqual(commandR.system, { prefix: "<|START_OF_TURN_TOKEN|><|SYSTEM_TOKEN|>", suffix: "<|END_OF_TURN_TOKEN|>" });
});

test("a template without a system role gets system text as user turns; one with special cases is not guessed", () => {
  const strict = ownTemplateFrom(STRICT)!;
  assert.deepEqual(strict.system, strict.user);
  assert.deepEqual(strict.user, { prefix: "<|q|>", suffix: "<|/q|>" });
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
  assert.deepEqual(prompt.stops, ["<|end|>", "<|user|>", "\nAnn:"]);
  // Known markers still map to taproom's own tables.
  const chatml = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n'}}{% endfor %}";
  assert.equal(chooseTemplate("auto", chatml, ownTemplateFrom(chatml)).template, getTemplate("chatml"));
});

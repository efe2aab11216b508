import { test } from "node:test";
import assert from "node:assert/strict";
import { buildPrompt, getTemplate, type BuildPromptInput, type ExtensionPrompt } from "../../../src/core/prompt/index.ts";
import { directRegexFinder, readRegexScripts } from "../../../src/core/regexScripts/index.ts";
import { card, message, messages, persona } from "./fixture.ts";
import type { ChatMessage } from "../../../src/core/chat/types.ts";

function build(overrides: Partial<BuildPromptInput> = {}, template = "chatml") {
  return buildPrompt({
    character: card(), persona, messages, chatId: "c",
    settings: { template: getTemplate(template), contextSize: 4096, responseTokens: 100 },
    countTokens: (t) => t.length, now: () => new Date(0), random: () => 0,
    ...overrides,
  });
}

const memory = (position: ExtensionPrompt["position"], depth = 2): ExtensionPrompt =>
  ({ key: "1_memory", text: "[Summary: Ann woke in the glade.]", position, depth, role: "system", kind: "memory", label: "summary" });

test("the summary goes right after the story string (SillyTavern's IN_PROMPT), wrapped in newlines", () => {
  const prompt = build({ extensionPrompts: [memory("after_story")] });
  assert.ok(prompt.text.includes("Ann is a traveller.<|im_end|>\n\n[Summary: Ann woke in the glade.]\n<|im_start|>user\nAnn: Hi"), prompt.text);
  const section = prompt.sections.find((s) => s.kind === "memory")!;
  assert.equal(section.text, "\n[Summary: Ann woke in the glade.]\n");
  assert.equal(section.label, "summary");
  const plain = build({ extensionPrompts: [memory("after_story")] }, "plain");
  assert.ok(plain.text.includes("Ann is a traveller.\n\n[Summary: Ann woke in the glade.]\n***\n"), plain.text);
});

test("before the story string (BEFORE_PROMPT) it opens the prompt; in the chat (IN_CHAT) it is a turn at its depth", () => {
  assert.ok(build({ extensionPrompts: [memory("before_story")] }).text.startsWith("[Summary: Ann woke in the glade.]\n<|im_start|>system\n"));
  const inChat = build({ extensionPrompts: [memory("in_chat", 1)] });
  assert.ok(inChat.text.includes("Seraphina: Welcome.<|im_end|>\n<|im_start|>system\n[Summary: Ann woke in the glade.]<|im_end|>\n<|im_start|>user\nAnn: Where am I?"), inChat.text);
  assert.equal(build({ extensionPrompts: [{ ...memory("after_story"), text: "  " }] }).text, build().text, "an empty summary puts nothing in");
});

test("a quiet request (the summary's) ends the prompt: a system turn and a neutral reply line in instruct mode, a bare line in plain text", () => {
  const chatml = build({ quietPrompt: "Summarize the story in {{user}}'s words." });
  assert.ok(chatml.text.endsWith("<|im_start|>user\nAnn: Where am I?<|im_end|>\n<|im_start|>system\nSummarize the story in Ann's words.<|im_end|>\n<|im_start|>assistant\n"), chatml.text);
  const plain = build({ quietPrompt: "Summarize the story." }, "plain");
  assert.ok(plain.text.endsWith("Ann: Where am I?\nSummarize the story."), plain.text);
  assert.equal(build({ quietPrompt: "x", mode: "impersonate" }).text, build({ mode: "impersonate" }).text, "only with a reply");
});

const history: ChatMessage[] = [
  message(1, "assistant", "Seraphina", "Welcome.<status>hp 9</status>"),
  message(2, "user", "Ann", "Hi."),
  message(3, "assistant", "Seraphina", "Rest.<status>hp 8</status>"),
  message(4, "user", "Ann", "Thanks."),
  message(5, "assistant", "Seraphina", "Sleep.<status>hp 7</status>"),
];

test("prompt-only scripts change messages in the prompt by their depth, lore by its own, and nothing stored", () => {
  const { scripts } = readRegexScripts([
    { scriptName: "status", findRegex: "/<status>[\\s\\S]*?<\\/status>/g", replaceString: "", placement: [2], promptOnly: true, minDepth: 2 },
    { scriptName: "lore", findRegex: "/hurt/", replaceString: "wounded", placement: [5], promptOnly: true },
    { scriptName: "stored only", findRegex: "/Thanks/", replaceString: "Cheers", placement: [1] },
  ], "settings");
  const lore = [{ entryId: "7", content: "Ann is hurt.", position: "at_depth" as const, depth: 1, role: "user" as const, order: 1 }];
  const prompt = build({ messages: history, lore, regex: { scripts, finder: directRegexFinder } }, "plain");
  assert.ok(prompt.text.includes("Seraphina: Welcome.\n"), "depth 4: status block gone");
  assert.ok(prompt.text.includes("Seraphina: Rest.\n"), "depth 2: gone");
  assert.ok(prompt.text.includes("Seraphina: Sleep.<status>hp 7</status>"), "depth 0: kept");
  assert.ok(prompt.text.includes("Ann is wounded."), "world info through its prompt-only script");
  assert.ok(prompt.text.includes("Ann: Thanks."), "a script without prompt-only ran when the text was stored, not here");
  assert.equal(history[0]!.swipes[0]!.text, "Welcome.<status>hp 9</status>");
});

test("reasoning stays out of the prompt by default; with add_to_prompts the newest carries it; a continued message carries its own", () => {
  const thought = history.map((m, i) => (m.role === "assistant" ? { ...m, swipes: [{ ...m.swipes[0]!, reasoning: { text: `thought ${i}` } }] } : m));
  const reasoning = { add_to_prompts: false, max_additions: 1, prefix: "<think>\n", suffix: "\n</think>", separator: "\n\n" };
  const off = build({ messages: thought, reasoning }, "plain");
  assert.doesNotMatch(off.text, /thought/);
  const on = build({ messages: thought, reasoning: { ...reasoning, add_to_prompts: true } }, "plain");
  assert.ok(on.text.includes("Seraphina: <think>\nthought 4\n</think>\n\nSleep."), on.text);
  assert.equal((on.text.match(/thought/g) ?? []).length, 1);
  const continued = build({ messages: thought, reasoning, mode: "continue" }, "plain");
  assert.ok(continued.text.endsWith("<think>\nthought 4\n</think>\n\nSleep.<status>hp 7</status>"), continued.text);
  assert.equal(continued.openReasoning, undefined);
  const empty = thought.map((m, i) => (i === 4 ? { ...m, swipes: [{ ...m.swipes[0]!, text: "" }] } : m));
  const open = build({ messages: empty, reasoning, mode: "continue" }, "chatml");
  assert.ok(open.text.endsWith("<|im_start|>assistant\nSeraphina: <think>\nthought 4"), open.text);
  assert.equal(open.openReasoning, "thought 4");
});

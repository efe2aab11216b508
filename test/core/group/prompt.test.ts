// Group prompts traced through SillyTavern's Generate for a group member: getCharacterCardFields
// with getGroupCharacterCardsLazy (2025) for the joined fields, getGroupDepthPrompts,
// formatInstructModeChat/Examples/Prompt with selected_group set, getStoppingStrings and
// cleanUpMessage's cleanGroupMessage. Each comment names the step that decides the bytes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildPrompt, getTemplate } from "../../../src/core/prompt/index.ts";
import type { Chat } from "../../../src/core/chat/types.ts";
import { groupCard } from "../../../src/core/group/cards.ts";
import { memberMacros } from "../../../src/core/group/macros.ts";
import { speakerPrompt } from "../../../src/core/group/speaker.ts";
import { cleanGroupReply } from "../../../src/core/group/trim.ts";
import type { MemberCard } from "../../../src/core/group/types.ts";
import { member, said } from "./fixtures.ts";

const persona = { name: "Sam", description: "" };
const join = (generationMode: number) => ({ generationMode, joinPrefix: "### {{char}}: <FIELDNAME>\n", joinSuffix: "" });

function theInn(): MemberCard[] {
  return [
    member("Alice.png", "Alice", { description: "{{char}} is a knight sworn to protect {{user}}.", personality: "brave", mes_example: "{{user}}: Hi\n{{char}}: Hello" }),
    member("Bob Stone.png", "Bob Stone", { description: "A thief. {{char}} lies.", personality: "sly", extensions: { depth_prompt: { prompt: "{{char}} hides a knife.", depth: 1, role: "system" } } }),
    member("Cleo.png", "Cleo", { description: "A bard.", mes_example: "{{user}}: Sing\n{{char}}: La", extensions: { depth_prompt: { prompt: "{{char}} hums.", depth: 1 } } }, true),
  ];
}

function chatOf(messages: Chat["messages"], settings: Chat["settings"] = {}): Chat {
  return { id: "c", title: "t", characterId: "group:1", characterName: "The Inn", createdAt: "", updatedAt: "", messages, settings, variables: {}, groupId: "1" };
}

const expand = memberMacros({ persona, members: theInn(), chatId: "c" });

test("J1: joined descriptions in list order, the muted member left out in mode 1 and kept in mode 2", () => {
  const mode1 = groupCard({ group: join(1), members: theInn(), speaker: "Bob Stone.png", expand });
  assert.equal(mode1.joined!.description,
    "### Alice: Description\nAlice is a knight sworn to protect Sam.\n### Bob Stone: Description\nA thief. Bob Stone lies.");
  // Examples get <START> before the member's part (2025), with the prefix before it.
  assert.equal(mode1.joined!.mesExamples, "### Alice: Example Messages\n<START>\nSam: Hi\nAlice: Hello");
  const mode2 = groupCard({ group: join(2), members: theInn(), speaker: "Bob Stone.png", expand });
  assert.ok(mode2.joined!.description.endsWith("\n### Cleo: Description\nA bard."));
  // A muted member's character note stays out in both join modes unless it speaks.
  assert.deepEqual(mode2.characterNotes!.map((n) => n.text), ["Bob Stone hides a knife."]);
  const cleoSpeaks = groupCard({ group: join(1), members: theInn(), speaker: "Cleo.png", expand });
  assert.ok(cleoSpeaks.joined!.description.includes("### Cleo: Description"));
  assert.deepEqual(cleoSpeaks.characterNotes!.map((n) => n.text), ["Bob Stone hides a knife.", "Cleo hums."]);
});

test("join prefix and suffix are used as written, <FIELDNAME> in any case, an empty field gets no part", () => {
  const card = groupCard({ group: { generationMode: 1, joinPrefix: "[<fieldname> of {{char}}: ", joinSuffix: "]\n" }, members: theInn(), speaker: "Alice.png", expand });
  assert.equal(card.joined!.personality, "[Personality of Alice: brave]\n\n[Personality of Bob Stone: sly]\n");
  assert.equal(card.joined!.scenario, "");
});

test("a joined Alpaca prompt: every member's line named, the speaker's name after the last output sequence, the others as stop strings", () => {
  const chat = chatOf([said("assistant", "Alice", "Welcome to the inn, {{user}}!", "Alice.png"), said("user", "Sam", "Hey bob, where is Cleo?")]);
  const sp = speakerPrompt({ group: join(1), members: theInn(), speaker: "Bob Stone.png", chat, persona });
  const built = buildPrompt({
    character: sp.character, persona, messages: chat.messages, chatId: "c", group: sp.group,
    settings: { template: getTemplate("alpaca"), contextSize: 8192, responseTokens: 256 }, countTokens: (t) => t.length,
  });
  assert.equal(built.text,
    // Story string: the joined fields are used as they are ({{char}} is the speaker elsewhere).
    "Write Bob Stone's next reply in a fictional chat between Bob Stone and Sam.\n" +
    "### Alice: Description\nAlice is a knight sworn to protect Sam.\n### Bob Stone: Description\nA thief. Bob Stone lies.\n" +
    "Bob Stone's personality: ### Alice: Personality\nbrave\n### Bob Stone: Personality\nsly\n" +
    // parseMesExamples splits at <START>: the prefix is a block without dialogue (left out), the
    // dialogue's lines stay one user turn since "Alice:" is not the speaker; in a group "force" names it.
    "***\n### Instruction:\nSam: Hi\nAlice: Hello\n\n" +
    "***\n" +
    // formatInstructModeChat: selected_group && name !== name1 names Alice's line.
    "### Response:\nAlice: Welcome to the inn, Sam!\n\n" +
    // Bob's character note (DEPTH_PROMPT_0) at depth 1; Cleo is muted and not speaking.
    "### Input:\nBob Stone hides a knife.\n\n" +
    "### Instruction:\nHey bob, where is Cleo?\n\n" +
    // formatInstructModePrompt: "force" names the reply in a group.
    "### Response:\nBob Stone:");
  assert.deepEqual(built.stops, ["\nSam:", "\nAlice:", "\nCleo:", "\n### Instruction:", "\n### Response:", "\n### Input:"]);
});

test("swap: the speaker's own card; the chat's scenario override replaces it, and replaces the joined scenarios", () => {
  const members = theInn().map((m) => ({ ...m, character: { ...m.character, scenario: `{{char}}'s own scene.` } }));
  const swap = speakerPrompt({ group: { generationMode: 0, joinPrefix: "", joinSuffix: "" }, members, speaker: "Alice.png", chat: chatOf([]), persona });
  assert.equal(swap.character.description, "{{char}} is a knight sworn to protect {{user}}.");
  assert.equal(swap.group.joined, undefined);
  assert.equal(swap.group.characterNotes, undefined);
  const joined = speakerPrompt({ group: join(1), members, speaker: "Alice.png", chat: chatOf([], { scenario: "A storm; {{char}} bars the door." }), persona });
  assert.equal(joined.group.joined!.scenario, "A storm; Alice bars the door.");
  const plain = buildPrompt({
    character: { ...swap.character, scenario: "Stormy night for {{char}}." }, persona, messages: [], chatId: "c", group: swap.group,
    settings: { template: getTemplate("plain"), contextSize: 8192, responseTokens: 256 }, countTokens: (t) => t.length,
  });
  assert.ok(plain.text.includes("Scenario: Stormy night for Alice.\n"), plain.text);
});

test("{{group}} lists every member, {{groupNotMuted}} the unmuted, {{notChar}} everyone but the speaker", () => {
  const members = theInn();
  const sp = speakerPrompt({ group: { generationMode: 0, joinPrefix: "", joinSuffix: "" }, members, speaker: "Bob Stone.png", chat: chatOf([]), persona });
  const built = buildPrompt({
    character: { ...sp.character, description: "{{group}} | {{groupNotMuted}} | {{notChar}} | {{charIfNotGroup}}" }, persona, messages: [], chatId: "c", group: sp.group,
    settings: { template: getTemplate("plain"), contextSize: 8192, responseTokens: 256 }, countTokens: (t) => t.length,
  });
  assert.ok(built.text.includes("Alice, Bob Stone, Cleo | Alice, Bob Stone | Alice, Cleo, Sam | Alice, Bob Stone, Cleo\n"), built.text);
});

test("S2, S3: a reply is cut at another member's line, then loses the speaker's own name", () => {
  const names = { speaker: "Bob Stone", members: ["Alice", "Bob Stone", "Cleo"] };
  assert.equal(cleanGroupReply("Bob Stone: Sure thing.\nAlice: Wait!", names), "Sure thing.");
  assert.equal(cleanGroupReply("Alice: I'll answer for him.", names), "");
  assert.equal(cleanGroupReply("Fine.\nBob Stone: And more.", names), "Fine.\nAnd more.");
});

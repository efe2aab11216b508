import type { Character } from "../../../src/core/cards/character.ts";
import type { ChatMessage, MessageRole } from "../../../src/core/chat/types.ts";
import type { LoreInsertion } from "../../../src/core/lorebook/insertion.ts";

export function card(overrides: Partial<Character> = {}): Character {
  return {
    name: "Seraphina",
    description: "{{char}} guards the forest.",
    personality: "kind",
    scenario: "{{user}} wakes in a glade.",
    first_mes: "Welcome.",
    mes_example: "<START>\n{{user}}: Hi\n{{char}}: Hello, {{user}}.",
    creator_notes: "",
    system_prompt: "{{original}} Stay gentle.",
    post_history_instructions: "Reply as {{char}}.",
    alternate_greetings: [],
    tags: [],
    creator: "",
    character_version: "",
    extensions: {},
    ...overrides,
  };
}

export function message(id: number, role: MessageRole, name: string, text: string): ChatMessage {
  return { id: String(id), role, name, swipes: [{ text, sentAt: "2026-11-24T10:00:00Z" }], swipeIndex: 0 };
}

export const persona = { name: "Ann", description: "{{user}} is a traveller." };

export const messages: ChatMessage[] = [
  message(1, "assistant", "Seraphina", "Welcome."),
  message(2, "user", "Ann", "Where am I?"),
];

/** One entry at each position SillyTavern has. */
export const loreAtEachPosition: LoreInsertion[] = [
  { entryId: "1", content: "Magic is real.", position: "before_char", depth: 4, role: "system", order: 1 },
  { entryId: "2", content: "The glade is old.", position: "after_char", depth: 4, role: "system", order: 1 },
  { entryId: "3", content: "Examples follow.", position: "before_examples", depth: 4, role: "system", order: 1 },
  { entryId: "4", content: "Examples ended.", position: "after_examples", depth: 4, role: "system", order: 1 },
  { entryId: "5", content: "Wolves roam.", position: "an_top", depth: 4, role: "system", order: 1 },
  { entryId: "6", content: "It is night.", position: "an_bottom", depth: 4, role: "system", order: 1 },
  { entryId: "7", content: "Ann is hurt.", position: "at_depth", depth: 1, role: "user", order: 1 },
];

export const authorsNote = { text: "Be brief.", depth: 0, frequency: 1, role: "system" as const };

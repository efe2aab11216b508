import type { Character } from "../../src/core/cards/character.ts";
import type { ChatEnv } from "../../src/core/chat/operations.ts";

/** Ids m1, m2, ... and one-second-apart timestamps, so chats compare exactly. */
export function testEnv(): ChatEnv {
  let id = 0;
  let second = 0;
  return {
    newId: () => `id${++id}`,
    now: () => new Date(Date.UTC(2026, 0, 1, 12, 0, second++)).toISOString(),
  };
}

export function testCharacter(overrides: Partial<Character> = {}): Character {
  return {
    name: "Seraphina",
    description: "A guardian of the forest.",
    personality: "kind",
    scenario: "",
    first_mes: "Welcome to the glade, {{user}}.",
    mes_example: "",
    creator_notes: "",
    system_prompt: "",
    post_history_instructions: "",
    alternate_greetings: ["You wake by a fire.", "Rain taps on the leaves."],
    tags: [],
    creator: "",
    character_version: "",
    extensions: {},
    ...overrides,
  };
}

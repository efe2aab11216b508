/**
 * A scripted roleplay for measuring prompt reprocessing: 100 turns whose messages
 * mention lorebook keywords now and then, so entries come and go, with a context small
 * enough that history must be trimmed. Shared by the KV-reuse bench and test.
 */
import type { Character } from "../../src/core/cards/character.ts";
import type { ChatMessage } from "../../src/core/chat/types.ts";
import type { LoreInsertion, LorePosition } from "../../src/core/lorebook/insertion.ts";

export const benchCharacter: Character = {
  name: "Mira",
  description: "{{char}} is a ferry pilot on the river Vell. She knows every sandbar and every smuggler's cove, and she talks like someone who has spent too long alone on the water.",
  personality: "dry, patient, curious about strangers",
  scenario: "{{user}} has paid for passage downriver to the coast.",
  first_mes: "Climb aboard.",
  mes_example: "<START>\n{{user}}: How long to the coast?\n{{char}}: Three days if the river is kind. It rarely is.",
  creator_notes: "",
  system_prompt: "",
  post_history_instructions: "",
  alternate_greetings: [],
  tags: [],
  creator: "taproom bench",
  character_version: "1",
  extensions: {},
};

export const benchPersona = { name: "Tam", description: "{{user}} is a cartographer with a secret." };

interface BenchEntry {
  id: string;
  keys: string[];
  content: string;
  constant?: boolean;
  /** Where taproom places it (SillyTavern lets the author choose). */
  position: LorePosition;
  depth: number;
}

export const benchLorebook: BenchEntry[] = [
  { id: "vell", keys: [], constant: true, position: "before_char", depth: 4, content: "The river Vell runs from the Ash Hills to the sea through marsh and old forest." },
  { id: "toll", keys: ["toll", "bridge"], position: "at_depth", depth: 4, content: "The Toll Bridge charges a silver per boat and its keepers report strangers to the duke." },
  { id: "marsh", keys: ["marsh", "fog"], position: "at_depth", depth: 4, content: "The Grey Marsh is full of fog at dawn; pilots ring a bell every hundred strokes." },
  { id: "smugglers", keys: ["smuggler", "cove"], position: "at_depth", depth: 4, content: "Smugglers use Otter Cove to move salt past the toll; Mira once ran salt herself." },
  { id: "map", keys: ["map", "chart"], position: "at_depth", depth: 2, content: "Tam's map marks a channel no pilot has charted, which Tam will not explain." },
  { id: "storm", keys: ["storm", "rain"], position: "at_depth", depth: 2, content: "Autumn storms raise the river by a fathom in a night and drown the sandbars." },
];

const TOPICS = ["toll", "marsh", "smuggler", "map", "storm", "", "", "bridge", "fog", "cove", "chart", "rain", ""];

function message(index: number, role: "user" | "assistant", text: string): ChatMessage {
  const sentAt = new Date(Date.UTC(2026, 0, 1, 12, index)).toISOString();
  return { id: `m${index}`, role, name: role === "user" ? benchPersona.name : benchCharacter.name, swipes: [{ text, sentAt }], swipeIndex: 0 };
}

/** The user's message of turn `turn` (0-based). */
export function userMessage(turn: number): ChatMessage {
  const topic = TOPICS[turn % TOPICS.length] ?? "";
  const about = topic ? ` What about the ${topic}?` : " Tell me more about the river.";
  const filler = " I keep watching the banks go by.".repeat(1 + (turn % 3));
  return message(2 * turn, "user", `Turn ${turn}.${filler}${about}`);
}

/** A scripted reply, used where no model writes one. */
export function scriptedReply(turn: number): string {
  const filler = " The water slaps the hull and she leans on the tiller.".repeat(1 + ((turn * 7) % 4));
  return `*Mira squints downriver.*${filler} "Ask me again at the next bend," she says.`;
}

export function assistantMessage(turn: number, text: string): ChatMessage {
  return message(2 * turn + 1, "assistant", text);
}

/**
 * Which entries fire: constants, and entries whose keys appear in the last `scanDepth`
 * messages (a deliberately simple activation: the bench measures placement, not lore).
 */
export function activeLore(messages: ChatMessage[], scanDepth = 2): BenchEntry[] {
  const scan = messages
    .slice(-scanDepth)
    .map((m) => m.swipes[m.swipeIndex]?.text ?? "")
    .join("\n")
    .toLowerCase();
  return benchLorebook.filter((e) => e.constant || e.keys.some((k) => scan.includes(k)));
}

/** Entries at their own positions (taproom), or all early in the story string (naive). */
export function insertions(entries: BenchEntry[], placement: "own" | "early"): LoreInsertion[] {
  return entries.map((e, order) => ({
    entryId: e.id,
    content: e.content,
    position: placement === "early" ? "before_char" : e.position,
    depth: e.depth,
    role: "system",
    order,
  }));
}

/**
 * The card a group turn is written from. SWAP: the speaker's own card (the scenario
 * override applies as in a one-to-one chat). JOIN: four fields of every member's card
 * joined, each part between the group's join prefix and suffix, as SillyTavern's
 * getGroupCharacterCardsLazy builds them (its 2025 rules), and every member's character
 * note at its own depth (getGroupDepthPrompts).
 */
import type { Character } from "../cards/character.ts";
import type { PromptRole } from "../lorebook/insertion.ts";
import type { CharacterNote, JoinedCardFields } from "../prompt/types.ts";
import { isJoinMode, type Group, type MemberCard } from "./types.ts";

export interface GroupCardInput {
  group: Pick<Group, "generationMode" | "joinPrefix" | "joinSuffix">;
  /** Members with cards, in list order. */
  members: MemberCard[];
  /** The speaker's avatar key. */
  speaker: string;
  /** The chat's scenario override (SillyTavern's chat_metadata.scenario); blank for none. */
  scenarioOverride?: string;
  /** SillyTavern's chat_metadata.mes_example override; blank for none. */
  examplesOverride?: string;
  /** Expands macros in a text with `{{char}}` as the given member (SillyTavern's baseChatReplace). */
  expand: (text: string, memberName: string) => string;
}

export interface GroupCard {
  /** The speaker's card: its system prompt, post-history instructions and lore are the ones used. */
  character: Character;
  /** JOIN modes: the joined fields, used as they are. */
  joined?: JoinedCardFields;
  /** JOIN modes: the members' character notes, in list order, instead of the speaker's alone. */
  characterNotes?: CharacterNote[];
}

const DEFAULT_NOTE_DEPTH = 4;

export function groupCard(input: GroupCardInput): GroupCard {
  const speaker = input.members.find((m) => m.key === input.speaker);
  if (!speaker) throw new Error(`${input.speaker} is not a member with a card`);
  if (!isJoinMode(input.group)) return { character: speaker.character };
  const included = input.members.filter((m) => !m.muted || m.key === input.speaker || input.group.generationMode === 2);
  const collect = (field: string, value: (c: Character) => string, prepare?: (v: string) => string) =>
    included.map((m) => joinPart(input, m.name, field, value(m.character), prepare)).filter((p) => p.length > 0).join("\n");
  const override = (text: string | undefined) => (text?.trim() ? input.expand(text.trim(), speaker.name) : "");
  const joined: JoinedCardFields = {
    description: collect("Description", (c) => c.description),
    personality: collect("Personality", (c) => c.personality),
    scenario: override(input.scenarioOverride) || collect("Scenario", (c) => c.scenario),
    mesExamples: override(input.examplesOverride) || collect("Example Messages", (c) => c.mes_example, (v) => (v.startsWith("<START>") ? v : `<START>\n${v}`)),
  };
  return { character: speaker.character, joined, characterNotes: characterNotes(input, included.filter((m) => !m.muted || m.key === input.speaker)) };
}

/**
 * One member's part of a joined field: nothing for an empty field; else the prefix, the
 * value and the suffix, `<FIELDNAME>` (any case) replaced and macros expanded as that
 * member. SillyTavern 2024 trimmed the prefix and suffix and put a newline between them
 * and the value; its 2025 code, followed here, uses them as written.
 */
function joinPart(input: GroupCardInput, name: string, field: string, value: string, prepare?: (v: string) => string): string {
  let v = value.trim();
  if (v === "") return "";
  if (prepare) v = prepare(v);
  const affix = (text: string) => (text ? input.expand(text.replace(/<FIELDNAME>/gi, field), name) : "");
  const body = input.expand(v.replace(/<FIELDNAME>/gi, field).trim(), name);
  return `${affix(input.group.joinPrefix)}${body}${affix(input.group.joinSuffix)}`;
}

/** Muted members' notes stay out unless they speak, in both join modes (SillyTavern's rule). */
function characterNotes(input: GroupCardInput, members: MemberCard[]): CharacterNote[] {
  const notes: CharacterNote[] = [];
  for (const m of members) {
    const raw = m.character.extensions["depth_prompt"] as Record<string, unknown> | undefined;
    const prompt = typeof raw?.prompt === "string" ? raw.prompt.trim() : "";
    const text = prompt ? input.expand(prompt, m.name) : "";
    if (!text) continue;
    notes.push({ text, depth: noteDepth(raw?.depth), role: noteRole(raw?.role) });
  }
  return notes;
}

function noteDepth(depth: unknown): number {
  const n = typeof depth === "number" ? depth : typeof depth === "string" && depth.trim() !== "" ? Number(depth) : Number.NaN;
  return Number.isFinite(n) ? Math.max(0, Math.floor(n)) : DEFAULT_NOTE_DEPTH;
}

function noteRole(role: unknown): PromptRole {
  return role === "user" || role === "assistant" ? role : "system";
}

/**
 * The story string: SillyTavern's default context template, one line per non-empty
 * part: system prompt, lore before the character, description,
 * `{{char}}'s personality: ...`, `Scenario: ...`, lore after the character, persona.
 */
import type { Character } from "../cards/character.ts";
import type { LoreInsertion, LorePosition } from "../lorebook/insertion.ts";
import type { SectionKind } from "./types.ts";

export interface RawPart {
  kind: SectionKind;
  label: string;
  text: string;
  /** The chat message a history part shows. */
  messageId?: string;
}

/** The card's prompt wins unless the user prefers theirs; `{{original}}` is the user's. */
export function resolveCardPrompt(cardPrompt: string, userPrompt: string, preferUser: boolean): string {
  if (preferUser || cardPrompt.trim() === "") return userPrompt.trim();
  return cardPrompt.replace(/\{\{original\}\}/gi, userPrompt).trim();
}

export function loreAt(lore: LoreInsertion[], position: LorePosition): LoreInsertion[] {
  return lore.filter((l) => l.position === position && l.content.trim() !== "").sort((a, b) => a.order - b.order);
}

export function joinLore(entries: LoreInsertion[]): string {
  return entries.map((l) => l.content).join("\n");
}

export interface StoryStringInput {
  character: Character;
  personaDescription: string;
  systemPrompt: string;
  lore: LoreInsertion[];
  expand: (text: string) => string;
}

export function storyStringParts(input: StoryStringInput): RawPart[] {
  const { character, expand, lore } = input;
  const personality = expand(character.personality);
  const scenario = expand(character.scenario);
  const parts: RawPart[] = [
    { kind: "system", label: "system prompt", text: expand(input.systemPrompt) },
    { kind: "lore", label: "lore before character", text: expand(joinLore(loreAt(lore, "before_char"))) },
    { kind: "card", label: "description", text: expand(character.description) },
    { kind: "card", label: "personality", text: personality && `${character.name}'s personality: ${personality}` },
    { kind: "card", label: "scenario", text: scenario && `Scenario: ${scenario}` },
    { kind: "lore", label: "lore after character", text: expand(joinLore(loreAt(lore, "after_char"))) },
    { kind: "card", label: "persona", text: expand(input.personaDescription) },
  ];
  return parts.filter((p) => p.text.trim() !== "");
}

/** `mes_example` split on `<START>`, each block trimmed, empty blocks dropped. */
export function splitExamples(mesExample: string): string[] {
  return mesExample
    .split(/<START>/i)
    .map((block) => block.trim())
    .filter((block) => block !== "");
}

export interface ExampleTurn {
  speaker: "user" | "char" | "none";
  text: string;
}

/** Splits one expanded example block into turns at lines starting `User:` / `Char:`. */
export function exampleTurns(block: string, userName: string, charName: string): ExampleTurn[] {
  const turns: ExampleTurn[] = [];
  for (const line of block.split("\n")) {
    const speaker = line.startsWith(`${userName}:`) ? "user" : line.startsWith(`${charName}:`) ? "char" : undefined;
    const last = turns[turns.length - 1];
    if (speaker) turns.push({ speaker, text: line });
    else if (last) last.text += `\n${line}`;
    else turns.push({ speaker: "none", text: line });
  }
  return turns.map((t) => ({ ...t, text: t.text.trim() })).filter((t) => t.text !== "");
}

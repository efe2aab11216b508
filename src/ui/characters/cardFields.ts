import type { Character } from "../../core/cards/character.ts";

/** The card fields the editor offers, in the order people fill them in. */
export const CARD_FIELDS = [
  { key: "name", label: "Name" },
  { key: "description", label: "Description" },
  { key: "personality", label: "Personality" },
  { key: "scenario", label: "Scenario" },
  { key: "first_mes", label: "First message" },
  { key: "mes_example", label: "Example messages" },
  { key: "system_prompt", label: "System prompt" },
  { key: "post_history_instructions", label: "Post-history instructions" },
  { key: "creator_notes", label: "Creator notes" },
  { key: "tags", label: "Tags (comma-separated)" },
] as const;

export type CardFieldKey = (typeof CARD_FIELDS)[number]["key"];
/** Each editable field as the text the editor shows; tags joined with ", ". */
export type CardFields = Record<CardFieldKey, string>;

export class CardFieldError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CardFieldError";
  }
}

export function fieldsOf(character: Character): CardFields {
  const fields = {} as CardFields;
  for (const { key } of CARD_FIELDS) fields[key] = key === "tags" ? character.tags.join(", ") : character[key];
  return fields;
}

/** Tags as typed: split on commas, trimmed, blanks and repeats dropped. */
export function parseTags(text: string): string[] {
  const tags = text.split(",").map((t) => t.trim()).filter(Boolean);
  return [...new Set(tags)];
}

/** Fields whose text differs between two versions. */
export function changedFields(before: CardFields, after: CardFields): CardFieldKey[] {
  return CARD_FIELDS.map((f) => f.key).filter((key) => before[key] !== after[key]);
}

/**
 * The character with the edited fields applied. Only fields whose text changed are
 * written, so an untouched field (tags with a comma inside one, say) stays exactly as
 * the card had it.
 */
export function withFields(character: Character, fields: CardFields): Character {
  const changed = changedFields(fieldsOf(character), fields);
  if (changed.includes("name") && !fields.name.trim()) throw new CardFieldError("a character needs a name");
  const next: Character = { ...character };
  for (const key of changed) {
    if (key === "tags") next.tags = parseTags(fields.tags);
    else next[key] = fields[key];
  }
  return next;
}

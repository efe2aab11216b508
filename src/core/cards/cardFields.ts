import type { Character } from "./character.ts";

/** The card fields the editor offers, in the order people fill them in. */
export const CARD_FIELDS = [
  { key: "name", label: "Name" },
  { key: "description", label: "Description" },
  { key: "personality", label: "Personality" },
  { key: "scenario", label: "Scenario" },
  { key: "first_mes", label: "First message" },
  { key: "alternate_greetings", label: "Alternate greetings", hint: "a line <GREETING> starts each one" },
  { key: "mes_example", label: "Example messages" },
  { key: "system_prompt", label: "System prompt" },
  { key: "post_history_instructions", label: "Post-history instructions" },
  { key: "creator_notes", label: "Creator notes" },
  { key: "tags", label: "Tags (comma-separated)" },
] as const;

export type CardFieldKey = (typeof CARD_FIELDS)[number]["key"];

/** Alternate greetings are edited as one text: each starts after a line holding only this mark. */
export const GREETING_MARK = "<GREETING>";
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
  for (const { key } of CARD_FIELDS) {
    if (key === "tags") fields[key] = character.tags.join(", ");
    else if (key === "alternate_greetings") fields[key] = formatGreetings(character.alternate_greetings);
    else fields[key] = character[key];
  }
  return fields;
}

export function formatGreetings(greetings: string[]): string {
  return greetings.map((g) => `${GREETING_MARK}\n${g}`).join("\n");
}

/** The greetings in the edited text: text before the first mark is a greeting too, blank ones are dropped. */
export function parseGreetings(text: string): string[] {
  const parts: string[][] = [[]];
  for (const line of text.split("\n")) {
    if (line.trim().toUpperCase() === GREETING_MARK) parts.push([]);
    else parts.at(-1)!.push(line);
  }
  return parts.map((lines) => lines.join("\n")).filter((g) => g.trim() !== "");
}

/** One line for the field list: greetings are counted, other fields show their first line. */
export function fieldSummary(key: CardFieldKey, text: string): string {
  if (key !== "alternate_greetings") return text.split("\n")[0] ?? "";
  const greetings = parseGreetings(text);
  if (greetings.length === 0) return "";
  return `${greetings.length} · ${greetings[0]!.split("\n")[0]}`;
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
    else if (key === "alternate_greetings") next.alternate_greetings = parseGreetings(fields.alternate_greetings);
    else next[key] = fields[key];
  }
  return next;
}

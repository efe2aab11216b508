import type { Character } from "./character.ts";
import { CardFormatError } from "./errors.ts";

/** The fields an editor may change; everything else on the card is kept as it was. */
export const EDITABLE_TEXT_FIELDS = [
  "name", "nickname", "description", "personality", "scenario", "first_mes", "mes_example", "creator_notes",
  "system_prompt", "post_history_instructions", "creator", "character_version",
] as const;
export const EDITABLE_LIST_FIELDS = ["alternate_greetings", "group_only_greetings", "tags"] as const;

export type EditableTextField = (typeof EDITABLE_TEXT_FIELDS)[number];
export type EditableListField = (typeof EDITABLE_LIST_FIELDS)[number];
export type CharacterEdits = Partial<Record<EditableTextField, string> & Record<EditableListField, string[]>>;

const TEXT = new Set<string>(EDITABLE_TEXT_FIELDS);
const LISTS = new Set<string>(EDITABLE_LIST_FIELDS);

/**
 * The character with the edits applied. Edits are checked first (an editor's bug must not
 * write a broken card); a name may not be emptied. `now` (unix seconds) stamps
 * modification_date on cards that keep one.
 */
export function applyCharacterEdits(character: Character, edits: CharacterEdits, options: { source: string; now?: number }): Character {
  for (const [field, value] of Object.entries(edits)) {
    if (value === undefined) continue;
    if (TEXT.has(field)) {
      if (typeof value !== "string") throw new CardFormatError(options.source, `expected text, got ${typeof value}`, field);
    } else if (LISTS.has(field)) {
      if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
        throw new CardFormatError(options.source, "expected a list of text", field);
      }
    } else {
      throw new CardFormatError(options.source, "is not a field the editor can change", field);
    }
  }
  if (edits.name !== undefined && edits.name.trim() === "") throw new CardFormatError(options.source, "a character needs a name", "name");
  const next: Character = { ...character };
  for (const [field, value] of Object.entries(edits)) {
    if (value === undefined) continue;
    (next as unknown as Record<string, unknown>)[field] = Array.isArray(value) ? [...value] : value;
  }
  if (next.group_only_greetings?.length === 0) delete next.group_only_greetings;
  if (options.now !== undefined && character.modification_date !== undefined) next.modification_date = options.now;
  return next;
}

import type { CharacterBook, CharacterBookEntry } from "../cards/character.ts";
import { LorebookFormatError, type LoreEntry, type Lorebook } from "./model.ts";
import { readWorldInfoEntry } from "./worldInfo.ts";

/** Where SillyTavern keeps its richer fields inside a card entry's `extensions`. */
const EXT: [keyof LoreEntry, string][] = [
  ["position", "position"], ["excludeRecursion", "exclude_recursion"],
  ["preventRecursion", "prevent_recursion"], ["delayUntilRecursion", "delay_until_recursion"],
  ["probability", "probability"], ["useProbability", "useProbability"], ["depth", "depth"],
  ["selectiveLogic", "selectiveLogic"], ["group", "group"], ["groupOverride", "group_override"],
  ["groupWeight", "group_weight"], ["scanDepth", "scan_depth"], ["matchWholeWords", "match_whole_words"],
  ["useGroupScoring", "use_group_scoring"], ["automationId", "automation_id"], ["role", "role"],
  ["sticky", "sticky"], ["cooldown", "cooldown"], ["delay", "delay"],
];
const TOP: [keyof LoreEntry, string][] = [
  ["key", "keys"], ["keysecondary", "secondary_keys"], ["content", "content"], ["order", "insertion_order"],
  ["caseSensitive", "case_sensitive"], ["constant", "constant"], ["comment", "comment"],
  ["selective", "selective"], ["uid", "id"],
];
/**
 * SillyTavern fields the engine does not use but a card carries in `extensions`
 * under another spelling: kept in `extra` with their World Info names, so both
 * SillyTavern and taproom find them after a conversion either way.
 */
const EXTRA_EXT: [string, string][] = [
  ["displayIndex", "display_index"], ["outletName", "outlet_name"], ["vectorized", "vectorized"],
  ["ignoreBudget", "ignore_budget"], ["triggers", "triggers"], ["characterFilter", "character_filter"],
  ["matchPersonaDescription", "match_persona_description"], ["matchCharacterDescription", "match_character_description"],
  ["matchCharacterPersonality", "match_character_personality"], ["matchCharacterDepthPrompt", "match_character_depth_prompt"],
  ["matchScenario", "match_scenario"], ["matchCreatorNotes", "match_creator_notes"],
];
const TOP_CARD = new Set([...TOP.map(([, c]) => c), "enabled", "position", "extensions"]);
const EXT_CARD = new Set([...EXT.map(([, c]) => c), ...EXTRA_EXT.map(([, c]) => c), "case_sensitive"]);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** An entry's uid: its numeric `id`, else its place in the list. */
function entryUid(raw: Record<string, unknown>, index: number): number {
  if (typeof raw.id === "number") return raw.id;
  return typeof raw.id === "string" && /^\d+$/.test(raw.id) ? Number(raw.id) : index;
}

function readEntry(raw: unknown, index: number, file: string): LoreEntry {
  const where = `character_book.entries[${index}]`;
  if (!isObject(raw)) throw new LorebookFormatError(file, where, "expected an object");
  if (!Array.isArray(raw.keys)) throw new LorebookFormatError(file, `${where}.keys`, "expected a list of strings");
  if (raw.enabled !== undefined && typeof raw.enabled !== "boolean") throw new LorebookFormatError(file, `${where}.enabled`, "expected true or false");
  const ext = raw.extensions === undefined ? {} : raw.extensions;
  if (!isObject(ext)) throw new LorebookFormatError(file, `${where}.extensions`, "expected an object");
  const wi: Record<string, unknown> = {};
  for (const [mine, card] of TOP) if (raw[card] !== undefined) wi[mine] = raw[card];
  wi.uid = entryUid(raw, index);
  if (raw.position === "after_char") wi.position = 1;
  for (const [mine, card] of EXT) if (ext[card] !== undefined) wi[mine] = ext[card];
  if (wi.caseSensitive === undefined && ext.case_sensitive !== undefined) wi.caseSensitive = ext.case_sensitive;
  // extension fields written here keep their card spelling, errors name them as card fields
  const entry = readWorldInfoEntry(wi, index, file, where);
  entry.disable = raw.enabled === false;
  for (const [k, v] of Object.entries(raw)) if (!TOP_CARD.has(k)) entry.extra[k] = v;
  for (const [mine, card] of EXTRA_EXT) if (ext[card] !== undefined) entry.extra[mine] = ext[card];
  const otherExt = Object.fromEntries(Object.entries(ext).filter(([k]) => !EXT_CARD.has(k)));
  if (Object.keys(otherExt).length) entry.extra.extensions = otherExt;
  return entry;
}

/** Reads a card's `character_book` into the internal model. Throws LorebookFormatError. */
export function parseCharacterBook(json: unknown, options: { file: string; name: string }): Lorebook {
  const { file } = options;
  if (!isObject(json)) throw new LorebookFormatError(file, "character_book", "expected an object");
  if (!Array.isArray(json.entries)) throw new LorebookFormatError(file, "character_book.entries", "expected a list");
  const entries = json.entries.map((e, i) => readEntry(e, i, file));
  const { entries: _e, ...extra } = json;
  const name = typeof extra.name === "string" && extra.name ? extra.name : options.name;
  return { name, entries, extra };
}

function writeEntry(e: LoreEntry): CharacterBookEntry {
  const { extensions: extraExt, ...rest } = e.extra;
  const extensions: Record<string, unknown> = isObject(extraExt) ? { ...extraExt } : {};
  for (const [mine, card] of EXT) extensions[card] = e[mine];
  extensions.case_sensitive = e.caseSensitive;
  for (const [mine, card] of EXTRA_EXT) if (rest[mine] !== undefined) { extensions[card] = rest[mine]; delete rest[mine]; }
  const out: Record<string, unknown> = { ...rest };
  for (const [mine, card] of TOP) out[card] = e[mine];
  out.enabled = !e.disable;
  out.position = e.position === 0 ? "before_char" : "after_char";
  out.extensions = extensions;
  if (out.case_sensitive === null) delete out.case_sensitive;
  return out as CharacterBookEntry;
}

/** Writes the card `character_book` form; SillyTavern's extra fields go into each entry's extensions. */
export function toCharacterBook(book: Lorebook): CharacterBook {
  const extensions = isObject(book.extra.extensions) ? book.extra.extensions : {};
  return { ...book.extra, name: book.name, extensions, entries: book.entries.map(writeEntry) };
}

/** The same JSON value: objects compared by keys (a key holding undefined counts as absent), lists in order. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => sameJson(v, b[i]));
  }
  if (!isObject(a) || !isObject(b)) return false;
  const keys = (o: Record<string, unknown>) => Object.keys(o).filter((k) => o[k] !== undefined);
  const ak = keys(a);
  return ak.length === keys(b).length && ak.every((k) => sameJson(a[k], b[k]));
}

/**
 * A card's `character_book` with an edited book written into it. The book's own fields
 * (name, description, scan_depth, extensions, unknown keys) are the edited book's
 * `extra`, which came from the card; `edited.name` is only what the screen showed, so a
 * book that had no name gets none. An entry the edit left as it was keeps its original
 * form key for key, as long as it reads back with the same uid where it now stands.
 */
export function mergeCharacterBook(original: CharacterBook | undefined, edited: Lorebook): CharacterBook {
  const written = toCharacterBook(edited);
  if (typeof edited.extra.name === "string") written.name = edited.extra.name;
  else delete written.name;
  const before = new Map<number, { raw: CharacterBookEntry; parsed: LoreEntry }>();
  original?.entries.forEach((raw, i) => {
    try {
      const parsed = readEntry(raw, i, "");
      if (!before.has(parsed.uid)) before.set(parsed.uid, { raw, parsed });
    } catch {
      // An entry that cannot be read is not kept as it was: the edited one is written.
    }
  });
  written.entries = edited.entries.map((entry, i) => {
    const old = before.get(entry.uid);
    return old && sameJson(old.parsed, entry) && entryUid(old.raw, i) === entry.uid ? old.raw : written.entries[i]!;
  });
  return written;
}

import type { CharacterBook, CharacterBookEntry } from "../cards/character.ts";
import { LorebookFormatError, type LoreEntry, type Lorebook } from "./model.ts";
import { ImportNotes } from "./importNotes.ts";
import { readWorldInfoEntry, type FieldSite } from "./worldInfo.ts";

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
  ["constant", "constant"], ["comment", "comment"],
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
const TOP_CARD = new Set([...TOP.map(([, c]) => c), "enabled", "position", "extensions", "case_sensitive"]);
const EXT_CARD = new Set([...EXT.map(([, c]) => c), ...EXTRA_EXT.map(([, c]) => c), "case_sensitive"]);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** An entry's uid: its numeric `id`, else its place in the list (as SillyTavern numbers it). */
function entryUid(raw: Record<string, unknown>, index: number): number {
  if (typeof raw.id === "number" && Number.isInteger(raw.id)) return raw.id;
  return typeof raw.id === "string" && /^\d+$/.test(raw.id) ? Number(raw.id) : index;
}

/**
 * What a card entry's missing or empty fields mean, as SillyTavern converts a card's book
 * into World Info: no `selective` is false (secondary keys ignored), no `enabled` is a
 * switched-off entry, no `position` anywhere is after the character.
 */
function cardDefaults(raw: Record<string, unknown>, ext: Record<string, unknown>, site: FieldSite): Partial<LoreEntry> {
  const out: Partial<LoreEntry> = { selective: false, useProbability: true };
  if (raw.enabled === undefined || raw.enabled === null) site.notes.add(site.entry, "enabled", "missing: the entry is off (SillyTavern imports it switched off)");
  if (raw.insertion_order === undefined) site.notes.add(site.entry, "insertion_order", "missing, read as 100 (SillyTavern's default)");
  if (!Array.isArray(raw.keys) && raw.keys === undefined && raw.constant !== true) site.notes.add(site.entry, "keys", "missing: the entry never fires (it has no keys and is not constant)");
  if ((ext.position === undefined || ext.position === null) && raw.position !== "before_char") {
    out.position = 1;
    if (raw.position !== "after_char") site.notes.add(site.entry, "position", "missing, read as after the character (as SillyTavern reads it)");
  }
  if (raw.case_sensitive !== undefined && raw.case_sensitive !== null && raw.case_sensitive !== (ext.case_sensitive ?? null)) {
    site.notes.add(site.entry, "case_sensitive", "not used: SillyTavern takes case sensitivity from extensions.case_sensitive only");
  }
  return out;
}

function readEntry(raw: unknown, index: number, notes: ImportNotes): LoreEntry | undefined {
  if (!isObject(raw)) {
    notes.add(index, "(entry)", `${JSON.stringify(raw)?.slice(0, 40)} is not an entry object; left out`);
    return undefined;
  }
  const extRaw = raw.extensions;
  const ext = isObject(extRaw) ? extRaw : {};
  const cardName = new Map<string, string>([...TOP.map(([mine, card]) => [mine, card] as [string, string]), ...EXT.map(([mine, card]) => [mine, `extensions.${card}`] as [string, string])]);
  const site: FieldSite = { notes, entry: index, name: (f) => cardName.get(f) ?? f };
  if (extRaw !== undefined && extRaw !== null && !isObject(extRaw)) notes.add(index, "extensions", `${JSON.stringify(extRaw)?.slice(0, 40)} is not an object; left out`);
  const wi: Record<string, unknown> = {};
  for (const [mine, card] of TOP) if (raw[card] !== undefined) wi[mine] = raw[card];
  // SillyTavern reads these with `||`: any empty value is the default, silently.
  for (const [mine, fallback] of [["keysecondary", []], ["comment", ""], ["constant", false], ["selective", false]] as const) {
    if (wi[mine] === null || wi[mine] === "" || wi[mine] === false || wi[mine] === 0) wi[mine] = fallback;
  }
  if (raw.position === "after_char") wi.position = 1;
  // Extension fields are read with `??`: null is the default. Said when the default is not itself null.
  for (const [mine, card] of EXT) if (ext[card] !== undefined) wi[mine] = ext[card];
  if (ext.case_sensitive !== undefined) wi.caseSensitive = ext.case_sensitive;
  const entry = readWorldInfoEntry(wi, entryUid(raw, index), site, cardDefaults(raw, ext, site));
  entry.disable = raw.enabled !== true && raw.enabled !== "true";
  if (raw.enabled !== undefined && raw.enabled !== null && typeof raw.enabled !== "boolean") {
    notes.add(index, "enabled", `${JSON.stringify(raw.enabled)?.slice(0, 40)}, read as ${!entry.disable}`);
  }
  for (const [k, v] of Object.entries(raw)) if (!TOP_CARD.has(k)) entry.extra[k] = v;
  // The spec's own field is written from the entry; one that disagrees with it is kept as it came.
  if (raw.case_sensitive !== undefined && raw.case_sensitive !== entry.caseSensitive) entry.extra.case_sensitive = raw.case_sensitive;
  for (const [mine, card] of EXTRA_EXT) if (ext[card] !== undefined) entry.extra[mine] = ext[card];
  const otherExt = Object.fromEntries(Object.entries(ext).filter(([k]) => !EXT_CARD.has(k)));
  if (Object.keys(otherExt).length) entry.extra.extensions = otherExt;
  return entry;
}

/**
 * Reads a card's `character_book` into the internal model, as SillyTavern converts one
 * when the card's book is imported: leniently, with what was repaired in `warnings`.
 * Only a book that is not an object with a list of entries is refused (LorebookFormatError).
 */
export function parseCharacterBook(json: unknown, options: { file: string; name: string }): Lorebook {
  const { book, notes } = readCharacterBook(json, options);
  if (notes.size) book.warnings = notes.lines(options.file, "character_book entries");
  return book;
}

/**
 * What reading a card's book the way a chat uses it repairs, as (where, what) pairs, for
 * the card's own warnings ("character_book entries 0-3: extensions.probability").
 */
export function characterBookRepairs(json: unknown): { where: string; message: string }[] {
  try {
    return readCharacterBook(json, { file: "", name: "" }).notes.grouped("character_book entries");
  } catch (error) {
    return [{ where: "character_book", message: `${(error as Error).message.replace(/^: /, "")}; the book is not used` }];
  }
}

function readCharacterBook(json: unknown, options: { file: string; name: string }): { book: Lorebook; notes: ImportNotes } {
  const { file } = options;
  if (!isObject(json)) throw new LorebookFormatError(file, "character_book", "expected an object");
  if (!Array.isArray(json.entries)) throw new LorebookFormatError(file, "character_book.entries", "expected a list");
  const notes = new ImportNotes();
  const entries: LoreEntry[] = [];
  const seen = new Set<number>();
  json.entries.forEach((raw, i) => {
    const entry = readEntry(raw, i, notes);
    if (!entry) return;
    if (seen.has(entry.uid)) notes.add(i, "id", `${entry.uid} is used by an earlier entry too (SillyTavern would keep only the last); both kept`);
    seen.add(entry.uid);
    entries.push(entry);
  });
  const { entries: _e, ...extra } = json;
  const name = typeof extra.name === "string" && extra.name ? extra.name : options.name;
  return { book: { name, entries, extra }, notes };
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
  if (out.case_sensitive === undefined && e.caseSensitive !== null) out.case_sensitive = e.caseSensitive;
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
      const parsed = readEntry(raw, i, new ImportNotes());
      if (parsed && !before.has(parsed.uid)) before.set(parsed.uid, { raw, parsed });
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

import { ImportNotes, quoted } from "./importNotes.ts";
import { defaultEntry, LorebookFormatError, type LoreEntry, type Lorebook } from "./model.ts";

/** Fields the model knows, in SillyTavern's names; anything else goes to `extra`. */
const KNOWN = Object.keys(defaultEntry(0)).filter((k) => k !== "extra");

type Kind = "strings" | "string" | "bool" | "int" | "intOrNull" | "boolOrNull" | "level";
const KINDS: Record<string, Kind> = {
  uid: "int", key: "strings", keysecondary: "strings", comment: "string", content: "string",
  constant: "bool", selective: "bool", selectiveLogic: "int", order: "int", position: "int",
  disable: "bool", excludeRecursion: "bool", preventRecursion: "bool",
  delayUntilRecursion: "level", probability: "int", useProbability: "bool", depth: "int",
  group: "string", groupOverride: "bool", groupWeight: "int", scanDepth: "intOrNull",
  caseSensitive: "boolOrNull", matchWholeWords: "boolOrNull", useGroupScoring: "boolOrNull", automationId: "string",
  role: "int", sticky: "intOrNull", cooldown: "intOrNull", delay: "intOrNull",
};

/** Where an entry's fields are reported: its number, and each field's name in the source file. */
export interface FieldSite {
  notes: ImportNotes;
  entry: number;
  /** The field's name as the file spells it ("extensions.probability" in a card). */
  name: (field: string) => string;
}

const numeric = (v: unknown): number | undefined => {
  if (typeof v === "number") return Number.isFinite(v) ? v : undefined;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  return undefined;
};

function boolText(v: unknown): boolean | undefined {
  if (typeof v !== "string") return undefined;
  const t = v.trim().toLowerCase();
  return t === "true" ? true : t === "false" ? false : undefined;
}

/**
 * Reads one field leniently, as SillyTavern accepts it: null and wrong types are read as
 * the default (or as SillyTavern's code would read them) and the repair is noted; nothing
 * here refuses the book.
 */
function coerce(kind: Kind, v: unknown, fallback: unknown, site: FieldSite, field: string): unknown {
  const note = (message: string) => site.notes.add(site.entry, site.name(field), message);
  switch (kind) {
    case "strings": {
      if (v === null) { note("null, read as an empty list"); return []; }
      if (typeof v === "string") { note(`text ${quoted(v)}, read as a one-item list`); return v ? [v] : []; }
      if (!Array.isArray(v)) { note(`${quoted(v)} is not a list; left out`); return []; }
      const out: string[] = [];
      for (const item of v) {
        if (typeof item === "string") out.push(item);
        else if (typeof item === "number" || typeof item === "boolean") { note(`${quoted(item)} in the list read as text`); out.push(String(item)); }
        else note(`${quoted(item)} in the list is not text; left out`);
      }
      return out;
    }
    case "string":
      if (typeof v === "string") return v;
      if (v === null) { note("null, read as empty text"); return ""; }
      if (typeof v === "number" || typeof v === "boolean") { note(`${quoted(v)} read as text`); return String(v); }
      note(`${quoted(v)} is not text; left out`);
      return "";
    case "bool": {
      if (typeof v === "boolean") return v;
      const text = boolText(v);
      if (text !== undefined) { note(`text ${quoted(v)}, read as ${text}`); return text; }
      if (v === null) { note(`null, read as ${fallback}`); return fallback; }
      // Anything else counts as SillyTavern's code counts it: by JavaScript truthiness.
      note(`${quoted(v)}, read as ${Boolean(v)}`);
      return Boolean(v);
    }
    case "boolOrNull": {
      if (v === null || typeof v === "boolean") return v;
      const text = boolText(v);
      if (text !== undefined) { note(`text ${quoted(v)}, read as ${text}`); return text; }
      note(`${quoted(v)} is not true, false or null; read as null (the global setting decides)`);
      return null;
    }
    case "level":
      // SillyTavern writes false/true for "no delay"/"level 1", or a level number.
      if (typeof v === "boolean") return v ? 1 : 0;
      return coerce("int", v, fallback, site, field);
    case "int":
    case "intOrNull": {
      if (typeof v === "number" && Number.isFinite(v)) return v;
      if (v === null) {
        if (kind === "intOrNull") return null;
        note(`null, read as ${fallback} (SillyTavern's default)`);
        return fallback;
      }
      const n = numeric(v);
      if (n !== undefined) { note(`text ${quoted(v)}, read as the number ${n}`); return n; }
      const to = kind === "intOrNull" ? "null (the global setting decides)" : `${fallback} (SillyTavern's default)`;
      note(`${quoted(v)} is not a number; read as ${to}`);
      return kind === "intOrNull" ? null : fallback;
    }
  }
}

/**
 * Reads one entry object in World Info field names (also used for card entries, whose
 * fields arrive renamed). `defaults` are what a missing field means where that differs
 * from a new entry's defaults.
 */
export function readWorldInfoEntry(raw: Record<string, unknown>, uid: number, site: FieldSite, defaults: Partial<LoreEntry> = {}): LoreEntry {
  const base = { ...defaultEntry(uid), ...defaults };
  const e = { ...base } as unknown as Record<string, unknown>;
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    const kind = KINDS[k];
    if (!kind) { extra[k] = v; continue; }
    if (v === undefined || k === "uid") continue;
    e[k] = coerce(kind, v, (base as unknown as Record<string, unknown>)[k], site, k);
  }
  e.extra = extra;
  return e as unknown as LoreEntry;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A World Info entry's uid: its own when numeric, else its key in `entries`, else its place. */
function worldInfoUid(raw: Record<string, unknown>, id: string, index: number, site: FieldSite): number {
  const own = numeric(raw.uid);
  if (own !== undefined && Number.isInteger(own)) return own;
  const fromKey = numeric(id);
  const uid = fromKey !== undefined && Number.isInteger(fromKey) ? fromKey : index;
  if (raw.uid !== undefined) site.notes.add(site.entry, "uid", `${quoted(raw.uid)} is not a whole number; read as ${uid}`);
  return uid;
}

/**
 * What a field left out of a World Info file means in SillyTavern's activation code, where
 * that differs from a new entry's defaults: a missing `selective` is false (secondary keys
 * are ignored), a missing `useProbability` is false (no roll).
 */
function missingWorldInfo(raw: Record<string, unknown>, site: FieldSite): Partial<LoreEntry> {
  const out: Partial<LoreEntry> = {};
  if (raw.selective === undefined) {
    out.selective = false;
    if (Array.isArray(raw.keysecondary) && raw.keysecondary.some((k) => typeof k === "string" && k !== "")) {
      site.notes.add(site.entry, "selective", "missing: the secondary keys are not checked (as in SillyTavern)");
    }
  }
  if (raw.useProbability === undefined) {
    out.useProbability = false;
    const p = numeric(raw.probability);
    if (p !== undefined && p < 100) site.notes.add(site.entry, "useProbability", `missing: probability ${p}% is not rolled (as in SillyTavern)`);
  }
  if (raw.order === undefined) site.notes.add(site.entry, "order", "missing, read as 100 (SillyTavern's default)");
  if (raw.position === undefined) site.notes.add(site.entry, "position", "missing, read as 0 (before the character)");
  return out;
}

/**
 * Parses SillyTavern World Info JSON (`{entries: {uid: entry}}`, or a list of entries)
 * leniently: every value SillyTavern accepts is read, what had to be repaired or left
 * out is in the book's `warnings`. Only a file that is no lorebook at all is refused
 * (LorebookFormatError).
 */
export function parseWorldInfo(json: unknown, options: { file: string; name: string }): Lorebook {
  const { file } = options;
  if (!isObject(json)) throw new LorebookFormatError(file, "(root)", "expected a JSON object");
  const rawEntries = json.entries;
  if (!isObject(rawEntries) && !Array.isArray(rawEntries)) {
    throw new LorebookFormatError(file, "entries", "expected an object keyed by uid");
  }
  const notes = new ImportNotes();
  const entries: LoreEntry[] = [];
  Object.entries(rawEntries).forEach(([id, raw], index) => {
    const label = numeric(id) ?? index;
    const site: FieldSite = { notes, entry: label, name: (f) => f };
    if (!isObject(raw)) {
      notes.add(label, "(entry)", `${quoted(raw)} is not an entry object; left out`);
      return;
    }
    const uid = worldInfoUid(raw, id, index, site);
    entries.push(readWorldInfoEntry(raw, uid, site, missingWorldInfo(raw, site)));
  });
  const { entries: _e, ...rest } = json;
  const name = typeof rest.name === "string" && rest.name ? rest.name : options.name;
  const book: Lorebook = { name, entries, extra: rest };
  if (notes.size) book.warnings = notes.lines(file);
  return book;
}

export function entryToWorldInfo(e: LoreEntry): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of KNOWN) out[k] = (e as unknown as Record<string, unknown>)[k];
  return { ...out, ...e.extra };
}

/** Serialises to SillyTavern World Info JSON, every field written. */
export function toWorldInfo(book: Lorebook): Record<string, unknown> {
  const entries: Record<string, unknown> = {};
  for (const e of book.entries) entries[String(e.uid)] = entryToWorldInfo(e);
  return { ...book.extra, entries };
}

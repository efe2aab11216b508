import { defaultEntry, LorebookFormatError, type LoreEntry, type Lorebook } from "./model.ts";

/** Fields the model knows, in SillyTavern's names; anything else goes to `extra`. */
const KNOWN = Object.keys(defaultEntry(0)).filter((k) => k !== "extra");

type Kind = "strings" | "string" | "bool" | "int" | "intOrNull" | "boolOrNull" | "level" | "role";
const KINDS: Record<string, Kind> = {
  uid: "int", key: "strings", keysecondary: "strings", comment: "string", content: "string",
  constant: "bool", selective: "bool", selectiveLogic: "int", order: "int", position: "int",
  disable: "bool", excludeRecursion: "bool", preventRecursion: "bool",
  delayUntilRecursion: "level", probability: "int", useProbability: "bool", depth: "int",
  group: "string", groupOverride: "bool", groupWeight: "int", scanDepth: "intOrNull",
  caseSensitive: "boolOrNull", matchWholeWords: "boolOrNull", useGroupScoring: "boolOrNull", automationId: "string",
  role: "role", sticky: "intOrNull", cooldown: "intOrNull", delay: "intOrNull",
};

function coerce(kind: Kind, v: unknown, file: string, field: string): unknown {
  const bad = (what: string) => new LorebookFormatError(file, field, `expected ${what}, got ${JSON.stringify(v)?.slice(0, 40)}`);
  switch (kind) {
    case "strings":
      if (typeof v === "string") return v ? [v] : [];
      if (!Array.isArray(v) || v.some((s) => typeof s !== "string")) throw bad("a list of strings");
      return v;
    case "string":
      if (typeof v !== "string") throw bad("a string");
      return v;
    case "bool":
      if (typeof v !== "boolean") throw bad("true or false");
      return v;
    case "boolOrNull":
      if (v !== null && typeof v !== "boolean") throw bad("true, false or null");
      return v;
    case "level":
      // SillyTavern writes false/true for "no delay"/"level 1", or a level number.
      if (typeof v === "boolean") return v ? 1 : 0;
      return coerce("int", v, file, field);
    case "role":
      return v === null ? 0 : coerce("int", v, file, field);
    case "int":
    case "intOrNull": {
      if (v === null && kind === "intOrNull") return null;
      // SillyTavern-style books sometimes carry numbers as strings ("4").
      const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
      if (typeof n !== "number" || !Number.isFinite(n)) throw bad(kind === "int" ? "a number" : "a number or null");
      return n;
    }
  }
}

/** Reads one entry object in World Info field names (also used for card extensions). */
export function readWorldInfoEntry(raw: Record<string, unknown>, uid: number, file: string, where: string): LoreEntry {
  const e = defaultEntry(uid) as unknown as Record<string, unknown>;
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    const kind = KINDS[k];
    if (!kind) { extra[k] = v; continue; }
    if (v === undefined) continue;
    e[k] = coerce(kind, v, file, `${where}.${k}`);
  }
  e.extra = extra;
  return e as unknown as LoreEntry;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Parses SillyTavern World Info JSON (`{entries: {uid: entry}}`). Throws LorebookFormatError. */
export function parseWorldInfo(json: unknown, options: { file: string; name: string }): Lorebook {
  const { file } = options;
  if (!isObject(json)) throw new LorebookFormatError(file, "(root)", "expected a JSON object");
  const rawEntries = json.entries;
  if (!isObject(rawEntries) && !Array.isArray(rawEntries)) {
    throw new LorebookFormatError(file, "entries", "expected an object keyed by uid");
  }
  const entries: LoreEntry[] = [];
  for (const [id, raw] of Object.entries(rawEntries)) {
    if (!isObject(raw)) throw new LorebookFormatError(file, `entries.${id}`, "expected an object");
    const uid = raw.uid ?? id;
    const entry = readWorldInfoEntry({ ...raw, uid }, Number(id), file, `entries.${id}`);
    entries.push(entry);
  }
  const { entries: _e, ...rest } = json;
  const name = typeof rest.name === "string" && rest.name ? rest.name : options.name;
  return { name, entries, extra: rest };
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

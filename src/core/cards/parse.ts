import { depthProblem } from "../text/jsonDepth.ts";
import type { Character, CharacterAsset, CharacterBook, CharacterBookEntry } from "./character.ts";
import { CardFormatError, type CardWarning } from "./errors.ts";
import { characterBookRepairs } from "../lorebook/characterBook.ts";
import { V1_FIELDS, type CardSpec, type CharacterCard } from "./record.ts";

export interface ParseCardOptions {
  /** Shown in errors and warnings: the file the card came from. */
  source: string;
  /**
   * Record fields of the wrong type that cannot be repaired in `refusals` (reading on with
   * an empty value) instead of refusing the card at the first: for lint, which reports them all.
   */
  collectRefusals?: boolean;
}

export interface ParsedCard {
  card: CharacterCard;
  warnings: CardWarning[];
  /** Only with collectRefusals: what would have refused the card. */
  refusals?: CardWarning[];
}

const STRING_FIELDS = [
  "name", "description", "personality", "scenario", "first_mes", "mes_example", "creator_notes",
  "system_prompt", "post_history_instructions", "creator", "character_version",
] as const;
const ARRAY_FIELDS = ["alternate_greetings", "tags"] as const;
const KNOWN_DATA_KEYS = new Set<string>([
  ...STRING_FIELDS, ...ARRAY_FIELDS, "extensions", "character_book", "nickname", "creator_notes_multilingual",
  "source", "group_only_greetings", "creation_date", "modification_date", "assets",
]);

type Obj = Record<string, unknown>;

export function isObject(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function kind(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** Reads field values, repairing what can be repaired and refusing the rest. */
class FieldReader {
  readonly warnings: CardWarning[] = [];
  readonly refusals: CardWarning[] = [];
  constructor(readonly source: string, readonly collect = false) {}

  warn(field: string, message: string): void {
    this.warnings.push({ field, message });
  }

  fail(field: string, problem: string): never {
    throw new CardFormatError(this.source, problem, field);
  }

  /** A field that cannot be repaired: refuses the card, or in collect mode records it and reads on. */
  refuse<T>(field: string, problem: string, fallback: T): T {
    if (!this.collect) this.fail(field, problem);
    this.refusals.push({ field, message: problem });
    return fallback;
  }

  text(value: unknown, field: string): string {
    if (typeof value === "string") return value;
    if (value === undefined || value === null) return "";
    if (typeof value === "number" || typeof value === "boolean") {
      this.warn(field, `expected text, got ${kind(value)}; converted`);
      return String(value);
    }
    return this.refuse(field, `expected text, got ${kind(value)}`, "");
  }

  textList(value: unknown, field: string): string[] {
    if (value === undefined || value === null) return [];
    if (typeof value === "string") {
      this.warn(field, "expected a list, got text; wrapped in a list");
      return value === "" ? [] : [value];
    }
    if (!Array.isArray(value)) return this.refuse(field, `expected a list of text, got ${kind(value)}`, []);
    return value.map((item, i) => this.text(item, `${field}[${i}]`));
  }

  number(value: unknown, field: string): number | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value === "number" && Number.isFinite(value)) return value;
    if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) {
      this.warn(field, `expected a number, got text "${value}"; converted`);
      return Number(value);
    }
    return this.refuse(field, `expected a number, got ${kind(value)}`, undefined);
  }

  bool(value: unknown, field: string): boolean | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value === "boolean") return value;
    if (value === "true" || value === "false" || value === 0 || value === 1) {
      this.warn(field, `expected true/false, got ${JSON.stringify(value)}; converted`);
      return value === "true" || value === 1;
    }
    return this.refuse(field, `expected true/false, got ${kind(value)}`, undefined);
  }

  object(value: unknown, field: string): Obj {
    if (isObject(value)) return value;
    if (value === undefined || value === null) return {};
    return this.refuse(field, `expected an object, got ${kind(value)}`, {});
  }
}

function specOf(top: Obj, r: FieldReader): CardSpec {
  if (top.spec === "chara_card_v3") return "v3";
  if (top.spec === "chara_card_v2") return "v2";
  if (isObject(top.data)) {
    if (top.spec !== undefined) r.warn("spec", `unknown spec ${JSON.stringify(top.spec)}; read as V2`);
    return "v2";
  }
  if (typeof top.name === "string" || typeof top.first_mes === "string" || typeof top.description === "string") {
    return "v1";
  }
  return r.fail("spec", "not a character card (no spec, no data, no name)");
}

/** Parses card JSON (already decoded from text) of any supported version. */
export function parseCardObject(json: unknown, options: ParseCardOptions): ParsedCard {
  const r = new FieldReader(options.source, options.collectRefusals);
  if (!isObject(json)) {
    throw new CardFormatError(options.source, `not a character card: the JSON is ${kind(json)}, not an object`);
  }
  const tooDeep = depthProblem(json);
  if (tooDeep) throw new CardFormatError(options.source, tooDeep);
  const spec = specOf(json, r);
  let data = spec === "v1" ? json : (json.data as Obj);
  if (spec !== "v1") {
    // Some writers fill only the V1 copies at the top; a field missing from data is taken from there.
    const missing = V1_FIELDS.filter((f) => data[f] === undefined && typeof json[f] === "string" && json[f] !== "");
    if (missing.length > 0) data = { ...data, ...Object.fromEntries(missing.map((f) => [f, json[f]])) };
    for (const f of missing) r.warn(`data.${f}`, `missing from data; taken from the top-level ${f}`);
  }
  const prefix = spec === "v1" ? "" : "data.";
  const character = readCharacter(data, prefix, spec, r);
  const extraTop: Obj = {};
  for (const [key, value] of Object.entries(json)) {
    if (key === "spec" || key === "spec_version" || key === "data") continue;
    if ((V1_FIELDS as readonly string[]).includes(key)) continue;
    extraTop[key] = value;
  }
  if (spec === "v1") {
    for (const key of KNOWN_DATA_KEYS) if (key !== "extensions" || isObject(json.extensions)) delete extraTop[key];
  }
  const extraData: Obj = {};
  if (spec !== "v1") {
    for (const [key, value] of Object.entries(data)) if (!KNOWN_DATA_KEYS.has(key)) extraData[key] = value;
  }
  const card: CharacterCard = {
    spec,
    specName: typeof json.spec === "string" ? json.spec : "",
    specVersion: typeof json.spec_version === "string" ? json.spec_version : json.spec_version === undefined ? "" : String(json.spec_version),
    character,
    extraTop,
    extraData,
  };
  if (character.name.trim() === "") r.warn(`${prefix}name`, "the card has no name");
  // The book as a chat reads it (SillyTavern's defaults for its entries): what that repairs is said here too.
  if (character.character_book) for (const w of characterBookRepairs(character.character_book)) r.warn(w.where, w.message);
  return options.collectRefusals ? { card, warnings: r.warnings, refusals: r.refusals } : { card, warnings: r.warnings };
}

/** Parses card JSON text; bad JSON is a CardFormatError naming the source. */
export function parseCardJson(text: string, options: ParseCardOptions): ParsedCard {
  let json: unknown;
  try {
    json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    throw new CardFormatError(options.source, `not valid JSON (${(error as Error).message.split("\n")[0]})`);
  }
  return parseCardObject(json, options);
}

function readCharacter(data: Obj, p: string, spec: CardSpec, r: FieldReader): Character {
  const c = {} as Character;
  for (const f of STRING_FIELDS) c[f] = r.text(data[f], p + f);
  for (const f of ARRAY_FIELDS) {
    // V1 had no lists; V2 and V3 require them, so one left out is repaired, and said so.
    if (spec !== "v1" && (data[f] === undefined || data[f] === null)) r.warn(p + f, "missing (the spec requires a list); an empty list is used");
    c[f] = r.textList(data[f], p + f);
  }
  // A V1 file's `extensions` is only ours when it is an object; anything else stays an unknown key.
  c.extensions = spec === "v1" ? (isObject(data.extensions) ? data.extensions : {}) : r.object(data.extensions, `${p}extensions`);
  if (data.character_book !== undefined && data.character_book !== null) {
    const book = readBook(data.character_book, `${p}character_book`, r);
    if (book) c.character_book = book;
  }
  if (data.nickname !== undefined) c.nickname = r.text(data.nickname, `${p}nickname`);
  if (data.creator_notes_multilingual !== undefined) {
    const ml = r.object(data.creator_notes_multilingual, `${p}creator_notes_multilingual`);
    c.creator_notes_multilingual = Object.fromEntries(
      Object.entries(ml).map(([lang, text]) => [lang, r.text(text, `${p}creator_notes_multilingual.${lang}`)]),
    );
  }
  if (data.source !== undefined) c.source = r.textList(data.source, `${p}source`);
  // An empty list and no list mean the same; keeping only non-empty ones lets V2 -> V3 -> V2 compare equal.
  const groupGreetings = r.textList(data.group_only_greetings, `${p}group_only_greetings`);
  if (groupGreetings.length > 0) c.group_only_greetings = groupGreetings;
  for (const f of ["creation_date", "modification_date"] as const) {
    const n = r.number(data[f], p + f);
    if (n !== undefined) c[f] = n;
  }
  if (data.assets !== undefined) c.assets = readAssets(data.assets, `${p}assets`, r);
  return c;
}

function readAssets(value: unknown, field: string, r: FieldReader): CharacterAsset[] {
  if (value === null) return [];
  if (!Array.isArray(value)) return r.refuse(field, `expected a list of assets, got ${kind(value)}`, []);
  return value.map((item, i) => {
    const a = r.object(item, `${field}[${i}]`);
    return {
      ...a,
      type: r.text(a.type, `${field}[${i}].type`),
      uri: r.text(a.uri, `${field}[${i}].uri`),
      name: r.text(a.name, `${field}[${i}].name`),
      ext: r.text(a.ext, `${field}[${i}].ext`),
    };
  });
}

/**
 * The card's lorebook, read as leniently as SillyTavern reads it: an entry or field of the
 * wrong kind is repaired or left out with a warning, never the reason a card is refused.
 */
function readBook(value: unknown, field: string, r: FieldReader): CharacterBook | undefined {
  if (!isObject(value)) {
    r.warn(field, `expected a lorebook object, got ${kind(value)}; the book is left out`);
    return undefined;
  }
  const b = value;
  const book: CharacterBook = { ...b, extensions: isObject(b.extensions) ? b.extensions : {}, entries: [] };
  if (b.extensions !== undefined && b.extensions !== null && !isObject(b.extensions)) r.warn(`${field}.extensions`, `expected an object, got ${kind(b.extensions)}; left out`);
  for (const key of ["scan_depth", "token_budget"] as const) {
    if (b[key] !== undefined) book[key] = softNumber(b[key], `${field}.${key}`, r);
  }
  if (b.recursive_scanning !== undefined) book.recursive_scanning = softBool(b.recursive_scanning, `${field}.recursive_scanning`, r);
  const entries = b.entries === undefined || b.entries === null ? [] : b.entries;
  if (!Array.isArray(entries)) {
    r.warn(`${field}.entries`, `expected a list, got ${kind(entries)}; the book has no entries`);
    return book;
  }
  entries.forEach((e, i) => {
    const entry = readEntry(e, `${field}.entries[${i}]`, r);
    if (entry) book.entries.push(entry);
  });
  return book;
}

function softNumber(value: unknown, field: string, r: FieldReader): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) {
    r.warn(field, `expected a number, got text "${value}"; converted`);
    return Number(value);
  }
  r.warn(field, `expected a number, got ${kind(value)}; left out`);
  return undefined;
}

function softBool(value: unknown, field: string, r: FieldReader): boolean | undefined {
  if (value === undefined || value === null || typeof value === "boolean") return value ?? undefined;
  if (value === "true" || value === "false" || value === 0 || value === 1) {
    r.warn(field, `expected true/false, got ${JSON.stringify(value)}; converted`);
    return value === "true" || value === 1;
  }
  r.warn(field, `expected true/false, got ${kind(value)}; left out`);
  return undefined;
}

function softTextList(value: unknown, field: string, r: FieldReader): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === "string") {
    r.warn(field, "expected a list, got text; wrapped in a list");
    return value === "" ? [] : [value];
  }
  if (!Array.isArray(value)) {
    r.warn(field, `expected a list of text, got ${kind(value)}; left out`);
    return [];
  }
  const out: string[] = [];
  value.forEach((item, i) => {
    if (typeof item === "string") out.push(item);
    else if (typeof item === "number" || typeof item === "boolean") { r.warn(`${field}[${i}]`, `expected text, got ${kind(item)}; converted`); out.push(String(item)); }
    else r.warn(`${field}[${i}]`, `expected text, got ${kind(item)}; left out`);
  });
  return out;
}

function softText(value: unknown, field: string, r: FieldReader): string {
  if (typeof value === "string") return value;
  if (value === undefined || value === null) return "";
  if (typeof value === "number" || typeof value === "boolean") {
    r.warn(field, `expected text, got ${kind(value)}; converted`);
    return String(value);
  }
  r.warn(field, `expected text, got ${kind(value)}; left out`);
  return "";
}

/**
 * One book entry. What SillyTavern does with a missing field is kept: an entry without
 * `enabled` is imported switched off, one without `insertion_order` gets order 100.
 */
function readEntry(value: unknown, field: string, r: FieldReader): CharacterBookEntry | undefined {
  if (!isObject(value)) {
    r.warn(field, `expected an entry object, got ${kind(value)}; the entry is left out`);
    return undefined;
  }
  const e = value;
  if (e.keys === undefined && e.constant !== true) r.warn(`${field}.keys`, "missing: the entry has no keys and never fires");
  let enabled = softBool(e.enabled, `${field}.enabled`, r);
  if (enabled === undefined) {
    r.warn(`${field}.enabled`, "missing: the entry is imported switched off, as SillyTavern does");
    enabled = false;
  }
  let order = softNumber(e.insertion_order, `${field}.insertion_order`, r);
  if (order === undefined) {
    r.warn(`${field}.insertion_order`, "missing: read as 100, SillyTavern's default order");
    order = 100;
  }
  if (e.extensions !== undefined && e.extensions !== null && !isObject(e.extensions)) r.warn(`${field}.extensions`, `expected an object, got ${kind(e.extensions)}; left out`);
  const entry: CharacterBookEntry = {
    ...e,
    keys: softTextList(e.keys, `${field}.keys`, r),
    content: softText(e.content, `${field}.content`, r),
    extensions: isObject(e.extensions) ? e.extensions : {},
    enabled,
    insertion_order: order,
  };
  for (const key of ["case_sensitive", "use_regex", "constant", "selective"] as const) {
    if (e[key] !== undefined && e[key] !== null) entry[key] = softBool(e[key], `${field}.${key}`, r);
  }
  if (e.priority !== undefined && e.priority !== null) entry.priority = softNumber(e.priority, `${field}.priority`, r);
  if (e.secondary_keys !== undefined && e.secondary_keys !== null) entry.secondary_keys = softTextList(e.secondary_keys, `${field}.secondary_keys`, r);
  return entry;
}

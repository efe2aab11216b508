import { depthProblem } from "../text/jsonDepth.ts";
import type { Character, CharacterAsset, CharacterBook, CharacterBookEntry } from "./character.ts";
import { CardFormatError, type CardWarning } from "./errors.ts";
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
    c.character_book = readBook(data.character_book, `${p}character_book`, r);
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

function readBook(value: unknown, field: string, r: FieldReader): CharacterBook {
  const b = r.object(value, field);
  const book: CharacterBook = { ...b, extensions: r.object(b.extensions, `${field}.extensions`), entries: [] };
  for (const key of ["scan_depth", "token_budget"] as const) {
    if (b[key] !== undefined) book[key] = r.number(b[key], `${field}.${key}`);
  }
  if (b.recursive_scanning !== undefined) book.recursive_scanning = r.bool(b.recursive_scanning, `${field}.recursive_scanning`);
  const entries = b.entries === undefined || b.entries === null ? [] : b.entries;
  if (!Array.isArray(entries)) return r.refuse(`${field}.entries`, `expected a list, got ${kind(entries)}`, book);
  book.entries = entries.map((e, i) => readEntry(e, `${field}.entries[${i}]`, r));
  return book;
}

function readEntry(value: unknown, field: string, r: FieldReader): CharacterBookEntry {
  const e = r.object(value, field);
  const entry: CharacterBookEntry = {
    ...e,
    keys: r.textList(e.keys, `${field}.keys`),
    content: r.text(e.content, `${field}.content`),
    extensions: r.object(e.extensions, `${field}.extensions`),
    enabled: r.bool(e.enabled, `${field}.enabled`) ?? true,
    insertion_order: r.number(e.insertion_order, `${field}.insertion_order`) ?? 0,
  };
  for (const key of ["case_sensitive", "use_regex", "constant", "selective"] as const) {
    if (e[key] !== undefined) entry[key] = r.bool(e[key], `${field}.${key}`);
  }
  if (e.priority !== undefined) entry.priority = r.number(e.priority, `${field}.priority`);
  if (e.secondary_keys !== undefined) entry.secondary_keys = r.textList(e.secondary_keys, `${field}.secondary_keys`);
  return entry;
}

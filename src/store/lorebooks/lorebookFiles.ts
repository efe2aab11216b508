import { depthProblem } from "../../core/text/jsonDepth.ts";
import { readFile, readdir, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseCharacterBook, toCharacterBook } from "../../core/lorebook/characterBook.ts";
import { addEntry, emptyLorebook, removeEntry, updateEntry } from "../../core/lorebook/edit.ts";
import { LorebookFormatError, type LoreEntry, type Lorebook } from "../../core/lorebook/model.ts";
import { parseWorldInfo, toWorldInfo } from "../../core/lorebook/worldInfo.ts";
import { writeFileAtomic } from "../atomicWrite.ts";
import { readCardFile } from "../cards/cardFiles.ts";
import { dataDir, dataPaths } from "../paths.ts";

/** Sample books shipped in the repository's `lorebooks/`. */
export const SAMPLE_LOREBOOKS_DIR = fileURLToPath(new URL("../../../lorebooks/", import.meta.url));
/** Lorebook files bigger than this are refused before parsing. */
export const MAX_LOREBOOK_BYTES = 64 * 1024 * 1024;

export type LorebookSource = "user" | "sample";
export interface StoredLorebook { book: Lorebook; file: string; source: LorebookSource }

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Accepts World Info JSON, a bare character_book, or a card JSON holding one. */
export function parseLorebookJson(json: unknown, file: string): Lorebook {
  const name = basename(file).replace(/\.json$/i, "");
  const tooDeep = depthProblem(json);
  if (tooDeep) throw new LorebookFormatError(file, "(file)", tooDeep);
  if (isObject(json) && isObject(json.data) && typeof json.spec === "string") {
    const cb = json.data.character_book;
    if (!isObject(cb)) throw new LorebookFormatError(file, "data.character_book", "this card has no lorebook");
    const cardName = typeof json.data.name === "string" ? json.data.name : name;
    return parseCharacterBook(cb, { file, name: typeof cb.name === "string" && cb.name ? cb.name : cardName });
  }
  if (isObject(json) && Array.isArray(json.entries)) return parseCharacterBook(json, { file, name });
  return parseWorldInfo(json, { file, name });
}

export async function readLorebookFile(file: string): Promise<Lorebook> {
  if (/\.(png|charx)$/i.test(file)) return readCardBookFile(file);
  const info = await stat(file);
  if (info.size > MAX_LOREBOOK_BYTES) throw new LorebookFormatError(file, "(file)", `larger than ${MAX_LOREBOOK_BYTES} bytes`);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, "utf8"));
  } catch (err) {
    throw new LorebookFormatError(file, "(file)", `not valid JSON: ${(err as Error).message.split("\n")[0]}`);
  }
  return parseLorebookJson(json, file);
}

/** The book inside a card file (PNG or CharX), named like the card's book or after the card. */
async function readCardBookFile(file: string): Promise<Lorebook> {
  const character = (await readCardFile(file)).card.character;
  if (!character.character_book) throw new LorebookFormatError(file, "character_book", "this card has no lorebook");
  const name = character.character_book.name || `${character.name || basename(file).replace(/\.\w+$/, "")}'s Lorebook`;
  return parseCharacterBook(character.character_book, { file, name });
}

async function readDir(dir: string, source: LorebookSource, unreadable?: string[]): Promise<StoredLorebook[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const out: StoredLorebook[] = [];
  for (const n of names.filter((f) => f.toLowerCase().endsWith(".json")).sort()) {
    const file = join(dir, n);
    try {
      out.push({ book: await readLorebookFile(file), file, source });
    } catch (error) {
      // A broken file must not hide the others; the lists say which one and why.
      unreadable?.push((error as Error).message);
    }
  }
  return out;
}

/** The lorebook files in the user's folder (and the samples) that cannot be read, one line each. */
export async function unreadableLorebooks(o: LorebookStoreOptions = {}): Promise<string[]> {
  const problems: string[] = [];
  await readDir(userDir(o), "user", problems);
  await readDir(o.samplesDir ?? SAMPLE_LOREBOOKS_DIR, "sample", problems);
  return problems;
}

export interface LorebookStoreOptions { env?: NodeJS.ProcessEnv; samplesDir?: string }

function userDir(o: LorebookStoreOptions): string {
  return dataPaths(dataDir(o.env ?? process.env)).lorebooks;
}

/** User books first, then samples whose names the user has not taken. */
export async function listLorebooks(o: LorebookStoreOptions = {}): Promise<StoredLorebook[]> {
  const user = await readDir(userDir(o), "user");
  const taken = new Set(user.map((s) => s.book.name.toLowerCase()));
  const samples = (await readDir(o.samplesDir ?? SAMPLE_LOREBOOKS_DIR, "sample")).filter((s) => !taken.has(s.book.name.toLowerCase()));
  return [...user, ...samples];
}

export interface LorebookSummary {
  name: string;
  entries: number;
  disabled: number;
  constant: number;
  source: LorebookSource;
  file: string;
  /** Named in the settings' globalLorebooks. */
  global: boolean;
  /** What reading the file repaired or left out (Lorebook.warnings). */
  warnings: string[];
}

/** What a book list shows: each book with its entry counts, and whether every chat uses it. */
export async function summarizeLorebooks(o: LorebookStoreOptions & { globalBooks?: string[] } = {}): Promise<LorebookSummary[]> {
  const global = new Set((o.globalBooks ?? []).map((n) => n.toLowerCase()));
  return (await listLorebooks(o)).map((s) => ({
    name: s.book.name,
    entries: s.book.entries.length,
    disabled: s.book.entries.filter((e) => e.disable).length,
    constant: s.book.entries.filter((e) => e.constant && !e.disable).length,
    source: s.source,
    file: s.file,
    global: global.has(s.book.name.toLowerCase()) || global.has(basename(s.file, ".json").toLowerCase()),
    warnings: s.book.warnings ?? [],
  }));
}

export async function getLorebook(name: string, o: LorebookStoreOptions = {}): Promise<StoredLorebook | undefined> {
  const all = await listLorebooks(o);
  const want = name.toLowerCase();
  return all.find((s) => s.book.name.toLowerCase() === want) ?? all.find((s) => basename(s.file, ".json").toLowerCase() === want);
}

function fileStem(name: string): string {
  return name.replace(/[^\p{L}\p{N} _.-]/gu, "_").replace(/^[.\s]+/, "").slice(0, 100) || "lorebook";
}

/**
 * Saves as SillyTavern World Info JSON (with the book's name), atomically: into the
 * user's books under its name, or over `file` (a book edited where it lies).
 */
export async function saveLorebook(book: Lorebook, o: LorebookStoreOptions & { file?: string } = {}): Promise<string> {
  const file = o.file ?? join(userDir(o), `${fileStem(book.name)}.json`);
  const text = JSON.stringify({ ...toWorldInfo(book), name: book.name }, null, 2) + "\n";
  // The reader's limit, checked before writing: a book saved larger could never be read back.
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_LOREBOOK_BYTES) {
    throw new LorebookFormatError(file, "(file)", `would be ${(bytes / 2 ** 20).toFixed(1)} MB saved, over the ${MAX_LOREBOOK_BYTES / 2 ** 20} MB a lorebook may be (${book.entries.length} entries); split it into smaller books`);
  }
  await writeFileAtomic(file, text);
  return file;
}

/**
 * Validates the whole file first: a failed import writes nothing. Names are made unique.
 * The same book imported again (a user book of its name with the same entries) is not
 * copied a second time: that book comes back, `alreadyImported`.
 */
export async function importLorebook(file: string, o: LorebookStoreOptions = {}): Promise<StoredLorebook & { alreadyImported?: boolean }> {
  const book = await readLorebookFile(file);
  // The entries alone: a saved book also carries its name, which the file imported may not.
  const entries = (b: Lorebook) => JSON.stringify(toWorldInfo(b).entries);
  const same = entries(book);
  const isCopy = (name: string) => name === book.name || (name.startsWith(`${book.name} (`) && /^ \(\d+\)$/.test(name.slice(book.name.length)));
  const existing = (await readDir(userDir(o), "user")).find((s) => isCopy(s.book.name) && entries(s.book) === same);
  if (existing) return { ...existing, alreadyImported: true };
  const saved = { ...book, name: await unusedName(book.name, o) };
  return { book: saved, file: await saveLorebook(saved, o), source: "user" };
}

/** A name no user book has and whose file name is free, so a save never replaces another book. */
async function unusedName(wanted: string, o: LorebookStoreOptions): Promise<string> {
  const taken = new Set((await readDir(userDir(o), "user")).map((s) => s.book.name.toLowerCase()));
  const fileFree = async (n: string) => !(await stat(join(userDir(o), `${fileStem(n)}.json`)).then(() => true, () => false));
  let name = wanted;
  for (let i = 2; taken.has(name.toLowerCase()) || !(await fileFree(name)); i++) name = `${wanted} (${i})`;
  return name;
}

export type LorebookExportFormat = "st" | "card";

export function serializeLorebook(book: Lorebook, format: LorebookExportFormat): string {
  const json = format === "card" ? toCharacterBook(book) : toWorldInfo(book);
  return JSON.stringify(json, null, 2) + "\n";
}

export async function exportLorebook(book: Lorebook, format: LorebookExportFormat, out: string): Promise<void> {
  await writeFileAtomic(out, serializeLorebook(book, format));
}

/**
 * Writes a changed book back where it lives: a user book to its own file, a sample
 * to a user copy that shadows it (samples in the repository are never written).
 */
export async function saveStoredLorebook(stored: StoredLorebook, book: Lorebook, o: LorebookStoreOptions = {}): Promise<StoredLorebook> {
  if (stored.source !== "user") return { book, file: await saveLorebook(book, o), source: "user" };
  await writeFileAtomic(stored.file, JSON.stringify({ ...toWorldInfo(book), name: book.name }, null, 2) + "\n");
  return { ...stored, book };
}

async function requireBook(name: string, o: LorebookStoreOptions): Promise<StoredLorebook> {
  const stored = await getLorebook(name, o);
  if (!stored) throw new LorebookNotFoundError(name);
  return stored;
}

export class LorebookNotFoundError extends Error {
  constructor(readonly bookName: string) {
    super(`no lorebook named "${bookName}" (see \`taproom lore list\`)`);
    this.name = "LorebookNotFoundError";
  }
}

/** Saves one edited entry (matched by uid), checked first; the file is replaced atomically. */
export async function saveLorebookEntry(name: string, entry: LoreEntry, o: LorebookStoreOptions = {}): Promise<StoredLorebook> {
  const stored = await requireBook(name, o);
  return saveStoredLorebook(stored, updateEntry(stored.book, entry), o);
}

export async function addLorebookEntry(name: string, fields: Partial<Omit<LoreEntry, "uid">> = {}, o: LorebookStoreOptions = {}): Promise<{ stored: StoredLorebook; entry: LoreEntry }> {
  const stored = await requireBook(name, o);
  const { book, entry } = addEntry(stored.book, fields);
  return { stored: await saveStoredLorebook(stored, book, o), entry };
}

export async function removeLorebookEntry(name: string, uid: number, o: LorebookStoreOptions = {}): Promise<StoredLorebook> {
  const stored = await requireBook(name, o);
  return saveStoredLorebook(stored, removeEntry(stored.book, uid), o);
}

/** A new empty user book; the name is made unique like an import's. */
export async function createLorebook(name: string, o: LorebookStoreOptions = {}): Promise<StoredLorebook> {
  const book = emptyLorebook(name);
  const saved = { ...book, name: await unusedName(book.name, o) };
  return { book: saved, file: await saveLorebook(saved, o), source: "user" };
}

import { mkdir, readdir, readFile, rename, rm, stat, unlink } from "node:fs/promises";
import { basename, dirname, extname, join, resolve as resolvePath } from "node:path";
import { fileURLToPath } from "node:url";
import type { Low } from "lowdb";
import { extensionFor, type CardExportFormat, type CardFile, type CardFileFormat } from "../../core/cards/codec.ts";
import { CardFormatError, type CardWarning } from "../../core/cards/errors.ts";
import { applyCharacterEdits, type CharacterEdits } from "../../core/cards/edit.ts";
import type { CardSpec, CharacterCard } from "../../core/cards/record.ts";
import { writeFileAtomic } from "../atomicWrite.ts";
import { openJsonDb } from "../jsonDb.ts";
import { dataPaths } from "../paths.ts";
import { readCardFile, readCardForListing, writeCardFile } from "./cardFiles.ts";

/** What `list()` shows without opening the card file again. */
export interface CardSummary {
  /** File name without extension; bundled samples are prefixed "samples/". */
  id: string;
  name: string;
  path: string;
  format: CardFileFormat;
  spec: CardSpec;
  tags: string[];
  creator: string;
  /** First 200 characters, for previews. */
  description: string;
  firstMes: string;
  hasBook: boolean;
  /** The World Info book the card names (`extensions.world`); "" for none. */
  world?: string;
  bundled: boolean;
  mtimeMs: number;
  size: number;
}

export interface LoadedCard extends CardFile {
  path: string;
  id?: string;
  bundled: boolean;
  /** Set when the card was read from the trash (see cardForChat). */
  trashed?: TrashedCard;
}

/** A card delete() moved to the trash; restore() puts it back where it was. */
export interface TrashedCard {
  /** The id the card had in the library, which its chats still name. */
  id: string;
  name: string;
  format: CardFileFormat;
  /** The card file, in the trash. */
  path: string;
  /** Its file name in the library, where restore() puts it back. */
  file: string;
  deletedAt: string;
}

/** A card back from the trash: its id now (the one it had, as its chats expect). */
export interface RestoredCard {
  id: string;
  name: string;
  path: string;
}

export interface ImportResult {
  source: string;
  status: "imported" | "duplicate" | "refused";
  id: string;
  name: string;
  path: string;
  warnings: CardWarning[];
  /** Why a file was refused (status "refused", only with skipBad). */
  error?: string;
}

export class CardNotFoundError extends Error {
  constructor(readonly query: string) {
    super(`no character named "${query}" in the library, and no such file`);
    this.name = "CardNotFoundError";
  }
}

/** A name several cards have: the message lists their ids, each of which names one. */
export class AmbiguousCardError extends Error {
  constructor(readonly query: string, readonly ids: string[]) {
    super(`${ids.length} characters are named "${query}" (${ids.join(", ")}): name one by its id`);
    this.name = "AmbiguousCardError";
  }
}

/** Some files of an import could not be read; each failure is one line naming its file. */
export class CardImportError extends Error {
  constructor(readonly failures: CardFormatError[], readonly total: number) {
    super(failures.map((f) => f.message).join("\n"));
    this.name = "CardImportError";
  }
}

export interface ImportOptions {
  /** Import the readable files and return the others in `refused`, instead of importing nothing. */
  skipBad?: boolean;
}

export class ReadOnlyCardError extends Error {
  constructor(readonly path: string, why = "bundled sample cards are read-only; import it to edit a copy") {
    super(`${path}: ${why}`);
    this.name = "ReadOnlyCardError";
  }
}

export class TrashedCardNotFoundError extends Error {
  constructor(readonly query: string) {
    super(`no deleted character named "${query}" in the trash`);
    this.name = "TrashedCardNotFoundError";
  }
}

/** The file a trashed card goes back to exists again; it is never overwritten. */
export class CardRestoreError extends Error {
  constructor(readonly path: string, cardName: string) {
    super(`${path} already exists: move it away to restore ${cardName}`);
    this.name = "CardRestoreError";
  }
}

/** What the trash keeps beside each card file (a dot file: never a card). */
const TRASH_RECORD = ".deleted.json";

/** Version 2: summaries read without the picture, and no file hash (duplicates are found by size, then bytes). */
interface IndexData {
  version: 2;
  entries: Record<string, CardSummary>;
}

const CARD_EXTENSIONS = new Set([".png", ".json", ".charx"]);

export const BUNDLED_CHARACTERS_DIR = fileURLToPath(new URL("../../../characters/", import.meta.url));

export interface CardLibraryOptions {
  /** The user's library; defaults to dataPaths().characters. */
  dir?: string;
  /** Read-only samples listed after the user's cards; null for none. */
  bundledDir?: string | null;
  /** The lowdb metadata cache file; defaults to <data>/cache/card-index.json. */
  indexPath?: string;
}

function formatOf(file: string): CardFileFormat {
  const ext = extname(file).toLowerCase();
  return ext === ".png" ? "png" : ext === ".charx" ? "charx" : "json";
}

function slug(name: string): string {
  const s = name.normalize("NFKD").replace(/[^\w\- ]+/g, "").trim().replace(/\s+/g, "-").toLowerCase();
  return s.slice(0, 60) || "character";
}

/** A file base name for a new card that no file in the library uses yet (and marks it used). */
function freeBase(name: string, taken: Set<string>): string {
  let base = slug(name);
  for (let n = 2; taken.has(base); n++) base = `${slug(name)}-${n}`;
  taken.add(base);
  return base;
}

function summarize(file: { card: CharacterCard; format: CardFileFormat }, path: string, id: string, bundled: boolean, info: { mtimeMs: number; size: number }): CardSummary {
  const c = file.card.character;
  return {
    id, name: c.name, path, format: file.format, spec: file.card.spec, tags: c.tags, creator: c.creator,
    description: c.description.slice(0, 200), firstMes: c.first_mes.slice(0, 200),
    hasBook: (c.character_book?.entries.length ?? 0) > 0, world: typeof c.extensions.world === "string" ? c.extensions.world : "", bundled,
    mtimeMs: info.mtimeMs, size: info.size,
  };
}

/** Whether a file holds exactly these bytes (a duplicate import); unreadable files hold nothing. */
async function holdsBytes(path: string, bytes: Uint8Array): Promise<boolean> {
  return readFile(path).then((held) => Buffer.compare(held, bytes) === 0, () => false);
}

/** The first listed card whose file is byte for byte `bytes`: only files of the same size are read. */
async function findSameBytes(cards: CardSummary[], bytes: Uint8Array): Promise<CardSummary | undefined> {
  for (const card of cards) if (card.size === bytes.length && (await holdsBytes(card.path, bytes))) return card;
  return undefined;
}

/** The user's cards (in the data directory) plus the bundled samples, with a metadata cache. */
export class CardLibrary {
  readonly dir: string;
  readonly bundledDir: string | null;
  readonly indexPath: string;
  private db?: Low<IndexData>;
  /** Cards that could not be read during the last list(), with their error lines. */
  problems: { path: string; message: string }[] = [];

  constructor(options: CardLibraryOptions = {}) {
    this.dir = options.dir ?? dataPaths().characters;
    this.bundledDir = options.bundledDir === undefined ? BUNDLED_CHARACTERS_DIR : options.bundledDir;
    this.indexPath = options.indexPath ?? join(dataPaths().cache, "card-index.json");
  }

  private async index(): Promise<Low<IndexData>> {
    this.db ??= await openJsonDb<IndexData>({ path: this.indexPath, defaults: { version: 2, entries: {} } });
    if (this.db.data.version !== 2 || typeof this.db.data.entries !== "object" || this.db.data.entries === null) this.db.data = { version: 2, entries: {} };
    return this.db;
  }

  private async filesIn(dir: string): Promise<string[]> {
    try {
      const names = await readdir(dir);
      return names.filter((n) => !n.startsWith(".") && CARD_EXTENSIONS.has(extname(n).toLowerCase())).sort().map((n) => join(dir, n));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
  }

  /**
   * Ids for a folder's files: the file name without extension, or with it when two files
   * share a base name. Worked out from the folder as it is now, never from the cache, so
   * the same folder always gives the same ids.
   */
  private idsFor(files: string[], bundled: boolean): Map<string, string> {
    const counts = new Map<string, number>();
    for (const p of files) counts.set(basename(p, extname(p)), (counts.get(basename(p, extname(p))) ?? 0) + 1);
    return new Map(files.map((p) => {
      const base = basename(p, extname(p));
      const id = (counts.get(base) ?? 0) > 1 ? basename(p) : base;
      return [p, bundled ? `samples/${id}` : id];
    }));
  }

  /** Every readable card, the user's first; unreadable files are listed in `problems`. */
  async list(): Promise<CardSummary[]> {
    const db = await this.index();
    const seen = new Set<string>();
    const out: CardSummary[] = [];
    this.problems = [];
    let changed = false;
    let read = 0;
    const groups: [string[], boolean][] = [[await this.filesIn(this.dir), false]];
    if (this.bundledDir) groups.push([await this.filesIn(this.bundledDir), true]);
    for (const [files, bundled] of groups) {
      const ids = this.idsFor(files, bundled);
      // All at once: on a warm cache the stats are the whole cost of listing.
      const infos = await Promise.all(files.map((p) => stat(p).catch(() => undefined)));
      for (const [i, path] of files.entries()) {
        const info = infos[i];
        if (!info) continue; // removed since the folder was read
        seen.add(path);
        const cached = db.data.entries[path];
        const id = ids.get(path)!;
        // Summaries cached before `world` existed are read again once.
        if (cached && cached.mtimeMs === info.mtimeMs && cached.size === info.size && cached.world !== undefined) {
          if (cached.id !== id) {
            cached.id = id;
            changed = true;
          }
          out.push(cached);
          continue;
        }
        // Read synchronously (a few hundred microseconds a card): let the screen breathe between cards.
        if (++read % 32 === 0) await new Promise((resolve) => setImmediate(resolve));
        try {
          const summary = summarize(readCardForListing(path), path, id, bundled, info);
          db.data.entries[path] = summary;
          out.push(summary);
        } catch (error) {
          this.problems.push({ path, message: (error as Error).message });
          delete db.data.entries[path];
        }
        changed = true;
      }
    }
    for (const path of Object.keys(db.data.entries)) {
      if (!seen.has(path)) {
        delete db.data.entries[path];
        changed = true;
      }
    }
    if (changed) await db.write();
    return out;
  }

  /** Finds a summary by id, then by name (case-insensitive); the user's cards win over samples. */
  async find(idOrName: string): Promise<CardSummary | undefined> {
    const all = await this.list();
    const found = byIdOrName(all, idOrName);
    if (!found || found.id === idOrName) return found;
    // Two cards of the user's (or two samples) under one name: picking one silently may open the wrong chat.
    const lower = idOrName.toLowerCase();
    const same = all.filter((c) => c.name.toLowerCase() === lower && c.bundled === found.bundled);
    if (same.length > 1) throw new AmbiguousCardError(idOrName, same.map((c) => c.id).sort());
    return found;
  }

  async get(idOrName: string): Promise<LoadedCard> {
    const summary = await this.find(idOrName);
    if (!summary) throw new CardNotFoundError(idOrName);
    return { ...(await readCardFile(summary.path)), path: summary.path, id: summary.id, bundled: summary.bundled };
  }

  /** A path to any card file (relative to cwd), or a library id or name. */
  async resolve(nameOrFile: string, cwd = process.cwd()): Promise<LoadedCard> {
    const path = resolvePath(cwd, nameOrFile);
    const isFile = await stat(path).then((s) => s.isFile(), () => false);
    if (isFile) return { ...(await readCardFile(path)), path, bundled: false };
    return this.get(nameOrFile);
  }

  /**
   * Copies card files into the library. Every file is read and checked first: when any
   * cannot be read, nothing is imported and a CardImportError names every bad file, one
   * line each (or, with skipBad, the good ones are imported and the bad ones returned).
   */
  async import(paths: string[], options: ImportOptions = {}): Promise<ImportResult[]> {
    const loaded = [];
    const failures: CardFormatError[] = [];
    for (const path of paths) {
      try {
        loaded.push({ source: path, file: await readCardFile(path) });
      } catch (error) {
        if (!(error instanceof CardFormatError)) throw error;
        failures.push(error);
      }
    }
    if (failures.length > 0 && !options.skipBad) throw new CardImportError(failures, paths.length);
    const refused: ImportResult[] = failures.map((f) => ({ source: f.file, status: "refused", id: "", name: "", path: "", warnings: [], error: f.message }));
    const known = await this.list();
    const taken = await this.takenNames();
    const results: ImportResult[] = [];
    const written: string[] = [];
    try {
      for (const { source, file } of loaded) {
        const dup = await findSameBytes(known, file.bytes);
        const name = file.card.character.name;
        if (dup) {
          results.push({ source, status: "duplicate", id: dup.id, name, path: dup.path, warnings: file.warnings });
          continue;
        }
        const base = freeBase(name, taken);
        const target = join(this.dir, `${base}${extensionFor(file.format)}`);
        await writeFileAtomic(target, file.bytes);
        written.push(target);
        known.push({ id: base, path: target, size: file.bytes.length } as CardSummary);
        results.push({ source, status: "imported", id: base, name, path: target, warnings: file.warnings });
      }
    } catch (error) {
      await Promise.all(written.map((p) => unlink(p).catch(() => {})));
      throw error;
    }
    return [...results, ...refused];
  }

  /** Base names in use, the trashed cards' included: their chats still name them, and restore() needs them free. */
  private async takenNames(): Promise<Set<string>> {
    const files = [...(await this.filesIn(this.dir)), ...(await this.trash()).map((t) => t.file)];
    return new Set(files.map((p) => basename(p, extname(p)).toLowerCase()));
  }

  /** The trash folder: <library>/.trash, one folder per deleted card. */
  get trashDir(): string {
    return join(this.dir, ".trash");
  }

  /**
   * Copies a listed card (usually a read-only bundled sample) into the user's library,
   * where it can be edited; a byte-identical card of the user's is reported instead.
   */
  async copyToLibrary(idOrName: string): Promise<ImportResult> {
    const summary = await this.find(idOrName);
    if (!summary) throw new CardNotFoundError(idOrName);
    const file = await readCardFile(summary.path);
    const own = await findSameBytes((await this.list()).filter((s) => !s.bundled), file.bytes);
    const name = file.card.character.name;
    if (own) return { source: summary.path, status: "duplicate", id: own.id, name, path: own.path, warnings: file.warnings };
    const base = freeBase(name, await this.takenNames());
    const target = join(this.dir, `${base}${extensionFor(file.format)}`);
    await writeFileAtomic(target, file.bytes);
    await this.list();
    return { source: summary.path, status: "imported", id: base, name, path: target, warnings: file.warnings };
  }

  /** Writes an edited card back to its own file, in the file's own format. */
  async save(card: LoadedCard): Promise<void> {
    if (card.trashed) throw new ReadOnlyCardError(card.path, "this card is in the trash; restore it to edit it");
    if (card.bundled) throw new ReadOnlyCardError(card.path);
    await writeCardFile(card.path, card, "same");
  }

  /**
   * Applies an editor's changes to the card as it is on disk now (so fields the editor did
   * not touch are never overwritten with stale copies) and writes it back atomically in
   * its own format. Returns the card as saved.
   */
  async update(idOrName: string, edits: CharacterEdits): Promise<LoadedCard> {
    const card = await this.get(idOrName);
    if (card.bundled) throw new ReadOnlyCardError(card.path);
    const character = applyCharacterEdits(card.card.character, edits, { source: card.path, now: Math.floor(Date.now() / 1000) });
    const saved: LoadedCard = { ...card, card: { ...card.card, character } };
    await writeCardFile(card.path, saved, "same");
    await this.list();
    return saved;
  }

  /**
   * Moves a card's file into the trash, never unlinking it: its chats keep working with
   * it (cardForChat) and restore() puts it back under the same id.
   */
  async delete(idOrName: string): Promise<TrashedCard> {
    const summary = await this.find(idOrName);
    if (!summary) throw new CardNotFoundError(idOrName);
    if (summary.bundled) throw new ReadOnlyCardError(summary.path);
    const file = basename(summary.path);
    const deletedAt = new Date().toISOString();
    const folder = join(this.trashDir, `${Date.now()}-${file}`);
    await writeFileAtomic(join(folder, TRASH_RECORD), JSON.stringify({ id: summary.id, name: summary.name, file, deletedAt }, null, 2) + "\n");
    try {
      await rename(summary.path, join(folder, file));
    } catch (error) {
      await rm(folder, { recursive: true, force: true });
      throw error;
    }
    await this.list();
    return { id: summary.id, name: summary.name, format: summary.format, path: join(folder, file), file, deletedAt };
  }

  /** The cards in the trash, the most recently deleted first. */
  async trash(): Promise<TrashedCard[]> {
    let folders: string[];
    try {
      folders = await readdir(this.trashDir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
    const out: TrashedCard[] = [];
    for (const folder of folders.filter((f) => !f.startsWith("."))) {
      const [file] = await this.filesIn(join(this.trashDir, folder)).catch(() => []);
      if (!file) continue;
      const record = await readFile(join(this.trashDir, folder, TRASH_RECORD), "utf8").then((t) => JSON.parse(t) as Record<string, unknown>, () => ({} as Record<string, unknown>));
      const text = (v: unknown, fallback: string) => (typeof v === "string" && v ? v : fallback);
      const stamp = Number(folder.split("-")[0]);
      const base = basename(file, extname(file));
      out.push({
        id: text(record.id, base), name: text(record.name, base), format: formatOf(file), path: file, file: basename(file),
        deletedAt: text(record.deletedAt, Number.isFinite(stamp) ? new Date(stamp).toISOString() : ""),
      });
    }
    return out.sort((a, b) => b.deletedAt.localeCompare(a.deletedAt));
  }

  /** A trashed card by the id it had, then by name (any case); the latest deletion wins. */
  private async findTrashed(idOrName: string): Promise<TrashedCard | undefined> {
    return byIdOrName(await this.trash(), idOrName);
  }

  /** Puts a trashed card back under its own file name (so its chats find it again); an existing file is never replaced. */
  async restore(idOrName: string): Promise<RestoredCard> {
    const trashed = await this.findTrashed(idOrName);
    if (!trashed) throw new TrashedCardNotFoundError(idOrName);
    const target = join(this.dir, trashed.file);
    if (await stat(target).then(() => true, () => false)) throw new CardRestoreError(target, trashed.name);
    await mkdir(this.dir, { recursive: true });
    await rename(trashed.path, target);
    await rm(dirname(trashed.path), { recursive: true, force: true });
    const listed = (await this.list()).find((s) => s.path === target);
    return { id: listed?.id ?? basename(target, extname(target)), name: listed?.name ?? trashed.name, path: target };
  }

  /**
   * The card a chat names by its characterId: the listed card with that id, else the
   * trashed card that had it (its chats stay readable after a delete), else whatever
   * resolve() finds (chats of cards opened from a file name a path).
   */
  async cardForChat(characterId: string, cwd = process.cwd()): Promise<LoadedCard> {
    const live = (await this.list()).find((s) => s.id === characterId);
    if (live) return this.get(live.id);
    const trashed = (await this.trash()).find((t) => t.id === characterId);
    if (trashed) return { ...(await readCardFile(trashed.path)), path: trashed.path, id: trashed.id, bundled: false, trashed };
    return this.resolve(characterId, cwd);
  }

  async export(idOrName: string, options: { format: CardExportFormat; out: string }): Promise<string> {
    const card = await this.resolve(idOrName);
    await writeCardFile(options.out, card, options.format);
    return options.out;
  }
}

/** The exact id first, then the name in any case, then the id in any case. */
function byIdOrName<T extends { id: string; name: string }>(all: T[], idOrName: string): T | undefined {
  const lower = idOrName.toLowerCase();
  return all.find((c) => c.id === idOrName) ?? all.find((c) => c.name.toLowerCase() === lower) ?? all.find((c) => c.id.toLowerCase() === lower);
}

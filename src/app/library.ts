/**
 * The card library: listing, one card in full, import, editing, export, lint, deletion
 * to the trash and restoring from it. The Characters screen and `taproom card` both
 * work through it; it is the one owner of the CardLibrary (created in createApp).
 */
import { homedir } from "node:os";
import { resolve } from "node:path";
import type { CardExportFormat, CardFileFormat } from "../core/cards/codec.ts";
import { exportLosses } from "../core/cards/codec.ts";
import { lintCard, type LintFinding } from "../core/cards/lint.ts";
import { chatGreetings } from "../core/chat/operations.ts";
import { fieldsOf, withFields, type CardFields } from "../core/cards/cardFields.ts";
import type { CardLibrary, CardSummary, ImportResult, LoadedCard, RestoredCard, TrashedCard } from "../store/cards/library.ts";
import { readCardFile, writeCardFile } from "../store/cards/cardFiles.ts";

export type { CardSummary, ImportResult, LoadedCard, RestoredCard, TrashedCard };
export { CardImportError, CardNotFoundError, ReadOnlyCardError, TrashedCardNotFoundError } from "../store/cards/library.ts";

/** One card in full, as the preview and the editor show it. */
export interface CardDetail {
  id: string;
  name: string;
  path: string;
  format: CardFileFormat;
  bundled: boolean;
  fields: CardFields;
  /** What a new chat can open with, numbered as ChatTarget.greetingIndex counts. */
  greetings: string[];
  alternateGreetings: number;
  hasBook: boolean;
}

export interface CardListing {
  cards: CardSummary[];
  /** Files in the library that could not be read, with the reason. */
  problems: { path: string; message: string }[];
}

export interface ImportOutcome {
  status: "imported" | "duplicate";
  id: string;
  name: string;
  /** The file as the person typed it, ~ expanded. */
  source: string;
  warnings: string[];
}

/** A card file checked as its author would want: the findings, and what lint had to read. */
export interface LintReport {
  path: string;
  findings: LintFinding[];
}

export interface LibraryService {
  list(): Promise<CardListing>;
  load(id: string): Promise<CardDetail>;
  /** Copies a card file into the library; `~` is the home directory, relative paths start at the cwd. */
  importFile(path: string): Promise<ImportOutcome>;
  /**
   * Copies card files into the library, all or nothing: a bad file is a CardImportError
   * naming every bad file, unless `skipBad` (then they come back as "refused").
   */
  import(paths: string[], options?: { skipBad?: boolean }): Promise<ImportResult[]>;
  /** An editable copy of a card (a bundled sample) in the user's library. */
  copyToLibrary(id: string): Promise<ImportOutcome>;
  /** Writes the edited fields back to the card's own file (atomically); bundled samples refuse. */
  save(id: string, fields: CardFields): Promise<CardDetail>;
  /** Moves the card's file to the trash; its chats are kept and still open. */
  remove(id: string): Promise<TrashedCard>;
  /** Deleted cards, the most recent first. */
  trash(): Promise<TrashedCard[]>;
  /** Puts a deleted card back (by the id it had, or its name) under the same id. */
  restore(id: string): Promise<RestoredCard>;
  /** A card file anywhere (relative to the cwd), or a library card by id or name: the whole card. */
  resolve(nameOrFile: string): Promise<LoadedCard>;
  /** The card a chat names: in the library, in the trash (its chats outlive it), or a file. */
  cardForChat(characterId: string): Promise<LoadedCard>;
  /** Writes a card in another format; returns what the format could not carry. */
  exportCard(nameOrFile: string, format: CardExportFormat, out: string): Promise<{ out: string; losses: string[] }>;
  /** What a card file's author should fix (the file need not be in the library). */
  lint(path: string): Promise<LintReport>;
}

/** A typed path as the shell would read it: `~` and `~/...` are the home directory. */
export function expandPath(typed: string, cwd: string, home: string): string {
  let path = typed.trim();
  // Paths dragged into a terminal often arrive quoted.
  if (/^(['"]).*\1$/.test(path) && path.length >= 2) path = path.slice(1, -1);
  if (path === "~") path = home;
  else if (path.startsWith("~/")) path = home + path.slice(1);
  return resolve(cwd, path);
}

function outcome(result: ImportResult, source: string): ImportOutcome {
  // Without skipBad the library throws for a bad file instead of refusing it.
  if (result.status === "refused") throw new Error(result.error ?? `${source}: not imported`);
  return { status: result.status, id: result.id, name: result.name, source, warnings: result.warnings.map((w) => `${w.field}: ${w.message}`) };
}

export function createLibraryService(library: CardLibrary, where: { cwd?: string; home?: string } = {}): LibraryService {
  const cwd = () => where.cwd ?? process.cwd();
  const load = async (id: string): Promise<CardDetail> => {
    const card = await library.get(id);
    const c = card.card.character;
    return {
      id: card.id ?? id,
      name: c.name,
      path: card.path,
      format: card.format,
      bundled: card.bundled,
      fields: fieldsOf(c),
      greetings: chatGreetings(c),
      alternateGreetings: c.alternate_greetings.length,
      hasBook: (c.character_book?.entries.length ?? 0) > 0,
    };
  };
  return {
    async list() {
      const cards = await library.list();
      return { cards, problems: library.problems };
    },
    load,
    async importFile(typed) {
      const path = expandPath(typed, cwd(), where.home ?? homedir());
      const [result] = await library.import([path]);
      if (!result) throw new Error(`${path}: nothing was imported`);
      return outcome(result, path);
    },
    import: (paths, options = {}) => library.import(paths.map((p) => resolve(cwd(), p)), options),
    async copyToLibrary(id) {
      const summary = await library.find(id);
      return outcome(await library.copyToLibrary(id), summary?.path ?? id);
    },
    async save(id, fields) {
      const card = await library.get(id);
      const character = withFields(card.card.character, fields);
      // V3 cards carry when they were last changed; V1/V2 have no such field.
      const stamped = card.card.spec === "v3" ? { ...character, modification_date: Math.floor(Date.now() / 1000) } : character;
      await library.save({ ...card, card: { ...card.card, character: stamped } });
      return load(card.id ?? id);
    },
    remove: (id) => library.delete(id),
    trash: () => library.trash(),
    restore: (id) => library.restore(id),
    resolve: (nameOrFile) => library.resolve(nameOrFile, cwd()),
    cardForChat: (characterId) => library.cardForChat(characterId, cwd()),
    async exportCard(nameOrFile, format, out) {
      const card = await library.resolve(nameOrFile, cwd());
      const path = resolve(cwd(), out);
      await writeCardFile(path, card, format);
      return { out: path, losses: exportLosses(card, format) };
    },
    async lint(file) {
      const path = resolve(cwd(), file);
      const loaded = await readCardFile(path, { collectRefusals: true });
      const archiveFiles = loaded.assets ? new Set(loaded.assets.keys()) : undefined;
      const pngAssets = loaded.format === "png" ? new Set(loaded.pngAssets?.keys() ?? []) : undefined;
      return { path, findings: lintCard(loaded.card, loaded.warnings, { refusals: loaded.refusals, archiveFiles, pngAssets }) };
    },
  };
}

/**
 * The lorebooks: the user's books, the bundled samples and the books inside cards, with
 * import, atomic save, export, the books a chat uses, and a try-it pass through the
 * activation engine (the one `taproom lore test` and the lorebook screen's try line use).
 */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { resolve } from "node:path";
import { activateLore, type ActivateLoreResult, type GenerationType, type LoreMessage, type LoreSettings } from "../core/lorebook/activate.ts";
import { loreKeyMacros } from "../core/lorebook/forChat.ts";
import { withRegexAnswers, type RegexMatcher } from "../core/lorebook/regexAnswers.ts";
import { sharedRegexMatcher } from "../engine/lore/regexWorker.ts";
import type { Lorebook } from "../core/lorebook/model.ts";
import { approximateTokens, loreReport, type LoreReport } from "../core/lorebook/report.ts";
import type { CardFileFormat } from "../core/cards/codec.ts";
import type { Character } from "../core/cards/character.ts";
import { listCardBooks, readCardBook, saveCardBook } from "../store/cards/cardBooks.ts";
import type { CardLibrary, CardSummary } from "../store/cards/library.ts";
import { booksForCharacter, type BooksForCharacterResult } from "../store/lorebooks/booksForCharacter.ts";
import {
  exportLorebook, getLorebook, importLorebook, listLorebooks, readLorebookFile, saveLorebook, summarizeLorebooks, unreadableLorebooks,
  type LorebookExportFormat, type LorebookSource, type LorebookStoreOptions, type StoredLorebook,
} from "../store/lorebooks/lorebookFiles.ts";

export type { LorebookExportFormat, LorebookSource, LoreReport, StoredLorebook };

export interface LorebookSummary {
  name: string;
  entries: number;
  source: LorebookSource;
  /** Characters whose card names this book as their world. */
  characters: string[];
  /** Set for a book that lives inside a card (its `character_book`), not in a file of its own. */
  card?: CardBookOwner;
}

/** A book as `taproom lore list` shows it: its entry counts, where it lies, whether every chat uses it. */
export interface LorebookListing {
  name: string;
  entries: number;
  disabled: number;
  constant: number;
  source: LorebookSource;
  file: string;
  global: boolean;
  /** What reading the book repaired or left out (Lorebook.warnings), one line each. */
  warnings: string[];
  card?: CardBookOwner;
}

/** The card a card book lives in; `source` is "sample" for a bundled (read-only) card. */
export interface CardBookOwner {
  id: string;
  name: string;
  format: CardFileFormat;
}

export interface OpenedLorebook {
  book: Lorebook;
  source: LorebookSource;
  card?: CardBookOwner;
}

/** Saving a bundled sample in place was asked for; it must be saved as the user's copy. */
export class ReadOnlyLorebookError extends Error {
  constructor(readonly bookName: string) {
    super(`"${bookName}" is a bundled sample and read-only; save a copy into your books instead`);
    this.name = "ReadOnlyLorebookError";
  }
}

export class LorebookNotFoundError extends Error {
  constructor(readonly bookName: string) {
    super(`no lorebook named "${bookName}"`);
    this.name = "LorebookNotFoundError";
  }
}

/** What `taproom lore test` scans: books, messages, and who is talking. */
export interface LoreTestRequest {
  books: Lorebook[];
  messages: LoreMessage[];
  contextSize: number;
  seed: number;
  scanDepth?: number;
  generationType: GenerationType;
  character?: { name: string; tags: string[] };
  /** Exact counts (a model's tokenizer); characters / 4 without one. */
  countTokens?: (text: string) => number;
}

export interface LoreService {
  list(): Promise<LorebookSummary[]>;
  open(name: string): Promise<OpenedLorebook>;
  /**
   * Imports a World Info JSON, a character_book, or the book of a card (JSON, PNG, CharX);
   * a bad file throws a one-line error. `warnings`: what reading it repaired.
   */
  importFile(path: string): Promise<LorebookSummary & { file: string; warnings: string[]; alreadyImported: boolean }>;
  /**
   * Saves atomically. A user book is written over its own file; `asCopy` writes a
   * sample's copy into the user's books (which then takes the sample's place).
   */
  save(book: Lorebook, options: { source: LorebookSource; asCopy?: boolean }): Promise<void>;
  /** The book inside a card, by card id. */
  openCardBook(cardId: string): Promise<OpenedLorebook>;
  /**
   * Writes a card's book back into the card file (atomically, in its own format, every
   * other field kept). A bundled card refuses unless `asCopy`: then the card is copied
   * into the user's library first and the book saved there. Returns the card saved.
   */
  saveCardBook(cardId: string, book: Lorebook, options?: { asCopy?: boolean }): Promise<CardBookOwner>;
  /** Which entries this text fires and why the others do not (approximate token costs); regex keys run off this thread. */
  tryText(book: Lorebook, text: string): Promise<LoreReport>;
  /** Names of the books in files (the user's, then the samples): what a chat can attach. */
  names(): Promise<string[]>;
  /** Every book with its counts: the files first (the user's, then the samples), then the books inside cards. */
  listings(): Promise<LorebookListing[]>;
  /** The book files (the user's and the samples) that cannot be read, one line each: the file and why. */
  unreadable(): Promise<string[]>;
  /** A book file (relative to the cwd), a book by name, or a card's book by its listed name ("Maelis (card book)"). */
  find(ref: string): Promise<StoredLorebook>;
  /** Writes a book as SillyTavern World Info ("st") or a card's character_book ("card"); returns the file. */
  exportBook(ref: string, format: LorebookExportFormat, out: string): Promise<{ book: Lorebook; out: string }>;
  /** One activation pass over the messages with the user's World Info settings. */
  test(request: LoreTestRequest): Promise<ActivateLoreResult>;
  /** The books a chat with this character uses, in budget order, and the ones that could not be loaded. */
  forChat(character: Character, chatBooks: string[] | undefined): Promise<BooksForCharacterResult>;
}

function charactersFor(name: string, cards: CardSummary[]): string[] {
  const want = name.toLowerCase();
  return cards.filter((c) => c.world && c.world.toLowerCase() === want).map((c) => c.name);
}

/** The single-message pass the try-it line runs; the same engine `taproom lore test --text` uses. */
export async function tryLorebookText(book: Lorebook, text: string, matcher: RegexMatcher = sharedRegexMatcher()): Promise<LoreReport> {
  const result = await withRegexAnswers((regex) => activateLore({ books: [book], messages: [{ text }], tokenize: approximateTokens, contextSize: 8192, seed: 0, regex }), matcher);
  return loreReport(book.name, result, "≈ chars/4");
}

const ownerOf = (card: CardSummary): CardBookOwner => ({ id: card.id, name: card.name, format: card.format });
const cardSource = (card: CardSummary): LorebookSource => (card.bundled ? "sample" : "user");

export interface LoreServiceOptions {
  /** Where the user's books are (TAPROOM_HOME and friends). */
  env: NodeJS.ProcessEnv;
  samplesDir?: string;
  cardLibrary: CardLibrary;
  /** The user's World Info settings and global books (settings.json). */
  settings(): Promise<{ worldInfo: Partial<LoreSettings>; globalLorebooks: string[] }>;
  cwd?: string;
  /** Where users' regex keys run, never on the caller's thread: the process's worker by default (engine/lore/regexWorker.ts). */
  regexMatcher?: RegexMatcher;
}

export function createLoreService(options: LoreServiceOptions): LoreService {
  const regexMatcher = options.regexMatcher ?? sharedRegexMatcher();
  const store: LorebookStoreOptions = { env: options.env, ...(options.samplesDir && { samplesDir: options.samplesDir }) };
  const library = options.cardLibrary;
  const cwd = () => options.cwd ?? process.cwd();
  const cards = () => library.list().catch(() => [] as CardSummary[]);
  const summarize = (book: Lorebook, source: LorebookSource, known: CardSummary[]): LorebookSummary => ({
    name: book.name, entries: book.entries.length, source, characters: charactersFor(book.name, known),
  });
  const find = async (ref: string): Promise<StoredLorebook> => {
    const path = resolve(cwd(), ref);
    if (ref.toLowerCase().endsWith(".json") && existsSync(path)) return { book: await readLorebookFile(path), file: path, source: "user" };
    const found = await getLorebook(ref, store);
    if (found) return found;
    const inCard = (await listCardBooks(library)).find((b) => b.book.name.toLowerCase() === ref.toLowerCase());
    if (inCard) return { book: inCard.book, file: inCard.card.path, source: inCard.card.bundled ? "sample" : "user" };
    throw new Error(`no lorebook named "${ref}" (see \`taproom lore list\`)`);
  };
  return {
    async list() {
      const [books, known] = await Promise.all([listLorebooks(store), cards()]);
      // After cards(): two first listings of one library at once would open its index twice.
      const inCards = await listCardBooks(library).catch(() => []);
      const own = inCards.map((b) => ({ name: b.book.name, entries: b.book.entries.length, source: cardSource(b.card), characters: [b.card.name], card: ownerOf(b.card) }));
      return [...books.map((s) => summarize(s.book, s.source, known)), ...own];
    },
    async open(name) {
      const found = await getLorebook(name, store);
      if (!found) throw new LorebookNotFoundError(name);
      return { book: found.book, source: found.source };
    },
    async importFile(path) {
      // A typed path may start with ~ as it would in the shell.
      const typed = path.trim().replace(/^~(?=$|\/)/, homedir());
      const saved = await importLorebook(resolve(cwd(), typed), store);
      return { ...summarize(saved.book, "user", await cards()), file: saved.file, warnings: saved.book.warnings ?? [], alreadyImported: saved.alreadyImported === true };
    },
    async save(book, { source, asCopy }) {
      if (source === "sample" && !asCopy) throw new ReadOnlyLorebookError(book.name);
      if (source === "sample") {
        await saveLorebook(book, store);
        return;
      }
      // A user book is written where it was found, whatever its file is called.
      const found = await getLorebook(book.name, store);
      await saveLorebook(book, { ...store, ...(found?.source === "user" && { file: found.file }) });
    },
    async openCardBook(cardId) {
      const { card, book } = await readCardBook(library, cardId);
      return { book, source: cardSource(card), card: ownerOf(card) };
    },
    async saveCardBook(cardId, book, { asCopy } = {}) {
      const card = (await library.list()).find((c) => c.id === cardId);
      // A sample's copy is made only now, when there is something to save into it.
      const target = card?.bundled && asCopy ? (await library.copyToLibrary(cardId)).id : cardId;
      return ownerOf(await saveCardBook(library, target, book));
    },
    tryText: (book, text) => tryLorebookText(book, text, regexMatcher),
    names: async () => (await listLorebooks(store)).map((s) => s.book.name),
    async listings() {
      const files = await summarizeLorebooks({ ...store, globalBooks: (await options.settings()).globalLorebooks });
      const inCards = (await listCardBooks(library)).map(({ book, card }): LorebookListing => ({
        name: book.name, entries: book.entries.length, disabled: book.entries.filter((e) => e.disable).length,
        constant: book.entries.filter((e) => e.constant && !e.disable).length, source: cardSource(card),
        file: card.path, global: false, warnings: book.warnings ?? [], card: ownerOf(card),
      }));
      return [...files, ...inCards];
    },
    unreadable: () => unreadableLorebooks(store),
    find,
    async exportBook(ref, format, out) {
      const stored = await find(ref);
      const path = resolve(cwd(), out);
      await exportLorebook(stored.book, format, path);
      return { book: stored.book, out: path };
    },
    async test(request) {
      const { worldInfo } = await options.settings();
      return withRegexAnswers((regex) => activateLore({
        regex,
        books: request.books, messages: request.messages, tokenize: request.countTokens ?? approximateTokens,
        contextSize: request.contextSize, seed: request.seed,
        settings: { ...worldInfo, ...(request.scanDepth !== undefined && { scanDepth: request.scanDepth }) },
        generationType: request.generationType,
        ...(request.character && { character: request.character }),
        expandMacros: loreKeyMacros({ char: request.character?.name ?? "", user: "User" }, "lore-test"),
      }), regexMatcher);
    },
    async forChat(character, chatBooks) {
      return booksForCharacter(character, chatBooks, { ...store, globalBooks: (await options.settings()).globalLorebooks });
    },
  };
}

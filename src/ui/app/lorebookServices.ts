/**
 * What the lorebook screens need: the library of books (the user's, the bundled samples
 * and the books inside cards), import, atomic save, and a try-it pass through the
 * activation engine.
 */
import { homedir } from "node:os";
import { resolve } from "node:path";
import { activateLore } from "../../core/lorebook/activate.ts";
import { withRegexAnswers, type RegexMatcher } from "../../core/lorebook/regexAnswers.ts";
import { sharedRegexMatcher } from "../../engine/lore/regexWorker.ts";
import type { Lorebook } from "../../core/lorebook/model.ts";
import { approximateTokens, loreReport, type LoreReport } from "../../core/lorebook/report.ts";
import type { CardFileFormat } from "../../core/cards/codec.ts";
import { listCardBooks, readCardBook, saveCardBook } from "../../store/cards/cardBooks.ts";
import type { CardLibrary, CardSummary } from "../../store/cards/library.ts";
import {
  getLorebook, importLorebook, listLorebooks, saveLorebook, type LorebookSource, type LorebookStoreOptions,
} from "../../store/lorebooks/lorebookFiles.ts";

export interface LorebookSummary {
  name: string;
  entries: number;
  source: LorebookSource;
  /** Characters whose card names this book as their world. */
  characters: string[];
  /** Set for a book that lives inside a card (its `character_book`), not in a file of its own. */
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

export interface LorebookServices {
  list(): Promise<LorebookSummary[]>;
  open(name: string): Promise<OpenedLorebook>;
  /** Imports a World Info JSON, character_book or card JSON; a bad file throws a one-line error. */
  importFile(path: string): Promise<LorebookSummary>;
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
  /** Which entries this text fires and why the others do not (approximate token costs). */
  tryText(book: Lorebook, text: string): Promise<LoreReport>;
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

export interface LorebookServicesOptions extends LorebookStoreOptions {
  /** The cards, to name the characters that use each book. */
  cards(): Promise<CardSummary[]>;
  /** The card library whose cards' own books are listed after the files; none without it. */
  cardLibrary?: CardLibrary;
  cwd?: string;
}

export function createLorebookServices(options: LorebookServicesOptions): LorebookServices {
  const store: LorebookStoreOptions = { ...(options.env && { env: options.env }), ...(options.samplesDir && { samplesDir: options.samplesDir }) };
  const summarize = (book: Lorebook, source: LorebookSource, cards: CardSummary[]): LorebookSummary => ({
    name: book.name, entries: book.entries.length, source, characters: charactersFor(book.name, cards),
  });
  const cards = () => options.cards().catch(() => [] as CardSummary[]);
  const library = options.cardLibrary;
  return {
    async list() {
      const [books, known] = await Promise.all([listLorebooks(store), cards()]);
      // After cards(): two first listings of one library at once would open its index twice.
      const inCards = library ? await listCardBooks(library).catch(() => []) : [];
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
      const saved = await importLorebook(resolve(options.cwd ?? process.cwd(), typed), store);
      return summarize(saved.book, "user", await cards());
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
      if (!library) throw new LorebookNotFoundError(cardId);
      const { card, book } = await readCardBook(library, cardId);
      return { book, source: cardSource(card), card: ownerOf(card) };
    },
    async saveCardBook(cardId, book, { asCopy } = {}) {
      if (!library) throw new LorebookNotFoundError(cardId);
      const card = (await library.list()).find((c) => c.id === cardId);
      // A sample's copy is made only now, when there is something to save into it.
      const target = card?.bundled && asCopy ? (await library.copyToLibrary(cardId)).id : cardId;
      return ownerOf(await saveCardBook(library, target, book));
    },
    tryText: tryLorebookText,
  };
}

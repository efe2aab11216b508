/**
 * The lorebooks cards carry inside them (`character_book`), as books the lorebook
 * screens can list, open and save: a saved book is written back into its own card file.
 */
import type { CharacterBook } from "../../core/cards/character.ts";
import { decodeCardFile, encodeCardFile } from "../../core/cards/codec.ts";
import { mergeCharacterBook, parseCharacterBook, sameJson } from "../../core/lorebook/characterBook.ts";
import type { Lorebook } from "../../core/lorebook/model.ts";
import { writeFileAtomic } from "../atomicWrite.ts";
import { readCardFile } from "./cardFiles.ts";
import { CardNotFoundError, ReadOnlyCardError, type CardLibrary, type CardSummary } from "./library.ts";

export interface CardBook {
  card: CardSummary;
  /** The embedded book, named as the lorebook screens show it (see cardBookName). */
  book: Lorebook;
}

/** How a card's own book is named in book lists: "Maelis (card book)". */
export function cardBookName(cardName: string): string {
  return `${cardName || "(no name)"} (card book)`;
}

export class CardHasNoBookError extends Error {
  constructor(readonly cardName: string) {
    super(`${cardName} has no lorebook inside its card`);
    this.name = "CardHasNoBookError";
  }
}

/** The card file, rewritten, would not carry the book as edited; nothing was written. */
export class CardBookSaveError extends Error {
  constructor(readonly path: string, format: string) {
    super(`${path}: this ${format.toUpperCase()} card cannot carry the edited book without loss; nothing was written`);
    this.name = "CardBookSaveError";
  }
}

/** The book's own name stays in `extra` (and in the card); the lists show the card's. */
function bookOf(book: CharacterBook, card: CardSummary): Lorebook {
  return { ...parseCharacterBook(book, { file: card.path, name: "" }), name: cardBookName(card.name) };
}

/**
 * Every listed card (the user's, then the samples) whose file carries a book with entries.
 * A card that cannot be read again, or whose book cannot be read, is left out.
 */
export async function listCardBooks(library: CardLibrary): Promise<CardBook[]> {
  const out: CardBook[] = [];
  for (const card of (await library.list()).filter((c) => c.hasBook)) {
    try {
      const book = (await readCardFile(card.path)).card.character.character_book;
      if (book) out.push({ card, book: bookOf(book, card) });
    } catch {
      // The card list reports unreadable cards; the book list only shows what it can open.
    }
  }
  return out;
}

export async function readCardBook(library: CardLibrary, id: string): Promise<CardBook> {
  const card = (await library.list()).find((c) => c.id === id);
  if (!card) throw new CardNotFoundError(id);
  const book = (await readCardFile(card.path)).card.character.character_book;
  if (!book) throw new CardHasNoBookError(card.name);
  return { card, book: bookOf(book, card) };
}

/**
 * Writes an edited book into its card: the card is read as it is on disk now, only its
 * `character_book` is replaced (every other field, unknown keys, extensions, the picture
 * and archive files stay), and the file is rewritten atomically in its own format. The
 * new bytes are read back first: if they would not carry the book as edited, nothing is
 * written. V3 cards get a new modification_date. Returns the card as listed afterwards.
 */
export async function saveCardBook(library: CardLibrary, id: string, edited: Lorebook): Promise<CardSummary> {
  const summary = (await library.list()).find((c) => c.id === id);
  if (!summary) throw new CardNotFoundError(id);
  if (summary.bundled) throw new ReadOnlyCardError(summary.path);
  const file = await readCardFile(summary.path);
  const c = file.card.character;
  const merged = mergeCharacterBook(c.character_book, edited);
  const character = { ...c, character_book: merged };
  if (file.card.spec === "v3" || c.modification_date !== undefined) character.modification_date = Math.floor(Date.now() / 1000);
  const next = { ...file, card: { ...file.card, character } };
  const bytes = encodeCardFile(next, "same");
  const back = decodeCardFile(bytes, summary.path).card.character.character_book;
  if (!back || !sameJson(back, merged)) throw new CardBookSaveError(summary.path, file.format);
  await writeFileAtomic(summary.path, bytes);
  const after = (await library.list()).find((s) => s.path === summary.path);
  return after ?? summary;
}


import type { Character } from "../../core/cards/character.ts";
import { parseCharacterBook } from "../../core/lorebook/characterBook.ts";
import type { Lorebook } from "../../core/lorebook/model.ts";
import { getLorebook, type LorebookStoreOptions } from "./lorebookFiles.ts";

export interface BooksForCharacterResult {
  books: Lorebook[];
  /** Books named by the card or the chat that are not in the library, or unreadable. */
  problems: string[];
}

export interface BooksForCharacterOptions extends LorebookStoreOptions {
  /** Names of the books every chat uses (settings' globalLorebooks). */
  globalBooks?: string[];
}

/**
 * The books a chat with this character uses, in the order they take the lore
 * budget (SillyTavern's "character first"): the chat's own books, then the
 * character's (the card's embedded book, then the world book the card names in
 * `extensions.world`), then the global books. A book that is global is used once,
 * as a global book.
 */
export async function booksForCharacter(
  character: Character,
  chatBooks: string[] = [],
  options: BooksForCharacterOptions = {},
): Promise<BooksForCharacterResult> {
  const books: Lorebook[] = [];
  const problems: string[] = [];
  const globals = options.globalBooks ?? [];
  const isGlobal = new Set(globals.map((n) => n.toLowerCase()));
  const seen = new Set<string>();
  const load = async (name: string) => {
    if (seen.has(name.toLowerCase())) return;
    seen.add(name.toLowerCase());
    try {
      const stored = await getLorebook(name, options);
      if (stored) books.push(stored.book);
      else problems.push(`lorebook "${name}" is not in the library`);
    } catch (error) {
      problems.push((error as Error).message);
    }
  };
  for (const name of chatBooks) if (!isGlobal.has(name.toLowerCase())) await load(name);
  if (character.character_book) {
    try {
      books.push(parseCharacterBook(character.character_book, { file: character.name, name: `${character.name} (card)` }));
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  const world = character.extensions.world;
  if (typeof world === "string" && world && !isGlobal.has(world.toLowerCase())) await load(world);
  for (const name of globals) await load(name);
  return { books, problems };
}

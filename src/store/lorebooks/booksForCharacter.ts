import type { Character } from "../../core/cards/character.ts";
import { parseCharacterBook } from "../../core/lorebook/characterBook.ts";
import type { Lorebook } from "../../core/lorebook/model.ts";
import { getLorebook, type LorebookStoreOptions } from "./lorebookFiles.ts";

export interface BooksForCharacterResult {
  books: Lorebook[];
  /** Books named by the card or the chat that are not in the library, or unreadable. */
  problems: string[];
}

/**
 * The books a chat with this character uses: the card's embedded book, the world
 * book the card names (SillyTavern's `extensions.world`), and the chat's own.
 */
export async function booksForCharacter(
  character: Character,
  chatBooks: string[] = [],
  options: LorebookStoreOptions = {},
): Promise<BooksForCharacterResult> {
  const books: Lorebook[] = [];
  const problems: string[] = [];
  if (character.character_book) {
    try {
      books.push(parseCharacterBook(character.character_book, { file: character.name, name: `${character.name} (card)` }));
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  const world = character.extensions.world;
  const names = [...(typeof world === "string" && world ? [world] : []), ...chatBooks];
  for (const name of new Set(names)) {
    try {
      const stored = await getLorebook(name, options);
      if (stored) books.push(stored.book);
      else problems.push(`lorebook "${name}" is not in the library`);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  return { books, problems };
}

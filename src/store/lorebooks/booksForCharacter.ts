import type { Character } from "../../core/cards/character.ts";
import { parseCharacterBook } from "../../core/lorebook/characterBook.ts";
import type { Lorebook } from "../../core/lorebook/model.ts";
import { getLorebook, type LorebookStoreOptions } from "./lorebookFiles.ts";

export interface BooksForCharacterResult {
  books: Lorebook[];
  /** Books named by the card or the chat that are not in the library, or unreadable. */
  problems: string[];
  /** What reading the books repaired or left out (see Lorebook.warnings), one line each. */
  warnings: string[];
  /** Parallel to `books`: 0 the chat's, 1 the character's, 2 global (ActivateLoreOptions.tiers). */
  tiers: number[];
}

export interface BooksForCharacterOptions extends LorebookStoreOptions {
  /** Names of the books every chat uses (settings' globalLorebooks). */
  globalBooks?: string[];
}

/**
 * The books a chat with this character uses, in the order they take the lore
 * budget (SillyTavern's "character first"): the chat's own books, then the
 * character's, then the global books. The character's book is the world book its
 * card names in `extensions.world` when the library has it: that is the card's book
 * as the user imported it, and SillyTavern uses it alone. Otherwise it is the book
 * inside the card, read as SillyTavern converts it on import. A book that is global
 * is used once, as a global book.
 */
export async function booksForCharacter(
  character: Character,
  chatBooks: string[] = [],
  options: BooksForCharacterOptions = {},
): Promise<BooksForCharacterResult> {
  const books: Lorebook[] = [];
  const tiers: number[] = [];
  let tier = 0;
  const problems: string[] = [];
  const globals = options.globalBooks ?? [];
  const isGlobal = new Set(globals.map((n) => n.toLowerCase()));
  const seen = new Set<string>();
  const load = async (name: string, quiet = false): Promise<boolean> => {
    if (seen.has(name.toLowerCase())) return true;
    try {
      const stored = await getLorebook(name, options);
      if (!stored) {
        if (!quiet) problems.push(`lorebook "${name}" is not in the library`);
        return false;
      }
      seen.add(name.toLowerCase());
      books.push(stored.book);
      tiers.push(tier);
      return true;
    } catch (error) {
      problems.push((error as Error).message);
      return false;
    }
  };
  for (const name of chatBooks) if (!isGlobal.has(name.toLowerCase())) await load(name);
  tier = 1;
  const world = typeof character.extensions.world === "string" ? character.extensions.world.trim() : "";
  const embedded = character.character_book;
  const worldUsed = world !== "" && (isGlobal.has(world.toLowerCase()) || (await load(world, embedded !== undefined)));
  if (embedded && !worldUsed) {
    try {
      books.push(parseCharacterBook(embedded, { file: character.name, name: `${character.name} (card)` }));
      tiers.push(tier);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  tier = 2;
  for (const name of globals) await load(name);
  return { books, problems, warnings: books.flatMap((b) => b.warnings ?? []), tiers };
}

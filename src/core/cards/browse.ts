/** What a character browser filters and sorts on; the library's summaries have these fields. */
export interface CardListing {
  name: string;
  tags: string[];
  creator: string;
  /** When the card file last changed (ms since the epoch). */
  mtimeMs: number;
}

export type CardSort = "name" | "recent" | "creator";

/** Case and accents do not matter when searching: "zoe" finds "Zoë". */
function fold(text: string): string {
  return text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
}

export interface CardQuery {
  /** Words that must each appear in the name (or the creator). */
  words: string[];
  /** Tags that must each be on the card, whole tag, from `#tag` or `tag:name` words. */
  tags: string[];
}

/** Splits what was typed in the search box: `#tag` and `tag:"two words"` are tags, the rest name words. */
export function parseCardQuery(input: string): CardQuery {
  const query: CardQuery = { words: [], tags: [] };
  for (const match of input.matchAll(/(#|tag:)?(?:"([^"]*)"|(\S+))/gi)) {
    const value = fold(match[2] ?? match[3] ?? "").trim();
    if (value === "") continue;
    (match[1] ? query.tags : query.words).push(value);
  }
  return query;
}

/** Cards matching every word and every tag of the query, in their original order. */
export function searchCards<T extends CardListing>(cards: readonly T[], input: string): T[] {
  const { words, tags } = parseCardQuery(input);
  if (words.length === 0 && tags.length === 0) return [...cards];
  return cards.filter((card) => {
    const haystack = fold(`${card.name}\n${card.creator}`);
    const cardTags = card.tags.map(fold);
    return words.every((w) => haystack.includes(w) || cardTags.includes(w)) && tags.every((t) => cardTags.includes(t));
  });
}

const collator = new Intl.Collator(undefined, { sensitivity: "base", numeric: true });

/** A sorted copy: by name (natural order, "Card 2" before "Card 10"), most recently changed first, or by creator. */
export function sortCards<T extends CardListing>(cards: readonly T[], by: CardSort): T[] {
  const byName = (a: T, b: T) => collator.compare(a.name, b.name);
  const compare: Record<CardSort, (a: T, b: T) => number> = {
    name: byName,
    recent: (a, b) => b.mtimeMs - a.mtimeMs || byName(a, b),
    creator: (a, b) => collator.compare(a.creator, b.creator) || byName(a, b),
  };
  return [...cards].sort(compare[by]);
}

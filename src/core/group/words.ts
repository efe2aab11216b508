/**
 * The small helpers SillyTavern's group activation is built on (public/scripts/utils.js),
 * reproduced with their quirks: the random numbers they draw, and in what order, are
 * part of who speaks.
 */

/**
 * Every word of the text, lower-cased: runs of ASCII letters, digits and `_` (SillyTavern's
 * `\b\w+\b` without the `u` flag, so "Élodie" gives "lodie" and CJK text gives nothing).
 */
export function extractAllWords(text: string): string[] {
  return [...text.matchAll(/\b\w+\b/g)].map((m) => m[0].toLowerCase());
}

/**
 * Whether the text mentions the name as SillyTavern decides it: one of the text's words is
 * one of the name's words. Taproom's one addition: a name with no ASCII word in it (CJK,
 * Cyrillic) is mentioned when the text holds the whole name, in any case, since
 * SillyTavern's rule could never mention it.
 */
export function mentionedWord(textWords: string[], text: string, name: string): string | undefined {
  const nameWords = extractAllWords(name);
  if (nameWords.length === 0) {
    const whole = name.trim().toLowerCase();
    return whole !== "" && text.toLowerCase().includes(whole) ? whole : undefined;
  }
  return textWords.find((w) => nameWords.includes(w));
}

/**
 * Fisher-Yates from the end, in place, as SillyTavern's shuffle: always n draws (the last
 * one picks index 0 whatever it is).
 */
export function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length; i !== 0; ) {
    const r = Math.floor(random() * i);
    i--;
    [items[i], items[r]] = [items[r]!, items[i]!];
  }
  return items;
}

export const DEFAULT_TALKATIVENESS = 0.5;

/**
 * A card's talkativeness (0 shy to 1 chatty) as SillyTavern reads it: `isNaN(v) ? 0.5 :
 * Number(v)`, so a missing value or "abc" is 0.5, "0.25" is 0.25, and (its quirk) "" and
 * null are 0.
 */
export function talkativenessOf(value: unknown): number {
  const n = typeof value === "symbol" || typeof value === "bigint" ? Number.NaN : Number(value);
  return Number.isNaN(n) ? DEFAULT_TALKATIVENESS : n;
}

/** The first of each item, in order. */
export function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

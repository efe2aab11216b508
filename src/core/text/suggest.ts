/**
 * "Did you mean" for commands, flags and names a person typed: the known name fewest
 * edits away (Damerau-Levenshtein: a swapped pair of letters is one edit, as in
 * `chta` -> `chat`), when it is close enough to be the likely intent.
 */

/** Edits (insert, delete, replace, swap two neighbours) between two strings, case-insensitive. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const d: number[][] = Array.from({ length: s.length + 1 }, (_, i) => [i, ...new Array<number>(t.length).fill(0)]);
  for (let j = 1; j <= t.length; j++) d[0]![j] = j;
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[s.length]![t.length]!;
}

/** The known name closest to `typed`, or undefined when none is within a third of its length (at least 1, at most 3 edits). */
export function closestName(typed: string, known: readonly string[]): string | undefined {
  const limit = Math.min(3, Math.max(1, Math.floor(typed.length / 3)));
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(typed, name);
    if (distance <= limit && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

/** ` (did you mean "chat"?)`, or "" when nothing is close. `quote` false leaves the name bare (a flag: --temperature). */
export function didYouMean(typed: string, known: readonly string[], { prefix = "", quote = true } = {}): string {
  const name = closestName(typed, known);
  if (name === undefined) return "";
  return quote ? ` (did you mean "${prefix}${name}"?)` : ` (did you mean ${prefix}${name}?)`;
}

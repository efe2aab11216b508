/**
 * Where a script's pattern is matched. A pattern from a card is a stranger's code: one
 * like `/(a+)+$/` can run for minutes on one text, and a match cannot be interrupted on
 * the thread that runs it. So core never matches a script's pattern itself: it asks a
 * RegexFinder for the matches, and the app gives it one that runs them in a worker
 * stopped after a time limit (engine/regex/boundedRegexFinder.ts), as regex lore keys are.
 */

/** One match, as String.prototype.replace hands it to a replacer. */
export interface RegexMatch {
  /** Offset of the match in the text. */
  index: number;
  /** [0] is the whole match, then the capture groups (undefined for one that did not take part). */
  groups: (string | undefined)[];
  /** Named groups, when the pattern has any. */
  named?: Record<string, string | undefined>;
}

/** The matches `text.replace(new RegExp(source, flags), …)` visits: all with `g`, else the first. */
export type FindResult = { matches: RegexMatch[] } | { refused: string };

export interface RegexFinder {
  find(source: string, flags: string, text: string): FindResult;
}

/** The matches, found with JS's own replace so `g`, `y`, empty matches and unicode advance exactly as in SillyTavern. */
export function findMatches(re: RegExp, text: string): RegexMatch[] {
  const matches: RegexMatch[] = [];
  re.lastIndex = 0;
  text.replace(re, (...args: unknown[]) => {
    const named = typeof args[args.length - 1] === "object" ? (args.pop() as Record<string, string | undefined> | undefined) : undefined;
    args.pop(); // the whole string
    const index = args.pop() as number;
    matches.push({ index, groups: args as (string | undefined)[], ...(named && { named: { ...named } }) });
    return "";
  });
  return matches;
}

/**
 * Matches on the calling thread, with no time limit: for tests and for text taproom
 * wrote itself. Never for scripts from cards or settings in the app.
 */
export const directRegexFinder: RegexFinder = {
  find(source, flags, text) {
    try {
      return { matches: findMatches(new RegExp(source, flags), text) };
    } catch (error) {
      return { refused: (error as Error).message };
    }
  },
};

// Regex answers computed on the test's own thread, for core tests of activation logic
// (the product runs users' regexes in engine/lore/regexWorker.ts, tested there).
import { RegexAnswers, type RegexAnswer, type RegexMatcher, type RegexQuery } from "../../src/core/lorebook/regexAnswers.ts";

export class InThreadRegexAnswers extends RegexAnswers {
  override answer(regex: RegExp, text: string): RegexAnswer {
    regex.lastIndex = 0;
    return { matched: regex.test(text) };
  }
}

export const inThreadMatcher: RegexMatcher = {
  async match(queries: RegexQuery[]) {
    return queries.map((q) => ({ matched: new RegExp(q.source, q.flags).test(q.text) }));
  },
};

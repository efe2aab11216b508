/**
 * Regex keys are never run by activation itself: a user's pattern can cost minutes on
 * one text (`/.*e.*e.*e.*e.*e.*Q/`), and a match cannot be interrupted on the thread
 * that runs it. Activation asks a `RegexAnswers` instead; answers it does not have yet
 * are collected, resolved by a `RegexMatcher` somewhere that can be stopped (the engine
 * runs them in a worker it terminates past a time limit), and activation runs again.
 */

export interface RegexQuery {
  source: string;
  flags: string;
  text: string;
}

export type RegexAnswer = { matched: boolean } | { refused: string };

/** Runs users' regexes where a slow one cannot freeze the caller. */
export interface RegexMatcher {
  match(queries: RegexQuery[]): Promise<RegexAnswer[]>;
}

const idOf = (regex: { source: string; flags: string }) => `/${regex.source}/${regex.flags}`;

/** Known answers for (pattern, text) pairs, and the questions asked since the last round. */
export class RegexAnswers {
  private known = new Map<string, Map<string, RegexAnswer>>();
  private asked = new Map<string, RegexQuery>();

  /** The answer when known; otherwise undefined, and the question is kept for the next round. */
  answer(regex: RegExp, text: string): RegexAnswer | undefined {
    const id = idOf(regex);
    const hit = this.known.get(id)?.get(text);
    if (hit) return hit;
    this.asked.set(`${id}\u0000${text}`, { source: regex.source, flags: regex.flags, text });
    return undefined;
  }

  takeAsked(): RegexQuery[] {
    const out = [...this.asked.values()];
    this.asked.clear();
    return out;
  }

  learn(queries: RegexQuery[], answers: RegexAnswer[]): void {
    queries.forEach((q, i) => {
      const id = idOf(q);
      let byText = this.known.get(id);
      if (!byText) this.known.set(id, (byText = new Map()));
      byText.set(q.text, answers[i] ?? { refused: "no answer from the regex matcher" });
    });
  }
}

/** Activation is deterministic, so each round asks only about texts the previous answers revealed (recursion). */
const MAX_ROUNDS = 32;

/**
 * Runs `run` until it asks no new regex question, answering each round's questions
 * with `matcher` in one batch. A book without regex keys runs once.
 */
export async function withRegexAnswers<T>(run: (answers: RegexAnswers) => T, matcher: RegexMatcher): Promise<T> {
  const answers = new RegexAnswers();
  for (let round = 0; ; round++) {
    const result = run(answers);
    const asked = answers.takeAsked();
    if (asked.length === 0) return result;
    if (round >= MAX_ROUNDS) {
      answers.learn(asked, asked.map(() => ({ refused: `not tried: activation asked for more than ${MAX_ROUNDS} rounds of regex answers` })));
      return run(answers);
    }
    answers.learn(asked, await matcher.match(asked));
  }
}

// Small hand-made books and one activation pass over plain messages, for lorebook tests.
import { activateLore, type ActivateLoreOptions } from "../../src/core/lorebook/activate.ts";
import { InThreadRegexAnswers } from "./regexAnswers.ts";
import { defaultEntry, type LoreEntry, type Lorebook } from "../../src/core/lorebook/model.ts";

export function book(entries: Partial<LoreEntry>[], name = "b"): Lorebook {
  return { name, extra: {}, entries: entries.map((e, i) => ({ ...defaultEntry(i), ...e })) };
}

/** About four characters a token, as the tests' budgets assume. */
export const chars = (t: string) => Math.ceil(t.length / 4);

export function run(b: Lorebook | Lorebook[], text: string | string[], more: Partial<ActivateLoreOptions> = {}) {
  const messages = (Array.isArray(text) ? text : [text]).map((t) => ({ text: t }));
  return activateLore({ books: Array.isArray(b) ? b : [b], messages, contextSize: 8192, tokenize: chars, regex: new InThreadRegexAnswers(), ...more });
}

export const fired = (r: ReturnType<typeof run>) => r.insertions.map((i) => i.content);

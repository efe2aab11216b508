import type { LoreEntry, Lorebook } from "./model.ts";
import { compileRegexKey, isRegexKey } from "./regexKey.ts";

/** A key prepared once per book version, reused across turns. */
export type CompiledKey =
  | { kind: "word"; raw: string; word: string; lower: string }
  | { kind: "text"; raw: string; text: string }
  | { kind: "regex"; raw: string; regex: RegExp }
  | { kind: "invalid"; raw: string; problem: string }
  /** Holds a macro: expanded and matched at activation time. */
  | { kind: "macro"; raw: string };

export interface CompiledEntry {
  entry: LoreEntry;
  /** "book/uid", the entry's id in verdicts and insertions. */
  id: string;
  primary: CompiledKey[];
  secondary: CompiledKey[];
}

export interface CompiledLorebook {
  book: Lorebook;
  entries: CompiledEntry[];
  /** Token counts of entry contents, per tokenizer. */
  tokens: WeakMap<(text: string) => number, Map<number, number>>;
}

const SINGLE_WORD = /^[\p{L}\p{N}_]+$/u;

export function compileKey(raw: string): CompiledKey {
  const key = raw.trim();
  if (key.includes("{{") || key.includes("<USER>") || key.includes("<BOT>")) return { kind: "macro", raw };
  if (isRegexKey(key)) {
    const r = compileRegexKey(key);
    return r.ok ? { kind: "regex", raw, regex: r.regex } : { kind: "invalid", raw, problem: r.problem };
  }
  return SINGLE_WORD.test(key) ? { kind: "word", raw, word: key, lower: key.toLowerCase() } : { kind: "text", raw, text: key };
}

const cache = new WeakMap<Lorebook, CompiledLorebook>();

/**
 * Compiles a book once; later calls with the same book object reuse the result.
 * Books are treated as immutable values: an edited book is a new object.
 */
export function compileLorebook(book: Lorebook): CompiledLorebook {
  const hit = cache.get(book);
  if (hit) return hit;
  const keyCache = new Map<string, CompiledKey>();
  const key = (k: string) => {
    let c = keyCache.get(k);
    if (!c) { c = compileKey(k); keyCache.set(k, c); }
    return c;
  };
  const compiled: CompiledLorebook = {
    book,
    entries: book.entries.map((entry) => ({ entry, id: `${book.name}/${entry.uid}`, primary: entry.key.map(key), secondary: entry.keysecondary.map(key) })),
    tokens: new WeakMap(),
  };
  cache.set(book, compiled);
  return compiled;
}

const WORD_RUN = /[\p{L}\p{N}_]+/gu;

/** A scanned text with its word sets, built once per text per pass. */
export class ScanIndex {
  readonly lower: string;
  readonly lowerWords = new Set<string>();
  private exact?: Set<string>;
  constructor(readonly text: string) {
    this.lower = text.toLowerCase();
    for (const m of this.lower.matchAll(WORD_RUN)) this.lowerWords.add(m[0]);
  }
  /** Case-sensitive words, built only when a case-sensitive key asks. */
  get words(): Set<string> {
    if (!this.exact) {
      this.exact = new Set();
      for (const m of this.text.matchAll(WORD_RUN)) this.exact.add(m[0]);
    }
    return this.exact;
  }
}

export function indexText(text: string): ScanIndex {
  return new ScanIndex(text);
}

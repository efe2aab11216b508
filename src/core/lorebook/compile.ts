import { decoratedEntry, parseDecorators, type EntryDecorators } from "./decorators.ts";
import { characterFilterOf, triggersOf, type CharacterFilter } from "./filters.ts";
import type { LoreEntry, Lorebook } from "./model.ts";
import { compileRegexKey, isRegexKey } from "./regexKey.ts";
import { NeedleMatcher } from "./needleMatcher.ts";

/**
 * A book's plain keys, lower-cased, for finding which occur in a text in one pass. The
 * matcher is built the first time a scan asks, so books that never need it pay nothing.
 */
export class NeedleSet {
  readonly needles: string[] = [];
  private matcher?: NeedleMatcher;
  add(needle: string): number {
    this.needles.push(needle);
    return this.needles.length - 1;
  }
  findIn(text: string): Uint8Array {
    this.matcher ??= new NeedleMatcher(this.needles);
    return this.matcher.findIn(text);
  }
}

/** Where a key's lower-cased text sits in its book's needle set. */
export interface Needle {
  set: NeedleSet;
  id: number;
}

/** A key prepared once per book version, reused across turns. */
export type CompiledKey =
  | { kind: "word"; raw: string; word: string; lower: string; needle?: Needle }
  /** `note`: why a key written like a regex is matched as text (SillyTavern does the same). */
  | { kind: "text"; raw: string; text: string; needle?: Needle; note?: string }
  | { kind: "regex"; raw: string; regex: RegExp }
  | { kind: "invalid"; raw: string; problem: string }
  /**
   * Only white space: SillyTavern trims it to an empty needle, which is found in any text
   * (while a key that is empty from the start is never found).
   */
  | { kind: "blank"; raw: string }
  /** Holds a macro: expanded and matched at activation time. */
  | { kind: "macro"; raw: string };

/** What limits when an entry may fire beyond its keys; absent on most entries. */
export interface EntryRules {
  triggers: string[] | null;
  characterFilter: CharacterFilter | null;
  decorators: EntryDecorators | null;
  /** `@@additional_keys` and `@@exclude_keys`, compiled as keys are. */
  additional: CompiledKey[];
  exclude: CompiledKey[];
}

export interface CompiledEntry {
  /** The entry as activation uses it: decorators applied, their lines cut from the content. */
  entry: LoreEntry;
  /** The entry as stored. */
  source: LoreEntry;
  rules: EntryRules | null;
  /** Cache for entryFingerprint. */
  fingerprint?: string;
  /** "book/uid", the entry's id in verdicts and insertions. */
  id: string;
  primary: CompiledKey[];
  secondary: CompiledKey[];
  /** Every primary key is a single word: with whole-word matching, it can only fire if one of them is a word of the text. */
  wordsOnly: boolean;
}

export interface CompiledLorebook {
  book: Lorebook;
  entries: CompiledEntry[];
  /** Token counts of entry contents, per tokenizer. */
  tokens: WeakMap<(text: string) => number, Map<number, number>>;
  /** Lower-cased primary word -> indexes of wordsOnly entries that have it. */
  wordIndex: Map<string, number[]>;
  /** Distinct delay-until-recursion levels of enabled entries, ascending. */
  delayLevels: number[];
  /** Per-activation scratch objects reused between turns (owned by activate.ts). */
  scratch: Map<string, unknown>;
}

const SINGLE_WORD = /^[\p{L}\p{N}_]+$/u;

/**
 * A regex key as SillyTavern recognises one (parseRegexFromString): `/pattern/flags` with
 * only JavaScript's flags and every `/` inside escaped. Anything else is plain text, and so
 * is a pattern JavaScript cannot compile.
 */
function looksLikeRegex(key: string): boolean {
  const m = /^\/([\w\W]+?)\/([gimsuy]*)$/.exec(key);
  return m !== null && !/(^|[^\\])\//.test(m[1]!) && isRegexKey(key);
}

export function compileKey(raw: string): CompiledKey {
  const key = raw.trim();
  if (raw !== "" && key === "") return { kind: "blank", raw };
  if (key.includes("{{") || /<(?:USER|BOT|CHAR)>/i.test(key)) return { kind: "macro", raw };
  if (looksLikeRegex(key)) {
    const r = compileRegexKey(key);
    if (r.ok) return { kind: "regex", raw, regex: r.regex };
    if (!r.problem.startsWith("invalid regex")) return { kind: "invalid", raw, problem: r.problem };
    return { kind: "text", raw, text: key, needle: undefined, note: `${r.problem}; matched as plain text, as SillyTavern does` };
  }
  // `needle` is set later by the book; present from the start so every key keeps one shape on the hot path.
  return SINGLE_WORD.test(key) ? { kind: "word", raw, word: key, lower: key.toLowerCase(), needle: undefined } : { kind: "text", raw, text: key, needle: undefined, note: undefined };
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
  const entries = book.entries.map((source): CompiledEntry => {
    const parsed = parseDecorators(source.content);
    const entry = decoratedEntry(source, parsed);
    const primary = entry.key.map(key);
    const d = parsed.decorators;
    const triggers = triggersOf(source);
    const characterFilter = characterFilterOf(source);
    const rules = d || triggers || characterFilter
      ? { triggers, characterFilter, decorators: d, additional: d ? d.additionalKeys.map(key) : [], exclude: d ? d.excludeKeys.map(key) : [] }
      : null;
    return { entry, source, rules, id: `${book.name}/${entry.uid}`, primary, secondary: entry.keysecondary.map(key), wordsOnly: primary.length > 0 && primary.every((k) => k.kind === "word") };
  });
  const wordIndex = new Map<string, number[]>();
  entries.forEach((ce, i) => {
    if (!ce.wordsOnly) return;
    for (const k of ce.primary) {
      const w = (k as { lower: string }).lower;
      const list = wordIndex.get(w);
      if (!list) wordIndex.set(w, [i]);
      else if (list[list.length - 1] !== i) list.push(i);
    }
  });
  // Phrases and, for scans without whole-word matching, words: each found in one pass over the text.
  const phrases = new NeedleSet();
  const words = new NeedleSet();
  for (const k of keyCache.values()) {
    if (k.kind === "text" && k.text !== "") k.needle = { set: phrases, id: phrases.add(k.text.toLowerCase()) };
    else if (k.kind === "word") k.needle = { set: words, id: words.add(k.lower) };
  }
  const delayLevels = [...new Set(book.entries.filter((e) => !e.disable && e.delayUntilRecursion > 0).map((e) => e.delayUntilRecursion))].sort((a, b) => a - b);
  const compiled: CompiledLorebook = { book, entries, tokens: new WeakMap(), wordIndex, delayLevels, scratch: new Map() };
  cache.set(book, compiled);
  return compiled;
}

/**
 * A short hash of what an entry's timed effects depend on: keys, content and timing
 * as stored. A sticky or cooldown set under another fingerprint belongs to an older
 * version of the entry and is dropped.
 */
export function entryFingerprint(ce: CompiledEntry): string {
  if (ce.fingerprint === undefined) {
    const e = ce.source;
    const text = JSON.stringify([e.key, e.keysecondary, e.selective, e.selectiveLogic, e.constant, e.content, e.sticky, e.cooldown, e.delay]);
    let h = 2166136261;
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
    ce.fingerprint = h.toString(36);
  }
  return ce.fingerprint;
}

const WORD_RUN = /[\p{L}\p{N}_]+/gu;

/** A scanned text with its word sets, built once per text per pass. */
export class ScanIndex {
  readonly lower: string;
  readonly lowerWords = new Set<string>();
  private exact?: Set<string>;
  private hits = new WeakMap<CompiledLorebook, Uint8Array>();
  private found = new WeakMap<NeedleSet, Uint8Array>();
  constructor(readonly text: string) {
    this.lower = text.toLowerCase();
    for (const m of this.lower.matchAll(WORD_RUN)) this.lowerWords.add(m[0]);
  }
  /**
   * For each entry of the book, 1 when one of its words occurs in this text: the
   * scan walks the text's words (linear in the text), not every key of every entry.
   */
  wordHits(book: CompiledLorebook): Uint8Array {
    let hits = this.hits.get(book);
    if (!hits) {
      hits = new Uint8Array(book.entries.length);
      for (const w of this.lowerWords) {
        const list = book.wordIndex.get(w);
        if (list) for (const i of list) hits[i] = 1;
      }
      this.hits.set(book, hits);
    }
    return hits;
  }
  /** Whether the key's lower-cased text occurs in the lower-cased text (one pass per book's set, then a lookup). */
  contains(needle: Needle): boolean {
    let found = this.found.get(needle.set);
    if (!found) {
      found = needle.set.findIn(this.lower);
      this.found.set(needle.set, found);
    }
    return found[needle.id] === 1;
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

const recent: ScanIndex[] = [];

/** Indexes a text; the last few are kept, so a turn that scans the same text as the one before (a swipe) reuses the work. */
export function indexText(text: string): ScanIndex {
  const hit = recent.find((i) => i.text === text);
  if (hit) return hit;
  const idx = new ScanIndex(text);
  recent.unshift(idx);
  if (recent.length > 4) recent.pop();
  return idx;
}

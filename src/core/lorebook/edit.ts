import { compileKey } from "./compile.ts";
import { defaultEntry, type LoreEntry, type Lorebook } from "./model.ts";

/** An edit that would leave the book unusable; the message names the entry and field. */
export class LorebookEditError extends Error {
  constructor(readonly book: string, readonly uid: number | null, readonly field: string, problem: string) {
    super(`${book}${uid === null ? "" : ` #${uid}`}: ${field}: ${problem}`);
    this.name = "LorebookEditError";
  }
}

export interface EntryProblem { field: string; problem: string }

const RANGES: [keyof LoreEntry, number, number][] = [
  ["position", 0, 6], ["role", 0, 2], ["selectiveLogic", 0, 3], ["probability", 0, 100], ["depth", 0, 1000],
  ["groupWeight", 0, 1_000_000], ["delayUntilRecursion", 0, 1000],
];
const OPTIONAL_COUNTS: (keyof LoreEntry)[] = ["scanDepth", "sticky", "cooldown", "delay"];

/**
 * What is wrong with an entry as an editor would save it: out-of-range numbers and
 * regex keys that cannot be used (invalid or refused as too costly).
 */
export function entryProblems(e: LoreEntry): EntryProblem[] {
  const out: EntryProblem[] = [];
  for (const [field, min, max] of RANGES) {
    const v = e[field] as number;
    if (!Number.isInteger(v) || v < min || v > max) out.push({ field, problem: `must be a whole number from ${min} to ${max}` });
  }
  if (!Number.isFinite(e.order)) out.push({ field: "order", problem: "must be a number" });
  for (const field of OPTIONAL_COUNTS) {
    const v = e[field] as number | null;
    if (v !== null && (!Number.isInteger(v) || v < 0)) out.push({ field, problem: "must be empty or a whole number of messages, 0 or more" });
  }
  for (const [field, keys] of [["key", e.key], ["keysecondary", e.keysecondary]] as const) {
    keys.forEach((k, i) => {
      const c = compileKey(k);
      if (c.kind === "invalid") out.push({ field: `${field}[${i}]`, problem: `${k}: ${c.problem}` });
      else if (c.kind === "text" && c.note) out.push({ field: `${field}[${i}]`, problem: `${k}: ${c.note}` });
    });
  }
  return out;
}

function check(book: Lorebook, e: LoreEntry): void {
  const [first] = entryProblems(e);
  if (first) throw new LorebookEditError(book.name, e.uid, first.field, first.problem);
}

/** The book with this entry (matched by uid) replaced. Books are values: a new object, so compiled keys are rebuilt. */
export function updateEntry(book: Lorebook, entry: LoreEntry): Lorebook {
  const at = book.entries.findIndex((e) => e.uid === entry.uid);
  if (at < 0) throw new LorebookEditError(book.name, entry.uid, "uid", "no such entry in this book");
  check(book, entry);
  const entries = book.entries.slice();
  entries[at] = entry;
  return { ...book, entries };
}

/** Adds an entry with the next free uid (and the defaults SillyTavern uses); returns the book and the entry. */
export function addEntry(book: Lorebook, fields: Partial<Omit<LoreEntry, "uid">> = {}): { book: Lorebook; entry: LoreEntry } {
  const uid = book.entries.reduce((m, e) => Math.max(m, e.uid), -1) + 1;
  const entry: LoreEntry = { ...defaultEntry(uid), ...fields, uid };
  check(book, entry);
  return { book: { ...book, entries: [...book.entries, entry] }, entry };
}

export function removeEntry(book: Lorebook, uid: number): Lorebook {
  if (!book.entries.some((e) => e.uid === uid)) throw new LorebookEditError(book.name, uid, "uid", "no such entry in this book");
  return { ...book, entries: book.entries.filter((e) => e.uid !== uid) };
}

export function emptyLorebook(name: string): Lorebook {
  if (!name.trim()) throw new LorebookEditError(name, null, "name", "a book needs a name");
  return { name: name.trim(), entries: [], extra: {} };
}

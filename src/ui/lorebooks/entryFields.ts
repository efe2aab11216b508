/**
 * The entry editor's fields as pure functions: how each is shown, edited as text or
 * changed with a key, and validated. The screen only moves between them.
 */
import { OUTLET_POSITION, outletNameOf, type LoreEntry } from "../../core/lorebook/model.ts";

/** A value the person typed that the field cannot take; the message says what it can. */
export class EntryValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EntryValueError";
  }
}

export type FieldKind = "text" | "list" | "multiline" | "number" | "choice";

export interface EntryField {
  id: string;
  label: string;
  kind: FieldKind;
  /** The value as one line (not yet made terminal-safe). */
  show(e: LoreEntry): string;
  /** Text fields: the value to edit, and the entry with the typed text applied (or EntryValueError). */
  text?(e: LoreEntry): string;
  apply?(e: LoreEntry, text: string): LoreEntry;
  /** Choice fields: the entry with the next (1) or previous (-1) value. */
  cycle?(e: LoreEntry, direction: 1 | -1): LoreEntry;
  /** A few words on what the value does, shown while it is typed. */
  hint?: string;
}

/** Selective logic in the order people read it; values are SillyTavern's numbers. */
export const LOGICS: Array<[number, string]> = [[0, "AND ANY"], [3, "AND ALL"], [2, "NOT ANY"], [1, "NOT ALL"]];
export const POSITIONS: Array<[number, string]> = [
  [0, "before char"], [1, "after char"], [5, "before examples"], [6, "after examples"], [2, "AN top"], [3, "AN bottom"], [4, "at depth"],
  [OUTLET_POSITION, "outlet"],
];
const ROLES: Array<[number, string]> = [[0, "system"], [1, "user"], [2, "assistant"]];

export function positionName(e: LoreEntry): string {
  const name = POSITIONS.find(([v]) => v === e.position)?.[1] ?? `position ${e.position}`;
  if (e.position === OUTLET_POSITION) return `${name} ${outletNameOf(e) || "(no name)"}`;
  return e.position === 4 ? `${name} ${e.depth} (${ROLES.find(([v]) => v === e.role)?.[1] ?? "system"})` : name;
}

/**
 * SillyTavern keeps the name as `outletName` (a card's book: `extensions.outlet_name`).
 * Typed names are trimmed: `{{outlet::name}}` trims its name, so spaces around one
 * could never match. An empty name is written only where the entry had the field, so
 * a book that never used outlets is saved as it was.
 */
const outletField: EntryField = {
  id: "outletName", label: "Outlet name", kind: "text", hint: "used by {{outlet::name}}",
  show: (e) => outletNameOf(e) || (e.position === OUTLET_POSITION ? "none: the entry goes nowhere" : ""),
  text: (e) => outletNameOf(e),
  apply: (e, t) => {
    const name = t.replace(/\n/g, " ").trim();
    return name || e.extra.outletName !== undefined ? { ...e, extra: { ...e.extra, outletName: name } } : e;
  },
};

function step<T>(options: Array<[T, string]>, current: T, direction: 1 | -1): T {
  const at = options.findIndex(([v]) => v === current);
  const next = (Math.max(0, at) + direction + options.length) % options.length;
  return (options[next] ?? options[0]!)[0];
}

function choice<K extends keyof LoreEntry>(id: K, label: string, options: Array<[LoreEntry[K], string]>): EntryField {
  return {
    id, label, kind: "choice",
    show: (e) => options.find(([v]) => v === e[id])?.[1] ?? String(e[id]),
    cycle: (e, d) => ({ ...e, [id]: step(options, e[id], d) }),
  };
}

const onOff: Array<[boolean, string]> = [[true, "on"], [false, "off"]];
const triState: Array<[boolean | null, string]> = [[null, "book default"], [true, "on"], [false, "off"]];

function integer(label: string, raw: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const text = raw.trim();
  const value = Number(text);
  const range = max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `from ${min} to ${max}`;
  if (text === "" || !Number.isInteger(value) || value < min || value > max) {
    throw new EntryValueError(`${label} must be a whole number ${range}, got "${text}"`);
  }
  return value;
}

function number<K extends "order" | "depth" | "probability" | "groupWeight">(id: K, label: string, min: number, max?: number, also?: (e: LoreEntry) => Partial<LoreEntry>): EntryField {
  return {
    id, label, kind: "number",
    show: (e) => String(e[id]),
    text: (e) => String(e[id]),
    apply: (e, t) => ({ ...e, [id]: integer(label, t, min, max), ...also?.(e) }),
  };
}

/** A count that may be left unset: empty text means `unset` (the book's setting, or off). */
function optionalCount<K extends "sticky" | "cooldown" | "delay" | "scanDepth">(id: K, label: string, unset: string, max: number): EntryField {
  return {
    id, label, kind: "number",
    show: (e) => (e[id] === null ? unset : String(e[id])),
    text: (e) => (e[id] === null ? "" : String(e[id])),
    apply: (e, t) => ({ ...e, [id]: t.trim() === "" ? null : integer(label, t, 0, max) }),
  };
}

const COMPLETE_REGEX = /^\/(?:\\.|[^\\])+\/[a-z]*$/;

/**
 * Keys are typed comma-separated; a pasted list may use new lines too. A regex key keeps
 * its commas (`/\d{1,3} gold/i`); one that never closes is plain text, split as usual.
 */
export function parseKeys(text: string): string[] {
  const keys: string[] = [];
  for (const line of text.split("\n")) {
    let pending: string | null = null;
    for (const piece of line.split(",")) {
      const joined: string = pending === null ? piece : `${pending},${piece}`;
      if (COMPLETE_REGEX.test(joined.trim()) || !joined.trimStart().startsWith("/")) {
        keys.push(joined);
        pending = null;
      } else pending = joined;
    }
    if (pending !== null) keys.push(...pending.split(","));
  }
  return keys.map((k) => k.trim()).filter(Boolean);
}

export const ENTRY_FIELDS: EntryField[] = [
  { id: "comment", label: "Title", kind: "text", show: (e) => e.comment, text: (e) => e.comment, apply: (e, t) => ({ ...e, comment: t.replace(/\n/g, " ").trim() }) },
  { id: "key", label: "Keys", kind: "list", show: (e) => e.key.join(", "), text: (e) => e.key.join(", "), apply: (e, t) => ({ ...e, key: parseKeys(t) }) },
  {
    id: "keysecondary", label: "Secondary keys", kind: "list",
    show: (e) => e.keysecondary.join(", "), text: (e) => e.keysecondary.join(", "),
    // Secondary keys only count on a selective entry.
    apply: (e, t) => {
      const keysecondary = parseKeys(t);
      return { ...e, keysecondary, selective: keysecondary.length > 0 ? true : e.selective };
    },
  },
  choice("selectiveLogic", "Logic", LOGICS),
  {
    id: "content", label: "Content", kind: "multiline",
    show: (e) => {
      const lines = e.content.split("\n");
      return lines.length > 1 ? `${lines[0]} … (${lines.length} lines)` : e.content;
    },
    text: (e) => e.content,
    apply: (e, t) => ({ ...e, content: t }),
  },
  choice("position", "Position", POSITIONS),
  number("depth", "Depth", 0, 10000),
  choice("role", "Role (at depth)", ROLES),
  outletField,
  number("order", "Order", -100000, 100000),
  number("probability", "Probability", 0, 100, () => ({ useProbability: true })),
  { id: "group", label: "Group", kind: "text", show: (e) => e.group, text: (e) => e.group, apply: (e, t) => ({ ...e, group: t.replace(/\n/g, " ").trim() }) },
  {
    id: "enabled", label: "Enabled", kind: "choice",
    show: (e) => (e.disable ? "off" : "on"),
    cycle: (e) => ({ ...e, disable: !e.disable }),
  },
  choice("constant", "Constant", onOff),
  choice("caseSensitive", "Case-sensitive", triState),
  choice("matchWholeWords", "Whole words", triState),
  choice("excludeRecursion", "Exclude recursion", onOff),
  choice("preventRecursion", "Prevent recursion", onOff),
  {
    id: "delayUntilRecursion", label: "Delay until recursion", kind: "choice",
    show: (e) => (e.delayUntilRecursion > 1 ? `on (level ${e.delayUntilRecursion})` : e.delayUntilRecursion ? "on" : "off"),
    cycle: (e) => ({ ...e, delayUntilRecursion: e.delayUntilRecursion > 0 ? 0 : 1 }),
  },
  number("groupWeight", "Group weight", 1, 100000),
  choice("groupOverride", "Group override", onOff),
  optionalCount("scanDepth", "Scan depth", "book default", 1000),
  optionalCount("sticky", "Sticky (messages)", "off", 100000),
  optionalCount("cooldown", "Cooldown (messages)", "off", 100000),
  optionalCount("delay", "Delay (messages)", "off", 100000),
];

/** One row of the entry list: title, markers and where it goes. */
export function entryTitle(e: LoreEntry): string {
  return e.comment.trim() || e.key.slice(0, 3).join(", ") || "(untitled)";
}

export function entryMarkers(e: LoreEntry): string {
  return `${e.disable ? "off" : "on "} ${e.constant ? "const" : "     "}`;
}

export function entryDetail(e: LoreEntry): string {
  const keys = e.key.length ? e.key.join(", ") : "no keys";
  return `${keys} · ${positionName(e)} · order ${e.order}`;
}

/** Entries whose title or any key contains the query, case-insensitively. */
export function searchEntries(entries: LoreEntry[], query: string): LoreEntry[] {
  const q = query.trim().toLowerCase();
  if (!q) return entries;
  return entries.filter((e) => e.comment.toLowerCase().includes(q) || [...e.key, ...e.keysecondary].some((k) => k.toLowerCase().includes(q)));
}

/** A new entry's uid: one past the largest in the book. */
export function nextUid(entries: LoreEntry[]): number {
  return entries.reduce((max, e) => Math.max(max, e.uid), -1) + 1;
}

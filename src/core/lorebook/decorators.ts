/**
 * Character Card V3 content decorators: `@@name value` lines at the start of an
 * entry's content. Only the text used for activation and the prompt loses them; the
 * stored content is never rewritten, so a book exports byte for byte as it came in.
 */
import type { LoreEntry } from "./model.ts";

export interface EntryDecorators {
  /** `@@activate`: a match in any case (still subject to probability, groups and budget, as in SillyTavern). */
  activate: boolean;
  /** `@@dont_activate`: never a match unless `@@activate` is there too. */
  dontActivate: boolean;
  /** `@@constant`: as the entry's own `constant`. */
  constant: boolean;
  /** `@@depth N`: inserted at depth N (ignored when `@@position` is given). */
  depth?: number;
  /** `@@role`: 0 system, 1 user, 2 assistant. */
  role?: number;
  scanDepth?: number;
  /** `@@position`, as the entry's position number (0 before the character ... 6 after examples). */
  position?: number;
  /** `@@activate_only_after N`: not before the chat has N character messages. */
  activateOnlyAfter?: number;
  /** `@@activate_only_every N`: only when the character message count is a multiple of N. */
  activateOnlyEvery?: number;
  /** `@@is_greeting N`: only in a chat opened with greeting N (0 = first_mes, 1.. = alternates). */
  isGreeting?: number;
  /** `@@additional_keys`: one of these must be in the scanned text too. */
  additionalKeys: string[];
  /** `@@exclude_keys`: none of these may be in the scanned text. */
  excludeKeys: string[];
  /** Decorator lines not acted on (unknown, unsupported, bad value or repeated), as written. */
  ignored: string[];
}

export interface ParsedContent {
  /** null when the content has no decorator lines. */
  decorators: EntryDecorators | null;
  /** The content as it goes into the prompt: decorator lines and the blank lines after them removed. */
  content: string;
}

/** `@@position` values: the spec's two that map onto taproom, then taproom's own position names. */
const POSITIONS: Record<string, number> = {
  before_desc: 0, after_desc: 1,
  before_char: 0, after_char: 1, an_top: 2, an_bottom: 3, before_examples: 5, after_examples: 6,
};
const ROLES: Record<string, number> = { system: 0, user: 1, assistant: 2 };
/** The deepest depth or scan depth an entry may ask for (the editor's range). */
const MAX_DEPTH = 1000;

const LINE = /^@@@?([A-Za-z_][A-Za-z0-9_]*)(?:[ \t]+(.*))?$/;

function integer(value: string): number | undefined {
  return /^[+-]?\d+$/.test(value) ? Number(value) : undefined;
}

function keyList(value: string): string[] {
  return value.split(",").map((k) => k.trim()).filter(Boolean);
}

/** Applies one decorator; false when it is not acted on (so a fallback may be tried). */
function apply(d: EntryDecorators, seen: Set<string>, name: string, value: string): boolean {
  // The spec: of several decorators with one name, only the first counts.
  if (seen.has(name)) return false;
  const flag = value === "" || value === "true";
  const n = integer(value);
  switch (name) {
    case "activate": if (!flag) return false; d.activate = true; break;
    case "dont_activate": if (!flag) return false; d.dontActivate = true; break;
    case "constant": if (!flag) return false; d.constant = true; break;
    // Below 1 means "after the most recent message": depth 0.
    case "depth": if (n === undefined) return false; d.depth = Math.min(MAX_DEPTH, Math.max(0, n)); break;
    case "scan_depth": if (n === undefined || n < 0) return false; d.scanDepth = Math.min(MAX_DEPTH, n); break;
    case "role": {
      const r = ROLES[value.toLowerCase()];
      if (r === undefined) return false;
      d.role = r;
      break;
    }
    case "position": {
      const p = POSITIONS[value.toLowerCase()];
      if (p === undefined) return false;
      d.position = p;
      break;
    }
    case "activate_only_after": if (n === undefined || n < 0) return false; d.activateOnlyAfter = n; break;
    case "activate_only_every": if (n === undefined || n < 1) return false; d.activateOnlyEvery = n; break;
    case "is_greeting": if (n === undefined || n < 0) return false; d.isGreeting = n; break;
    case "additional_keys": case "exclude_keys": {
      const keys = keyList(value);
      if (keys.length === 0) return false;
      if (name === "additional_keys") d.additionalKeys = keys;
      else d.excludeKeys = keys;
      break;
    }
    default: return false;
  }
  seen.add(name);
  return true;
}

/**
 * Splits an entry's content into its decorators and the text that is inserted. The
 * header is the run of lines starting with `@@` (blank lines before it allowed). A
 * `@@@name` line is a fallback: tried only when the decorator before it (or the
 * fallback before that) was not acted on. Unknown decorators are skipped, never an error.
 */
export function parseDecorators(content: string): ParsedContent {
  if (!content.includes("@@")) return { decorators: null, content };
  const lines = content.split("\n");
  let at = 0;
  while (at < lines.length && lines[at]!.trim() === "") at++;
  if (at >= lines.length || !lines[at]!.startsWith("@@")) return { decorators: null, content };
  const d: EntryDecorators = { activate: false, dontActivate: false, constant: false, additionalKeys: [], excludeKeys: [], ignored: [] };
  const seen = new Set<string>();
  // True while the decorator above and its fallbacks so far were not acted on.
  let wantFallback = false;
  for (; at < lines.length && lines[at]!.startsWith("@@"); at++) {
    const line = lines[at]!.replace(/\r$/, "");
    const fallback = line.startsWith("@@@");
    if (fallback && !wantFallback) continue;
    const m = LINE.exec(line);
    const done = m !== null && apply(d, seen, m[1]!, (m[2] ?? "").trim());
    if (!done) d.ignored.push(line);
    wantFallback = !done;
  }
  while (at < lines.length && lines[at]!.trim() === "") at++;
  return { decorators: d, content: lines.slice(at).join("\n") };
}

/**
 * The entry as activation sees it: content without the decorator lines, and the
 * decorators that restate a field (constant, position, depth, role, scan depth)
 * written over it. The stored entry is not changed.
 */
export function decoratedEntry(entry: LoreEntry, parsed: ParsedContent): LoreEntry {
  const d = parsed.decorators;
  if (!d) return entry;
  const e: LoreEntry = { ...entry, content: parsed.content };
  if (d.constant) e.constant = true;
  if (d.position !== undefined) e.position = d.position;
  else if (d.depth !== undefined) { e.position = 4; e.depth = d.depth; }
  if (d.role !== undefined) e.role = d.role;
  if (d.scanDepth !== undefined) e.scanDepth = d.scanDepth;
  return e;
}

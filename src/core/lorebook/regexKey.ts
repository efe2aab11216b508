/** Regex keys (`/pattern/flags`) come from strangers: compile only patterns whose cost is bounded. */
export const MAX_PATTERN_LENGTH = 300;

export type RegexKeyResult = { ok: true; regex: RegExp } | { ok: false; problem: string };

export function isRegexKey(key: string): boolean {
  return /^\/[\s\S]+\/[a-z]*$/.test(key);
}

const BACKREFERENCE = /\\[1-9]|\\k</;
const QUANTIFIER_AT = /^(?:[+*]|\{\d+,?\d*\})/;

/**
 * True when a group that contains a quantifier or an alternation is itself
 * quantified, at any nesting: (a+)+, ((a+))*, (x|xx)*, (.*a){20}. These are the
 * shapes of catastrophic backtracking.
 */
export function hasNestedQuantifier(pattern: string): boolean {
  const stack: { risky: boolean }[] = [];
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === "\\") { i++; continue; }
    if (inClass) { if (ch === "]") inClass = false; continue; }
    if (ch === "[") { inClass = true; continue; }
    const top = stack[stack.length - 1];
    if (ch === "(") { stack.push({ risky: false }); continue; }
    if (ch === ")") {
      const group = stack.pop();
      const quantified = QUANTIFIER_AT.test(pattern.slice(i + 1, i + 12));
      if (group?.risky && quantified) return true;
      const parent = stack[stack.length - 1];
      if (parent && (group?.risky || quantified)) parent.risky = true;
      continue;
    }
    if (top && (ch === "|" || QUANTIFIER_AT.test(pattern.slice(i, i + 12)) || ch === "?")) {
      if (ch !== "?" || pattern[i - 1] !== "(") top.risky = true;
    }
  }
  return false;
}

export function compileRegexKey(key: string): RegexKeyResult {
  const m = /^\/([\s\S]+)\/([a-z]*)$/.exec(key);
  if (!m) return { ok: false, problem: "not a /pattern/flags key" };
  const [, pattern = "", flags = ""] = m;
  if (pattern.length > MAX_PATTERN_LENGTH) return { ok: false, problem: `pattern longer than ${MAX_PATTERN_LENGTH} characters` };
  if (BACKREFERENCE.test(pattern)) return { ok: false, problem: "backreferences are refused (unbounded matching cost)" };
  if (hasNestedQuantifier(pattern)) {
    return { ok: false, problem: "nested quantifier refused (catastrophic backtracking)" };
  }
  if (hasOverlappingQuantifiers(pattern, flags.includes("i"))) {
    return { ok: false, problem: "adjacent repeats of the same characters refused (catastrophic backtracking)" };
  }
  const safeFlags = [...new Set(flags.replace(/[gy]/g, ""))].join("");
  try {
    return { ok: true, regex: new RegExp(pattern, safeFlags) };
  } catch (err) {
    return { ok: false, problem: `invalid regex: ${(err as Error).message}` };
  }
}

type CharClass = { any: true } | { any: false; cats: Set<string>; chars: Set<string> };
const CATEGORY_ESCAPES: Record<string, string[]> = {
  d: ["digit"], w: ["digit", "letter", "_"], s: ["space"],
  D: ["letter", "_", "space", "other"], W: ["space", "other"], S: ["digit", "letter", "_", "other"],
};

function categoryOf(ch: string): string {
  if (/\d/.test(ch)) return "digit";
  if (/\p{L}/u.test(ch)) return "letter";
  if (ch === "_") return "_";
  if (/\s/.test(ch)) return "space";
  return "other";
}

function overlaps(a: CharClass, b: CharClass, ignoreCase: boolean): boolean {
  if (a.any || b.any) return true;
  const norm = (s: Set<string>) => new Set([...s].map((c) => (ignoreCase ? c.toLowerCase() : c)));
  const ac = norm(a.chars), bc = norm(b.chars);
  for (const c of ac) if (bc.has(c) || b.cats.has(categoryOf(c))) return true;
  for (const c of bc) if (a.cats.has(categoryOf(c))) return true;
  for (const c of a.cats) if (b.cats.has(c)) return true;
  return false;
}

/** A repeat whose length can vary this much backtracks like an unbounded one: `.{1,60}.{1,60}z` is cubic. */
const WIDE_REPEAT = 8;

interface Atom { cls: CharClass; min: number; /** Unbounded, or bounded with a wide range of lengths. */ wide: boolean }

/** Splits one alternative's text into atoms with their quantifiers; groups are opaque ("any") and checked on their own. */
function atomsOf(seq: string, inner: string[]): Atom[] {
  const atoms: Atom[] = [];
  let i = 0;
  while (i < seq.length) {
    const ch = seq[i]!;
    let cls: CharClass;
    let end = i + 1;
    if (ch === "\\") {
      const e = seq[i + 1] ?? "";
      end = i + 2;
      if (/[pP]/.test(e) && seq[end] === "{") end = seq.indexOf("}", end) + 1 || seq.length;
      cls = CATEGORY_ESCAPES[e] ? { any: false, cats: new Set(CATEGORY_ESCAPES[e]), chars: new Set() }
        : /[bB]/.test(e) ? { any: false, cats: new Set(), chars: new Set() }
        : /[pPux]/.test(e) ? { any: true } : { any: false, cats: new Set(), chars: new Set([e]) };
      if (/[bB]/.test(e)) { i = end; continue; }
    } else if (ch === "[") {
      let j = i + 1;
      while (j < seq.length && seq[j] !== "]") j += seq[j] === "\\" ? 2 : 1;
      end = j + 1;
      cls = { any: true };
    } else if (ch === "(") {
      let depth = 0, j = i;
      for (; j < seq.length; j++) {
        if (seq[j] === "\\") { j++; continue; }
        if (seq[j] === "[") { while (j < seq.length && seq[j] !== "]") j += seq[j] === "\\" ? 2 : 1; continue; }
        if (seq[j] === "(") depth++;
        else if (seq[j] === ")" && --depth === 0) break;
      }
      const body = seq.slice(i + 1, j).replace(/^\?(?:[:=!]|<[=!]|<[^>]*>)/, "");
      inner.push(body);
      end = j + 1;
      cls = { any: true };
    } else if (ch === "^" || ch === "$") { i++; continue; }
    else cls = ch === "." ? { any: true } : { any: false, cats: new Set(), chars: new Set([ch]) };
    let min = 1, max = 1;
    const q = /^(?:([*+?])|\{(\d+)(,)?(\d*)\})\??/.exec(seq.slice(end));
    if (q) {
      if (q[1]) { min = q[1] === "+" ? 1 : 0; max = q[1] === "?" ? 1 : Infinity; }
      else { min = Number(q[2]); max = q[3] === undefined ? min : q[4] === "" ? Infinity : Number(q[4]); }
      end += q[0].length;
    }
    atoms.push({ cls, min, wide: max - min >= WIDE_REPEAT });
    i = end;
  }
  return atoms;
}

function splitAlternatives(pattern: string): string[] {
  const out: string[] = [];
  let depth = 0, start = 0;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === "\\") { i++; continue; }
    if (ch === "[") { while (i < pattern.length && pattern[i] !== "]") i += pattern[i] === "\\" ? 2 : 1; continue; }
    if (ch === "(") depth++;
    else if (ch === ")") depth--;
    else if (ch === "|" && depth === 0) { out.push(pattern.slice(start, i)); start = i + 1; }
  }
  out.push(pattern.slice(start));
  return out;
}

/**
 * True when two unbounded (or widely bounded) quantifiers that can match the same
 * character follow each other with only optional atoms between them: a*a*b, .*.*=,
 * \w+\s*\w+, .{1,60}.{1,60}. On a long run of such characters these cost a power of
 * the text length (polynomial backtracking) even without nesting.
 */
export function hasOverlappingQuantifiers(pattern: string, ignoreCase = false): boolean {
  const queue = [pattern];
  while (queue.length) {
    for (const alt of splitAlternatives(queue.pop()!)) {
      const inner: string[] = [];
      const atoms = atomsOf(alt, inner);
      queue.push(...inner);
      for (let a = 0; a < atoms.length; a++) {
        if (!atoms[a]!.wide) continue;
        for (let b = a + 1; b < atoms.length; b++) {
          const atom = atoms[b]!;
          if (atom.wide && overlaps(atoms[a]!.cls, atom.cls, ignoreCase)) return true;
          if (atom.min > 0) break;
        }
      }
    }
  }
  return false;
}

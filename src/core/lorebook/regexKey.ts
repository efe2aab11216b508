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
  const safeFlags = [...new Set(flags.replace(/[gy]/g, ""))].join("");
  try {
    return { ok: true, regex: new RegExp(pattern, safeFlags) };
  } catch (err) {
    return { ok: false, problem: `invalid regex: ${(err as Error).message}` };
  }
}

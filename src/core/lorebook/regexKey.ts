/** Regex keys (`/pattern/flags`) come from strangers: compile only patterns whose cost is bounded. */
export const MAX_PATTERN_LENGTH = 300;

export type RegexKeyResult = { ok: true; regex: RegExp } | { ok: false; problem: string };

export function isRegexKey(key: string): boolean {
  return /^\/[\s\S]+\/[a-z]*$/.test(key);
}

// A group holding a quantifier and itself quantified: (a+)+, (a|aa)*, (\w*)*{2,}.
const NESTED_QUANTIFIER = /\((?:[^()\\]|\\.)*(?:[+*]|\{\d+,?\d*\})(?:[^()\\]|\\.)*\)(?:[+*]|\{\d+,?\d*\})/;
const ALTERNATION_QUANTIFIED = /\((?:[^()\\]|\\.)*\|(?:[^()\\]|\\.)*\)(?:[+*]|\{\d+,\d*\})/;
const BACKREFERENCE = /\\[1-9]|\\k</;

export function compileRegexKey(key: string): RegexKeyResult {
  const m = /^\/([\s\S]+)\/([a-z]*)$/.exec(key);
  if (!m) return { ok: false, problem: "not a /pattern/flags key" };
  const [, pattern = "", flags = ""] = m;
  if (pattern.length > MAX_PATTERN_LENGTH) return { ok: false, problem: `pattern longer than ${MAX_PATTERN_LENGTH} characters` };
  if (BACKREFERENCE.test(pattern)) return { ok: false, problem: "backreferences are refused (unbounded matching cost)" };
  if (NESTED_QUANTIFIER.test(pattern) || ALTERNATION_QUANTIFIED.test(pattern)) {
    return { ok: false, problem: "nested quantifier refused (catastrophic backtracking)" };
  }
  const safeFlags = [...new Set(flags.replace(/[gy]/g, ""))].join("");
  try {
    return { ok: true, regex: new RegExp(pattern, safeFlags) };
  } catch (err) {
    return { ok: false, problem: `invalid regex: ${(err as Error).message}` };
  }
}

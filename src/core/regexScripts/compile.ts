/**
 * A script's find pattern as SillyTavern compiles it: `/pattern/flags` or a bare pattern
 * (utils.js regexFromString), after macros are put in as the script asks (engine.js
 * substituteRegex: none, raw values, or values escaped for a regex).
 */
import { SubstituteRegex, type RegexScript } from "./script.ts";

export interface CompiledPattern {
  source: string;
  flags: string;
}

/** Flags the 2025 ST accepts; each at most once. Anything else compiles the whole text as the pattern. */
const VALID_FLAGS = /^(?!.*?(.).*?\1)[dgimsuvy]+$/;

/** regexFromString: undefined when the pattern does not compile. */
export function compilePattern(input: string): CompiledPattern | undefined {
  const m = /(\/?)(.+)\1([a-z]*)/i.exec(input);
  if (!m) return undefined;
  let source = m[2]!;
  let flags = m[3] ?? "";
  if (flags && !VALID_FLAGS.test(flags)) {
    source = input;
    flags = "";
  }
  try {
    const re = new RegExp(source, flags);
    return { source: re.source, flags: re.flags };
  } catch {
    return undefined;
  }
}

/** sanitizeRegexMacro: a macro's value as literal text inside a pattern. */
export function escapeMacroValue(value: string): string {
  return value.replace(/[\n\r\t\v\f\0.^$*+?{}[\]\\/|()]/g, (c) => {
    switch (c) {
      case "\n": return "\\n";
      case "\r": return "\\r";
      case "\t": return "\\t";
      case "\v": return "\\v";
      case "\f": return "\\f";
      case "\0": return "\\0";
      default: return `\\${c}`;
    }
  });
}

const MACRO = /\{\{[^{}]*\}\}|<USER>|<BOT>|<CHAR>/gi;

/** The pattern text with macros put in as the script's substituteRegex says. */
export function findPatternText(script: RegexScript, expand: (text: string) => string): string {
  switch (script.substituteRegex) {
    case SubstituteRegex.RAW:
      return expand(script.findRegex);
    case SubstituteRegex.ESCAPED:
      // Only the values are escaped; a macro that does not expand stays as written.
      return script.findRegex.replace(MACRO, (macro) => {
        const value = expand(macro);
        return value === macro ? macro : escapeMacroValue(value);
      });
    default:
      return script.findRegex;
  }
}

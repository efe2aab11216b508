/**
 * Running scripts on a text as SillyTavern's regex engine does (engine.js, 2025):
 * which scripts run at a call (placement, the display/prompt flags, edits, depth), and
 * what one script does (replace with `{{match}}`/`$1`/`$<name>`, trim strings, then
 * macros). Matching itself is the RegexFinder's.
 */
import { compilePattern, findPatternText } from "./compile.ts";
import type { RegexFinder, RegexMatch } from "./finder.ts";
import type { RegexScript } from "./script.ts";

/** What kind of call this is, as ST's getRegexedString options. */
export interface RegexCall {
  /** Text being drawn: only display-only scripts (markdownOnly) run. */
  isMarkdown?: boolean;
  /** Text going into the prompt: only prompt-only scripts run. */
  isPrompt?: boolean;
  /** A person's edit: scripts without runOnEdit are skipped. */
  isEdit?: boolean;
  /** The message's depth (0 = newest); null or undefined: depth limits do not apply. */
  depth?: number | null;
  /** Who {{char}} is in trim strings (the message's author); the current character when left out. */
  characterOverride?: string;
}

export interface RegexRunContext {
  finder: RegexFinder;
  /** Macros as the prompt expands them; `char` replaces {{char}} when given. */
  expand(text: string, char?: string): string;
  /** Told once per script and problem (a pattern that does not compile, a refused match). */
  report?(script: RegexScript, problem: string): void;
}

/** Whether a script runs at this call, before its placement is looked at. */
export function scriptApplies(script: RegexScript, call: RegexCall): boolean {
  const { isMarkdown = false, isPrompt = false } = call;
  const flagged = (script.markdownOnly && isMarkdown) || (script.promptOnly && isPrompt) || (!script.markdownOnly && !script.promptOnly && !isMarkdown && !isPrompt);
  if (!flagged) return false;
  if (call.isEdit && !script.runOnEdit) return false;
  const depth = call.depth;
  if (typeof depth === "number") {
    if (script.minDepth !== null && script.minDepth >= -1 && depth < script.minDepth) return false;
    if (script.maxDepth !== null && script.maxDepth >= 0 && depth > script.maxDepth) return false;
  }
  return true;
}

/** getRegexedString: the scripts that apply, in order, each on the previous one's output. */
export function applyRegexScripts(scripts: readonly RegexScript[], text: string, placement: number, call: RegexCall, ctx: RegexRunContext): string {
  if (!text) return text;
  let out = text;
  for (const script of scripts) {
    if (scriptApplies(script, call) && script.placement.includes(placement)) out = runRegexScript(script, out, ctx, call.characterOverride);
  }
  return out;
}

/** Whether any script could run at this placement and call: callers skip work (and the worker) when none can. */
export function anyScriptFor(scripts: readonly RegexScript[], placement: number, call: RegexCall): boolean {
  return scripts.some((s) => !s.disabled && s.findRegex !== "" && s.placement.includes(placement) && scriptApplies(s, call));
}

/** runRegexScript: one script on one text. A script that cannot run leaves the text as it was. */
export function runRegexScript(script: RegexScript, text: string, ctx: RegexRunContext, characterOverride?: string): string {
  if (script.disabled || !script.findRegex || !text) return text;
  const pattern = compilePattern(findPatternText(script, (t) => ctx.expand(t)));
  if (!pattern) {
    ctx.report?.(script, "its find pattern does not compile");
    return text;
  }
  const found = ctx.finder.find(pattern.source, pattern.flags, text);
  if ("refused" in found) {
    ctx.report?.(script, found.refused);
    return text;
  }
  if (found.matches.length === 0) return text;
  const trims = script.trimStrings.map((t) => ctx.expand(t, characterOverride));
  const template = script.replaceString.replace(/\{\{match\}\}/gi, "$0");
  let out = "";
  let at = 0;
  for (const match of found.matches) {
    out += text.slice(at, match.index) + ctx.expand(fillGroups(template, match, trims));
    at = match.index + (match.groups[0] ?? "").length;
  }
  return out + text.slice(at);
}

/** `$N` (greedy digits) and `$<name>` replaced with the captured text, trim strings removed; missing or empty ones are "". */
function fillGroups(template: string, match: RegexMatch, trims: string[]): string {
  return template.replace(/\$(\d+)|\$<([^>]+)>/g, (_whole, num: string | undefined, name: string | undefined) => {
    const value = num !== undefined ? match.groups[Number(num)] : match.named?.[name!];
    if (!value) return "";
    return trims.reduce((v, t) => (t ? v.split(t).join("") : v), value);
  });
}

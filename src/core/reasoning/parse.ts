import type { ReasoningMarkers } from "./templates.ts";

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * parseReasoningFromString: the first prefix…suffix block split from a whole text
 * (strict: only at its start, after whitespace). Null when the markers are empty; an
 * empty reasoning and the text unchanged when there is no block.
 */
export function parseReasoningFromString(text: string, markers: ReasoningMarkers, options: { strict?: boolean } = {}): { reasoning: string; content: string } | null {
  const { prefix, suffix } = markers;
  if (!prefix || !suffix) return null;
  const re = new RegExp(`${options.strict === false ? "" : "^\\s*?"}${escape(prefix)}([\\s\\S]*?)${escape(suffix)}`);
  const match = re.exec(text);
  if (!match) return { reasoning: "", content: text };
  return { reasoning: match[1]!.trim(), content: (text.slice(0, match.index) + text.slice(match.index + match[0].length)).trim() };
}

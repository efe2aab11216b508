/**
 * Roleplay styling as users know it: *actions* and (OOC) dimmed, "speech" highlighted.
 * Pure: turns (already sanitized) text into styled spans the chat view draws.
 */
export type SpanStyle = "plain" | "action" | "speech" | "ooc";

export interface StyledSpan {
  text: string;
  style: SpanStyle;
}

const pattern = /(\*[^*\n]+\*)|("[^"\n]+"|“[^”\n]+”)|(\((?:OOC|ooc)?[^)\n]*\))/g;

export function roleplaySpans(text: string): StyledSpan[] {
  const spans: StyledSpan[] = [];
  let last = 0;
  for (const m of text.matchAll(pattern)) {
    const at = m.index ?? 0;
    if (at > last) spans.push({ text: text.slice(last, at), style: "plain" });
    const style: SpanStyle = m[1] ? "action" : m[2] ? "speech" : "ooc";
    spans.push({ text: m[0], style });
    last = at + m[0].length;
  }
  if (last < text.length) spans.push({ text: text.slice(last), style: "plain" });
  return spans;
}

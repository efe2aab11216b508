import { sanitizeForTerminal } from "../text/sanitize.ts";
import type { ActivateLoreResult, LoreVerdict } from "./activate.ts";

/** Token cost without a model's tokenizer: about four characters a token. */
export const approximateTokens = (text: string): number => Math.ceil(text.length / 4);

const show = (s: string) => sanitizeForTerminal(s);

export interface LoreReport {
  summary: string;
  /** Fired entries in insertion order, each with where it goes and why it fired. */
  fired: string[];
  /** Every other entry with the reason it did not fire. */
  notFired: string[];
  warnings: string[];
}

/**
 * An activation pass explained for a person: shared by `taproom lore test` and the
 * TUI's try-it line, so both say the same thing. Every string is terminal-safe.
 */
export function loreReport(bookName: string, r: ActivateLoreResult, counter: string): LoreReport {
  const byId = new Map<string, LoreVerdict>(r.verdicts.map((v) => [`${v.book}/${v.uid}`, v]));
  const fired: string[] = [];
  for (const ins of r.insertions) {
    const v = byId.get(ins.entryId);
    if (!v) continue;
    const where = ins.position === "at_depth" ? `at_depth ${ins.depth} (${ins.role})` : ins.position;
    fired.push(`#${v.uid} ${show(v.comment) || "(no title)"}  [${where}, order ${ins.order}, ~${v.tokens} tokens] ${v.outcome}: ${show(v.detail)}`);
  }
  const notFired = r.verdicts.filter((v) => !v.fired).map((v) => `#${v.uid} ${show(v.comment) || "(no title)"}  ${v.outcome}: ${show(v.detail)}`);
  return {
    summary: `${show(bookName)}: ${r.insertions.length} of ${r.verdicts.length} entries fire; ${r.tokensUsed} of ${r.budget} budget tokens (${counter})`,
    fired,
    notFired,
    warnings: r.diagnostics.map((d) => `warning: #${d.uid} key ${show(d.key)}: ${show(d.problem)}`),
  };
}

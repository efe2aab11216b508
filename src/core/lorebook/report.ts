import { sanitizeForTerminal } from "../text/sanitize.ts";
import type { ActivateLoreResult, LoreVerdict } from "./activate.ts";
import { describeOutlet } from "./summary.ts";

/** Token cost without a model's tokenizer: about four characters a token. */
export const approximateTokens = (text: string): number => Math.ceil(text.length / 4);

const show = (s: string) => sanitizeForTerminal(s);

/** One entry's verdict, terminal-safe, for screens that lay it out themselves. */
export interface LoreReportRow {
  fired: boolean;
  /** "#12", or "Book#12" when several books were scanned. */
  id: string;
  uid: number;
  title: string;
  /** Where a fired entry goes ("at_depth 4 (system)", "outlet scene"), its order and token cost. */
  where: string | null;
  order: number | null;
  tokens: number | null;
  outcome: string;
  detail: string;
}

export interface LoreReport {
  summary: string;
  /** Fired entries first, in insertion order, then the rest. */
  rows: LoreReportRow[];
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
export function loreReport(bookName: string, r: ActivateLoreResult, counter: string, several = false): LoreReport {
  // With several books, an entry is named by its book as well as its uid.
  const id = (v: { book: string; uid: number }) => (several ? `${show(v.book)}#${v.uid}` : `#${v.uid}`);
  const byId = new Map<string, LoreVerdict>(r.verdicts.map((v) => [`${v.book}/${v.uid}`, v]));
  const row = (v: LoreVerdict) => ({ id: id(v), uid: v.uid, title: show(v.comment) || "(no title)", outcome: v.outcome, detail: show(v.detail), tokens: v.tokens });
  const firedRows: LoreReportRow[] = [];
  for (const ins of r.insertions) {
    const v = byId.get(ins.entryId);
    if (!v) continue;
    const where = ins.position === "at_depth" ? `at_depth ${ins.depth} (${ins.role})` : ins.position === "outlet" ? show(describeOutlet(ins.outlet)) : ins.position;
    firedRows.push({ ...row(v), fired: true, where, order: ins.order });
  }
  const restRows: LoreReportRow[] = r.verdicts.filter((v) => !v.fired).map((v) => ({ ...row(v), fired: false, where: null, order: null }));
  const fired = firedRows.map((f) => `${f.id} ${f.title}  [${f.where}, order ${f.order}, ~${f.tokens} tokens] ${f.outcome}: ${f.detail}`);
  const notFired = restRows.map((f) => `${f.id} ${f.title}  ${f.outcome}: ${f.detail}`);
  return {
    rows: [...firedRows, ...restRows],
    summary: `${show(bookName)}: ${r.insertions.length} of ${r.verdicts.length} entries fire; ${r.tokensUsed} of ${r.budget} budget tokens (${counter})`,
    fired,
    notFired,
    warnings: r.diagnostics.map((d) => `warning: ${id(d)} key ${show(d.key)}: ${show(d.problem)}`),
  };
}

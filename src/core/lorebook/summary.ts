import type { ActivateLoreResult, LoreOutcome, LoreVerdict } from "./activate.ts";
import type { LoreInsertion } from "./insertion.ts";

export interface ActiveLoreEntry {
  entryId: string;
  book: string;
  uid: number;
  title: string;
  /** Where it goes, in words: "before the character", "at depth 2 as user". */
  where: string;
  insertion: LoreInsertion;
  tokens: number;
  outcome: LoreOutcome;
  /** Why it fired, in words. */
  reason: string;
}

export interface LoreMiss { entryId: string; book: string; uid: number; title: string; outcome: LoreOutcome; reason: string }

export interface ActiveLoreSummary {
  /** In prompt order: by position as placed, then insertion order. */
  active: ActiveLoreEntry[];
  /** Entries that were close: they matched or were eligible but lost to a rule (budget, group, roll, timer). */
  misses: LoreMiss[];
  tokensUsed: number;
  budget: number;
  /** Problems with keys (invalid or refused regexes), one line each. */
  warnings: string[];
}

const WHERE: Record<LoreInsertion["position"], string> = {
  before_char: "before the character", after_char: "after the character",
  before_examples: "before the examples", after_examples: "after the examples",
  an_top: "top of the author's note", an_bottom: "bottom of the author's note", at_depth: "at depth", outlet: "outlet",
};
const ORDER: LoreInsertion["position"][] = ["before_char", "after_char", "before_examples", "after_examples", "an_top", "an_bottom", "at_depth", "outlet"];

/** Outcomes a person wants to see in a "why not" list; plain misses (no key, disabled) would drown them. */
const NOTABLE = new Set<LoreOutcome>([
  "secondary_failed", "probability_roll", "cooldown", "delay", "budget_exhausted", "lost_group", "recursion_excluded", "waiting_for_recursion",
  "character_filtered", "trigger_mismatch", "decorator_schedule", "decorator_greeting", "decorator_keys",
]);

/** "outlet scene"; an outlet entry without a name goes nowhere, and says so. */
export function describeOutlet(name: string | undefined): string {
  return name ? `outlet ${name}` : "outlet (no name: goes nowhere)";
}

export function describePosition(i: LoreInsertion): string {
  if (i.position === "outlet") return describeOutlet(i.outlet);
  return i.position === "at_depth" ? `at depth ${i.depth} as ${i.role}` : WHERE[i.position];
}

/** Outlets by name, each as its text is joined: highest order first (see core/prompt/outlets.ts). */
function byOutlet(a: LoreInsertion, b: LoreInsertion): number {
  if (a.position !== "outlet" || b.position !== "outlet") return 0;
  const x = a.outlet ?? "", y = b.outlet ?? "";
  return x < y ? -1 : x > y ? 1 : b.order - a.order;
}

const title = (v: LoreVerdict) => v.comment.trim() || `entry ${v.uid}`;

/** The "active now" view of one activation: what fired, where, why, and the near misses. */
export function summarizeActivation(result: ActivateLoreResult): ActiveLoreSummary {
  const byId = new Map(result.verdicts.map((v) => [`${v.book}/${v.uid}`, v]));
  const active = result.insertions
    .map((ins) => ({ ins, v: byId.get(ins.entryId)! }))
    .filter(({ v }) => v !== undefined)
    .sort((a, b) => ORDER.indexOf(a.ins.position) - ORDER.indexOf(b.ins.position) || (a.ins.position === "at_depth" ? b.ins.depth - a.ins.depth : 0) || byOutlet(a.ins, b.ins) || a.ins.order - b.ins.order)
    .map(({ ins, v }) => ({
      entryId: ins.entryId, book: v.book, uid: v.uid, title: title(v), where: describePosition(ins), insertion: ins,
      tokens: v.tokens ?? 0, outcome: v.outcome, reason: v.detail,
    }));
  const misses = result.verdicts
    .filter((v) => !v.fired && NOTABLE.has(v.outcome))
    .map((v) => ({ entryId: `${v.book}/${v.uid}`, book: v.book, uid: v.uid, title: title(v), outcome: v.outcome, reason: v.detail }));
  const warnings = result.diagnostics.map((d) => `${d.book} #${d.uid}: key ${d.key}: ${d.problem}`);
  return { active, misses, tokensUsed: result.tokensUsed, budget: result.budget, warnings };
}

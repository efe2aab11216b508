/**
 * "Why did it reprocess?": from where the engine had to start evaluating, and what the
 * cache held there, the cause in words: new messages (nothing reprocessed), a lore entry
 * that came or went, the author's note or depth lore moving with the chat, trimmed
 * messages, an edit, a macro such as {{random}}, a template change, or a cold cache.
 */
import type { BuiltPrompt } from "../prompt/types.ts";
import { lorePositions, placeOf, sectionAt, type LayoutSection, type PromptLayout } from "./layout.ts";

export type ReprocessCause =
  | "new-messages"
  | "cold"
  | "template"
  | "lore"
  | "depth-insertion"
  | "authors-note"
  | "trimmed"
  | "examples"
  | "edited"
  | "macro"
  /** The chat's running summary was written, changed or moved. */
  | "summary"
  | "changed";

export interface ReuseFacts {
  /** Where the reused tokens came from. */
  source: "memory" | "saved" | "none";
  /** Why the cache or a saved state could not serve this prompt, in words. */
  miss?: string;
  promptTokens: number;
  reused: number;
  evaluated: number;
  /** What the cache held: the previous prompt's layout (its reply follows it). */
  previous?: PromptLayout;
  firstEvaluatedToken: number;
  /** Character offset in the new prompt where evaluation began. */
  firstEvaluatedChar: number;
  /** Character offset in the cached text (previous prompt, then its reply) of the first cached token not kept. */
  cachedChar: number;
  /** Blocks erased from the cache so what followed them could be kept (context shift), in cached-text offsets. */
  erased: Array<{ start: number; end: number; tokens: number }>;
  /**
   * Blocks of the new prompt evaluated and moved into place (splice), in prompt offsets
   * (`firstToken`: its first token's index): what follows them was kept.
   */
  inserted?: Array<{ start: number; end: number; tokens: number; firstToken: number }>;
}

export interface ReuseExplanation {
  source: ReuseFacts["source"];
  miss?: string;
  promptTokens: number;
  reused: number;
  evaluated: number;
  /** Tokens of the messages added since the previous prompt and the reply prefix: what any cache must evaluate. */
  newTokens: number;
  /** Tokens evaluated beyond the new ones: prompt processed again. */
  reprocessed: number;
  cause: ReprocessCause;
  /** Why evaluation began where it did, in words. */
  reason: string;
  firstEvaluatedToken: number;
  /** The prompt section where evaluation began. */
  section?: string;
  /** Blocks erased from the cache with the rest kept (context shift). */
  shifted: Array<{ tokens: number; what: string }>;
  /** Blocks evaluated and put in place with what follows them kept (splice); `at`: the block's first prompt token. */
  inserted: Array<{ tokens: number; what: string; at: number }>;
}

const TAIL_KINDS = new Set(["reply_prefix", "post_history"]);
const NOTHING_AGAIN = "new messages only: nothing was processed again";

/** Tokens of what is new in this prompt: messages the previous one did not have, and the tail. */
export function newPromptTokens(prompt: BuiltPrompt, previous: PromptLayout | undefined): number {
  const seen = new Set(previous?.sections.flatMap((s) => (s.messageId ? [s.messageId] : [])) ?? []);
  return prompt.sections
    .filter((s) => TAIL_KINDS.has(s.kind) || (s.kind === "history" && (!s.messageId || !seen.has(s.messageId))))
    .reduce((sum, s) => sum + s.tokens, 0);
}

/** Entries that came and went, at these positions when given (see lorePositions). */
function loreChange(previous: PromptLayout, next: PromptLayout, at?: readonly string[]): string | undefined {
  const here = (l: { where: string }) => at === undefined || at.includes(l.where);
  const before = new Set(previous.lore.map((l) => l.id));
  const after = new Set(next.lore.map((l) => l.id));
  const came = next.lore.filter((l) => here(l) && !before.has(l.id)).map((l) => `lore entry "${l.title}" came (${l.where})`);
  const went = previous.lore.filter((l) => here(l) && !after.has(l.id)).map((l) => `lore entry "${l.title}" went (${l.where})`);
  const all = [...came, ...went];
  return all.length ? all.join("; ") : undefined;
}

function depthOf(label: string): string {
  return /depth (\d+)/.exec(label)?.[1] ?? "?";
}

function classify(previous: PromptLayout, next: PromptLayout, old: LayoutSection | undefined, now: LayoutSection | undefined): { cause: ReprocessCause; reason: string } {
  if (previous.template !== next.template) return { cause: "template", reason: `the template changed (${previous.template} → ${next.template})` };
  const oldIds = new Set(previous.sections.flatMap((s) => (s.messageId ? [s.messageId] : [])));
  const newIds = new Set(next.sections.flatMap((s) => (s.messageId ? [s.messageId] : [])));
  const isNew = (s: LayoutSection | undefined) => !s || TAIL_KINDS.has(s.kind) || (s.kind === "history" && s.messageId !== undefined && !oldIds.has(s.messageId));
  // Evaluation began at what this prompt adds: whatever the cache held there, nothing was processed again.
  if (isNew(now)) return { cause: "new-messages", reason: NOTHING_AGAIN };
  const kinds = [old?.kind, now?.kind];
  if (old?.kind === "examples" && next.examplesDropped && !previous.examplesDropped) {
    return { cause: "examples", reason: "the example messages gave way to the history" };
  }
  // Lore can be in the story string, in the example blocks and in the injections at a depth.
  const touched = [old, now].filter((s): s is LayoutSection => s !== undefined);
  const positions = [...new Set(touched.flatMap(lorePositions))];
  const change = positions.length ? loreChange(previous, next, positions) : kinds.includes("lore") ? loreChange(previous, next) : undefined;
  if (change) return { cause: "lore", reason: change };
  if (kinds.includes("lore")) {
    const section = (now?.kind === "lore" ? now : old)!;
    const label = placeOf(section);
    if (/depth/.test(label)) return { cause: "depth-insertion", reason: `${label} moves with each new message (it goes ${depthOf(label)} messages from the end)` };
    return { cause: "lore", reason: `the ${label} changed${previous.volatile.length ? ` (lore or card uses ${previous.volatile.join(", ")})` : ""}` };
  }
  if (kinds.includes("memory")) return summaryChange(old, now);
  if (kinds.includes("authors_note")) {
    const label = placeOf((now?.kind === "authors_note" ? now : old)!);
    if (old?.kind === "authors_note" && now?.kind === "authors_note") {
      return { cause: "authors-note", reason: `the author's note changed${next.volatile.length ? ` (it may use ${next.volatile.join(", ")})` : ""}` };
    }
    return { cause: "authors-note", reason: `the ${label} moves with each new message (it goes ${depthOf(label)} messages from the end)` };
  }
  if (old?.kind === "card" && /depth/.test(old.label) || now?.kind === "card" && /depth/.test(now.label)) {
    const label = placeOf((now?.kind === "card" && /depth/.test(now.label) ? now : old)!);
    return { cause: "depth-insertion", reason: `the ${label} moves with each new message (it goes ${depthOf(label)} messages from the end)` };
  }
  if (old?.kind === "examples" && now?.kind !== "examples") return { cause: "examples", reason: "the example messages gave way to the history" };
  if (old?.kind === "history" && old.messageId && !newIds.has(old.messageId)) {
    const firstKept = next.sections.find((s) => s.kind === "history");
    return { cause: "trimmed", reason: `${old.label} was trimmed to fit the context${firstKept ? ` (the history now starts at ${firstKept.label})` : ""}` };
  }
  if (old?.kind === "history" && now?.kind === "history" && old.messageId === now.messageId) {
    if (now.volatile?.length) return { cause: "macro", reason: `${now.label} uses ${now.volatile.join(", ")}, which gave another value` };
    return { cause: "edited", reason: `${now.label} changed (edited, swiped or continued)` };
  }
  if (old && now && old.label === now.label) {
    if (next.volatile.length) return { cause: "macro", reason: `the ${now.label} changed: the prompt uses ${next.volatile.join(", ")}` };
    return { cause: "changed", reason: `the ${now.label} changed` };
  }
  return { cause: "changed", reason: `${old ? `the ${old.label}` : "the end of the cached text"} was followed by ${now ? `the ${now.label}` : "the end of the prompt"}` };
}

function summaryChange(old: LayoutSection | undefined, now: LayoutSection | undefined): { cause: ReprocessCause; reason: string } {
  const section = (now?.kind === "memory" ? now : old)!;
  if (/depth/.test(section.label)) return { cause: "summary", reason: `the summary at depth ${depthOf(section.label)} moves with each new message (or was updated)` };
  if (old?.kind === "memory" && now?.kind === "memory") return { cause: "summary", reason: "the chat's summary was updated" };
  if (now?.kind === "memory") return { cause: "summary", reason: "the chat's first summary went into the prompt" };
  return { cause: "summary", reason: "the chat's summary was taken out of the prompt" };
}

function describeErased(previous: PromptLayout | undefined, next: PromptLayout, range: { start: number; end: number; tokens: number }): string {
  if (!previous) return `${range.tokens} tokens`;
  const overlap = (s: LayoutSection) => Math.min(s.end, range.end) - Math.max(s.start, range.start);
  const touched = previous.sections.filter((s) => overlap(s) > 0);
  if (touched.length === 0) return range.start >= previous.length ? "the end of the last reply" : "a block";
  // A block rarely starts and ends on a section's edge (template tokens shared with the next section stay).
  const newIds = new Set(next.sections.flatMap((s) => (s.messageId ? [s.messageId] : [])));
  const trimmed = touched.filter((s) => s.kind === "history" && s.messageId && !newIds.has(s.messageId));
  if (trimmed.length > 0) {
    return trimmed.length === 1 ? `${trimmed[0]!.label}, trimmed` : `${trimmed.length} trimmed messages (${trimmed[0]!.label} to ${trimmed[trimmed.length - 1]!.label})`;
  }
  // Only the entries at the places the block held: another entry may have come elsewhere.
  const positions = [...new Set(touched.flatMap(lorePositions))];
  const lore = positions.length ? loreChange(previous, next, positions) : undefined;
  if (lore) return lore;
  const mostly = touched.filter((s) => overlap(s) * 2 >= s.end - s.start);
  return [...new Set((mostly.length ? mostly : touched).map((s) => s.label))].join(", ");
}

function describeInserted(previous: PromptLayout, next: PromptLayout, range: { start: number; end: number }): string {
  const touched = next.sections.filter((s) => Math.min(s.end, range.end) > Math.max(s.start, range.start));
  const positions = [...new Set(touched.flatMap(lorePositions))];
  const lore = positions.length ? loreChange(previous, next, positions) : undefined;
  return lore ?? ([...new Set(touched.map((s) => s.label))].join(", ") || "a block");
}

export function explainReuse(facts: ReuseFacts, prompt: BuiltPrompt, next: PromptLayout): ReuseExplanation {
  const { previous } = facts;
  const base = {
    source: facts.source,
    ...(facts.miss && { miss: facts.miss }),
    promptTokens: facts.promptTokens,
    reused: facts.reused,
    evaluated: facts.evaluated,
    firstEvaluatedToken: facts.firstEvaluatedToken,
  };
  const now = sectionAt(next, facts.firstEvaluatedChar);
  const section = now?.label;
  if (!previous || facts.reused === 0 && facts.source === "none") {
    const reason = facts.miss ?? (previous ? "the cache held nothing of this prompt" : "nothing was cached for this chat");
    return { ...base, newTokens: facts.evaluated, reprocessed: 0, cause: "cold", reason, ...(section && { section }), shifted: [], inserted: [] };
  }
  const newTokens = Math.min(facts.promptTokens, newPromptTokens(prompt, previous));
  const old = facts.cachedChar < previous.length ? sectionAt(previous, facts.cachedChar) : undefined;
  const { cause, reason } = classify(previous, next, old, now);
  const shifted = facts.erased.map((r) => ({ tokens: r.tokens, what: describeErased(previous, next, r) }));
  const inserted = (facts.inserted ?? []).map((r) => ({ tokens: r.tokens, what: describeInserted(previous, next, r), at: r.firstToken }));
  const reprocessed = cause === "new-messages" ? 0 : Math.max(0, facts.evaluated - newTokens);
  return { ...base, newTokens, reprocessed, cause, reason: facts.miss ? `${facts.miss}; ${reason}` : reason, ...(section && { section }), shifted, inserted };
}

/** One line for the status line and the CLI: "2,310 reused · 45 evaluated · lore entry "Greyway" came". */
export function reuseSummary(e: ReuseExplanation): string {
  const parts = [`${e.reused} reused`, `${e.evaluated} evaluated`];
  if (e.shifted.length) parts.push(`${e.shifted.reduce((s, x) => s + x.tokens, 0)} shifted out`);
  if (e.inserted.length) parts.push(`${e.inserted.reduce((s, x) => s + x.tokens, 0)} evaluated in place`);
  if (e.cause !== "new-messages") parts.push(e.reason);
  return parts.join(" · ");
}

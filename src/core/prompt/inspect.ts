/**
 * The prompt inspector's view of a built prompt: each section with its token count,
 * as text for people and as data for scripts.
 */
import { sanitizeForTerminal } from "../text/sanitize.ts";
import type { BuiltPrompt, SectionKind } from "./types.ts";
import { trimmingNote } from "./trimmingNote.ts";

export interface InspectOptions {
  /** Name of the template in words. */
  template: string;
  /** Where token counts come from: "model tokenizer" or "approximation (no model)". */
  counter: string;
}

export interface PromptInspection {
  template: string;
  counter: string;
  tokens: number;
  budget: number;
  droppedMessages: number;
  examplesIncluded: boolean;
  examplesDropped: boolean;
  totals: Partial<Record<SectionKind, number>>;
  sections: { kind: SectionKind; label: string; tokens: number; text: string }[];
  stops: string[];
  text: string;
}

export function inspectPrompt(prompt: BuiltPrompt, options: InspectOptions): PromptInspection {
  const totals: Partial<Record<SectionKind, number>> = {};
  for (const s of prompt.sections) totals[s.kind] = (totals[s.kind] ?? 0) + s.tokens;
  return {
    template: options.template,
    counter: options.counter,
    tokens: prompt.tokens,
    budget: prompt.budget,
    droppedMessages: prompt.droppedMessages,
    examplesIncluded: prompt.examplesIncluded,
    examplesDropped: prompt.examplesDropped,
    totals,
    sections: prompt.sections.map(({ kind, label, tokens, text }) => ({ kind, label, tokens, text })),
    stops: prompt.stops,
    text: prompt.text,
  };
}

/** Each section under a header line `── kind: label (N tokens)`, then a summary; safe to print. */
export function formatInspection(view: PromptInspection): string {
  const lines: string[] = [];
  for (const s of view.sections) {
    lines.push(`── ${s.kind}: ${s.label} (${s.tokens} tokens)`);
    const text = sanitizeForTerminal(s.text);
    lines.push(text.endsWith("\n") ? text.slice(0, -1) : text);
  }
  lines.push("──");
  const totals = Object.entries(view.totals).map(([kind, n]) => `${kind} ${n}`).join(", ");
  lines.push(`template: ${view.template}`);
  lines.push(`tokens: ${view.tokens} of ${view.budget} (${view.counter}); ${totals}`);
  const trimmed = trimmingNote(view);
  if (trimmed) lines.push(`trimmed: ${trimmed}`);
  else if (!view.examplesIncluded) lines.push("example messages: none on the card");
  lines.push(`stop strings: ${view.stops.map((s) => JSON.stringify(s)).join(" ")}`);
  return `${lines.join("\n")}\n`;
}

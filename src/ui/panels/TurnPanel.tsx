import React from "react";
import { LinesPanel } from "./LinesPanel.tsx";
import { displayText } from "../../core/text/sanitize.ts";
import { trimmingNote } from "../../core/prompt/trimmingNote.ts";
import type { TurnReport } from "../app/services.ts";

/** Outcomes worth showing for entries that did not fire: the ones a user asks about. */
const NOTABLE = new Set(["budget_exhausted", "lost_group", "cooldown", "delay", "secondary_failed", "probability_roll", "recursion_excluded"]);

export function turnPanelLines(report: TurnReport | null): string[] {
  if (!report) return ["No reply yet: the panel shows the last turn's prompt and lore."];
  const cached = Math.max(0, report.promptTokens - report.evaluatedTokens);
  const lines = [
    `Prompt: ${report.promptTokens} tokens, ${report.evaluatedTokens} evaluated, ${cached} from the KV cache · ${report.template}`,
    ...trimmedLine(report),
    ...report.plan.map((reason) => `Model: ${reason}`),
    "Sections:",
    ...report.sections.map((s) => `  ${String(s.tokens).padStart(6)}  ${s.kind}: ${s.label}`),
  ];
  const fired = report.lore.filter((l) => l.fired);
  const missed = report.lore.filter((l) => !l.fired && NOTABLE.has(l.outcome));
  if (fired.length || missed.length) lines.push(`Lore: ${fired.length} active`);
  for (const l of fired) lines.push(`  + ${l.title || "(untitled)"}: ${l.outcome}${l.tokens !== null ? `, ${l.tokens} tokens` : ""}`);
  for (const l of missed) lines.push(`  - ${l.title || "(untitled)"}: ${l.outcome}: ${l.detail}`);
  return lines.map(displayText);
}

function trimmedLine(report: TurnReport): string[] {
  const note = report.fit ? trimmingNote(report.fit) : null;
  return note ? [`Trimmed: ${note}`] : [];
}

/** The last turn at a glance, clamped to the room the terminal has. */
export function TurnPanel(props: { report: TurnReport | null; maxLines: number; color: boolean }) {
  return <LinesPanel lines={turnPanelLines(props.report)} maxLines={props.maxLines} borderColor="cyan" color={props.color} />;
}

import React from "react";
import { LinesPanel } from "./LinesPanel.tsx";
import { displayText } from "../../core/text/sanitize.ts";
import { trimmingNote } from "../../core/prompt/trimmingNote.ts";
import { wrapRows } from "../text/layout.ts";
import type { TurnReport } from "../../app/turns/playTurn.ts";
import { reuseLines } from "./reuseLines.ts";
import { entryLabels, outcomeText, outcomeWords } from "./loreWords.ts";

/** The prompt panel shows the turn at a glance, or the exact text sent, section by section. */
export type TurnPanelView = "summary" | "text";

/** Outcomes worth showing for entries that did not fire: the ones a user asks about. */
const NOTABLE = new Set(["budget_exhausted", "lost_group", "cooldown", "delay", "secondary_failed", "probability_roll", "recursion_excluded"]);
const NO_REPLY = "No reply yet: the panel shows the last turn's prompt and lore.";

export function turnPanelLines(report: TurnReport | null): string[] {
  if (!report) return [NO_REPLY];
  const cached = Math.max(0, report.promptTokens - report.evaluatedTokens);
  const lines = [
    `Prompt: ${report.promptTokens} tokens, ${report.evaluatedTokens} evaluated, ${cached} from the KV cache · ${report.template}`,
    ...reuseLines(report),
    ...trimmedLine(report),
    ...report.plan.map((reason) => `Model: ${reason}`),
    "Sections:",
    ...report.sections.map((s) => `  ${String(s.tokens).padStart(6)}  ${s.kind}: ${s.label}`),
  ];
  const labels = entryLabels(report.lore);
  const rows = report.lore.map((l, i) => ({ ...l, label: labels[i]! }));
  const fired = rows.filter((l) => l.fired);
  const missed = rows.filter((l) => !l.fired && NOTABLE.has(l.outcome));
  if (fired.length || missed.length) lines.push(`Lore: ${fired.length} active`);
  for (const l of fired) lines.push(`  + ${l.label}: ${outcomeWords(l.outcome)}${l.tokens !== null ? `, ${l.tokens} tokens` : ""}`);
  for (const l of missed) lines.push(`  - ${l.label}: ${outcomeText(l)}`);
  return lines.map(displayText);
}

/** The prompt as sent, each section under a `── kind: label (N tokens)` line, wrapped to `width`. */
export function promptTextLines(report: TurnReport | null, width: number): string[] {
  if (!report) return [NO_REPLY];
  const lines: string[] = [];
  for (const s of report.sections) {
    lines.push(displayText(`── ${s.kind}: ${s.label} (${s.tokens} tokens)`));
    const text = displayText(s.text ?? "").replace(/\n$/, "");
    lines.push(...wrapRows(text, width).map((r) => r.text.trimEnd()));
  }
  return lines;
}

function trimmedLine(report: TurnReport): string[] {
  const note = report.fit ? trimmingNote(report.fit) : null;
  return note ? [`Trimmed: ${note}`] : [];
}

export interface TurnPanelWindow {
  lines: string[];
  /** Index of the first line shown, after clamping the offset asked for. */
  start: number;
  /** Lines of content that fit: the room less the footer line (the border is outside it, as in LinesPanel). */
  room: number;
  total: number;
}

/** The lines of the view and the part of them that fits in `maxLines` rows from `offset`. */
export function turnPanelWindow(report: TurnReport | null, view: TurnPanelView, width: number, maxLines: number, offset: number): TurnPanelWindow {
  const all = view === "text" ? promptTextLines(report, width) : turnPanelLines(report);
  const room = Math.max(1, maxLines - 1);
  const start = Math.min(Math.max(0, offset), Math.max(0, all.length - room));
  return { lines: all.slice(start, start + room), start, room, total: all.length };
}

export interface TurnPanelProps {
  report: TurnReport | null;
  maxLines: number;
  color: boolean;
  view?: TurnPanelView;
  offset?: number;
  /** Columns for the text inside the panel. */
  width?: number;
}

/** The last turn: at a glance, or the full prompt text; scrolls when it is taller than the room. */
export function TurnPanel({ report, maxLines, color, view = "summary", offset = 0, width = 76 }: TurnPanelProps) {
  const w = turnPanelWindow(report, view, width, maxLines, offset);
  const other = view === "text" ? "t summary" : "t the full text";
  const place = w.total > w.room ? `lines ${w.start + 1}–${w.start + w.lines.length} of ${w.total} · ↑↓ PgUp PgDn scroll · ` : "";
  return <LinesPanel lines={[...w.lines, `${place}${other} · Esc closes`]} borderColor="cyan" color={color} />;
}

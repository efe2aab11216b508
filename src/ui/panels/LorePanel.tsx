import React from "react";
import { LinesPanel } from "./LinesPanel.tsx";
import { displayText } from "../../core/text/sanitize.ts";
import { plural } from "../../core/units/format.ts";
import type { TurnReport } from "../../app/turns/playTurn.ts";
import { wrapRows } from "../text/layout.ts";
import { entryLabels, outcomeText } from "./loreWords.ts";


/** Lorebook entries of the last turn: the ones that fired and why, then the near misses. */
export function lorePanelLines(report: TurnReport | null): string[] {
  if (!report) return ["No reply yet: after the next reply this shows which lore entries fired and why."];
  if (report.lore.length === 0) return ["No lorebook entries were considered last turn (no lorebook attached)."];
  const labels = entryLabels(report.lore);
  const rows = report.lore.map((l, i) => ({ ...l, label: labels[i]! }));
  const fired = rows.filter((l) => l.fired);
  // Entries whose keys simply did not appear are many and dull: counted, not listed.
  const missed = rows.filter((l) => !l.fired && l.outcome !== "no_key_matched");
  const unmatched = rows.length - fired.length - missed.length;
  const lines = [`In the prompt: ${fired.length} of ${plural(rows.length, "entry", "entries")}`, budgetLine(report, fired, rows.filter((l) => l.outcome === "budget_exhausted").length)];
  for (const l of fired) lines.push(`+ ${l.label}${l.tokens !== null ? ` (${l.tokens} tok)` : ""}: ${outcomeText(l)}`);
  if (missed.length) lines.push("Not in the prompt:");
  for (const l of missed) lines.push(`- ${l.label}${l.tokens !== null ? ` (${l.tokens} tok)` : ""}: ${outcomeText(l)}`);
  if (unmatched > 0) lines.push(`${plural(unmatched, "more entry", "more entries")}: keys not found in the scanned text`);
  return lines.map(displayText);
}

/** Used and budget from the same count; "cut" only when an entry was left out for the budget. */
function budgetLine(report: TurnReport, fired: TurnReport["lore"], cut: number): string {
  const used = report.loreBudget?.used ?? fired.reduce((sum, l) => sum + (l.tokens ?? 0), 0);
  if (!report.loreBudget) return `Lore budget: ${used} tokens used`;
  const { budget } = report.loreBudget;
  const line = `Lore budget: ${used} of ${budget} tokens used`;
  return cut > 0 ? `${line}; ${plural(cut, "entry", "entries")} left out to stay under it` : line;
}

/** Each line wrapped to the panel's width; a continuation row lines up under the text after "+ ", never with a stray space. */
export function wrapPanelLines(lines: string[], width: number): string[] {
  return lines.flatMap((line) => {
    const [head, ...more] = wrapRows(line, width);
    if (!head || more.length === 0) return [line];
    const indent = /^[+-] /.test(line) ? "  " : "";
    const rest = wrapRows(line.slice(head.end).trimStart(), Math.max(1, width - indent.length));
    return [head.text.trimEnd(), ...rest.map((r) => indent + r.text.trim())];
  });
}

export function LorePanel(props: { report: TurnReport | null; maxLines: number; color: boolean; width?: number }) {
  const lines = lorePanelLines(props.report);
  return <LinesPanel title="Lore · last turn" lines={props.width ? wrapPanelLines(lines, props.width) : lines} maxLines={props.maxLines} borderColor="yellow" color={props.color} />;
}

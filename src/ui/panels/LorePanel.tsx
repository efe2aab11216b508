import React from "react";
import { LinesPanel } from "./LinesPanel.tsx";
import { displayText } from "../../core/text/sanitize.ts";
import { plural } from "../../core/units/format.ts";
import type { TurnReport } from "../../app/turns/playTurn.ts";

/** Lorebook entries of the last turn: the ones that fired and why, then the near misses. */
export function lorePanelLines(report: TurnReport | null): string[] {
  if (!report) return ["No reply yet: after the next reply this shows which lore entries fired and why."];
  if (report.lore.length === 0) return ["No lorebook entries were considered last turn (no lorebook attached)."];
  const fired = report.lore.filter((l) => l.fired);
  // Entries whose keys simply did not appear are many and dull: counted, not listed.
  const missed = report.lore.filter((l) => !l.fired && l.outcome !== "no_key_matched");
  const unmatched = report.lore.length - fired.length - missed.length;
  const tokens = fired.reduce((sum, l) => sum + (l.tokens ?? 0), 0);
  const lines = [`Active: ${fired.length} of ${plural(report.lore.length, "entry", "entries")}, ${plural(tokens, "token")}`];
  for (const l of fired) lines.push(`+ ${l.title || "(untitled)"}${l.tokens !== null ? ` (${l.tokens} tok)` : ""}: ${l.outcome}${l.detail ? ` · ${l.detail}` : ""}`);
  if (missed.length) lines.push("Not active:");
  for (const l of missed) lines.push(`- ${l.title || "(untitled)"}: ${l.outcome}${l.detail ? ` · ${l.detail}` : ""}`);
  if (unmatched > 0) lines.push(`${unmatched} more entr${unmatched === 1 ? "y" : "ies"}: no key in the scanned text`);
  return lines.map(displayText);
}

export function LorePanel(props: { report: TurnReport | null; maxLines: number; color: boolean }) {
  return <LinesPanel title="Lore · last turn" lines={lorePanelLines(props.report)} maxLines={props.maxLines} borderColor="yellow" color={props.color} />;
}

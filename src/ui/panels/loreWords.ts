import type { LoreOutcome } from "../../core/lorebook/activate.ts";
import type { TurnReport } from "../../app/turns/playTurn.ts";

type LoreRow = TurnReport["lore"][number];

/** Each activation outcome in words a person reads without knowing the code. */
const WORDS: Record<LoreOutcome, string> = {
  constant: "always on",
  key_matched: "key found",
  sticky: "sticky from an earlier turn",
  recursion: "key found in other lore",
  decorator_activate: "forced on by @@activate",
  disabled: "disabled",
  no_key_matched: "keys not found",
  secondary_failed: "secondary keys not met",
  probability_roll: "probability roll failed",
  cooldown: "cooldown",
  delay: "delayed",
  budget_exhausted: "over budget",
  lost_group: "lost to its group",
  recursion_excluded: "excluded from recursion",
  waiting_for_recursion: "waits for recursion",
  no_keys: "has no keys",
  character_filtered: "not for this character",
  trigger_mismatch: "not for this kind of reply",
  decorator_dont_activate: "held off by @@dont_activate",
  decorator_schedule: "not scheduled this turn",
  decorator_greeting: "for another greeting",
  decorator_keys: "extra keys not met",
};

export function outcomeWords(outcome: string): string {
  return (WORDS as Record<string, string>)[outcome] ?? outcome.replace(/_/g, " ");
}

/** Details that only repeat the outcome's words. */
const PLAIN = new Set(["primary key matched", "constant entry", "@@activate decorator"]);

/** "key found", or "cooldown · cooling down until message 12" when the detail says more. */
export function outcomeText(row: Pick<LoreRow, "outcome" | "detail">): string {
  const words = outcomeWords(row.outcome);
  return row.detail && !PLAIN.has(row.detail) ? `${words} · ${row.detail}` : words;
}

/**
 * A name for each row that tells it apart: its title, or for an untitled entry its
 * number and first keys; a title shared by several entries gets their numbers too.
 */
export function entryLabels(rows: LoreRow[]): string[] {
  const books = new Set(rows.map((r) => r.book));
  const id = (r: LoreRow) => (r.uid === undefined ? "" : books.size > 1 && r.book ? `${r.book} #${r.uid}` : `#${r.uid}`);
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.title.trim(), (counts.get(r.title.trim()) ?? 0) + 1);
  return rows.map((r, i) => {
    const title = r.title.trim();
    if (!title) {
      const keys = r.keys?.length ? ` (${r.keys.join(", ")})` : "";
      return `untitled ${id(r) || `entry ${i + 1}`}${keys}`;
    }
    return (counts.get(title) ?? 0) > 1 && id(r) ? `${title} ${id(r)}` : title;
  });
}

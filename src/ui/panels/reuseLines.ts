/** The KV cache's part of a turn, in the prompt panel and on the status line. */
import type { TurnReport } from "../../app/turns/playTurn.ts";

const SOURCE = { memory: "from memory", saved: "from the chat's saved state", none: "nothing cached" } as const;

/** Panel lines: what was reused and from where, why evaluation began where it did, what was shifted out. */
export function reuseLines(report: TurnReport): string[] {
  const r = report.reuse;
  if (!r) return [];
  const lines = [`KV cache: ${r.reused} reused (${SOURCE[r.source]}), ${r.evaluated} evaluated, ${r.newTokens} new in this turn`];
  if (r.cause === "new-messages") lines.push("  nothing was processed again");
  else lines.push(`  ${r.cause === "cold" ? "all evaluated" : `${r.reprocessed} processed again from ${r.section ?? "the start"}`}: ${r.reason}`);
  for (const s of r.shifted) lines.push(`  shifted out ${s.tokens} tokens (${s.what}), the rest kept`);
  for (const s of r.inserted) lines.push(`  evaluated ${s.tokens} tokens in place (${s.what}), what follows kept`);
  return lines;
}

/** The status line's few words: "kv 2310/2355" and, when part of the prompt was processed again, why. */
export function reuseStatus(report: TurnReport | null | undefined): string {
  const r = report?.reuse;
  if (!r) return "";
  const head = `kv ${r.reused}/${r.promptTokens}`;
  if (r.cause === "new-messages") return head;
  if (r.cause === "cold") return `${head} · ${r.reason}`;
  return `${head} · ${r.reprocessed} again: ${r.reason}`;
}

import type { GroupTurnSummary } from "../../app/groups/groupTurn.ts";

/**
 * What a group turn did, in one line: who spoke and why, or why nobody did, and whoever
 * wrote nothing. The panel and `--json` have the whole choice; this is the gist.
 */
export function groupNotice(turn: GroupTurnSummary): string | null {
  const warning = turn.choice.warning ? `${turn.choice.warning}. ` : "";
  if (turn.choice.nobody) return `${warning}Nobody replied: ${turn.choice.nobody.replace("(--as NAME, /speak NAME)", "(/speak NAME, or the members panel: Alt+G)")}`;
  const said = turn.replies.map((r) => `${r.speaker.name} (${r.saved ? r.speaker.detail : "wrote nothing"})`);
  return said.length ? `${warning}${said.join(" · ")}` : null;
}

/**
 * A group reply cut where the model began writing for someone else, as SillyTavern's
 * cleanUpMessage does in a group: at the first `Name:` line of another member (in list
 * order, muted ones too), then the speaker's own `Name:` prefixes removed.
 */

export interface GroupReplyNames {
  speaker: string;
  /** Every member's name in list order. */
  members: string[];
}

export function cleanGroupReply(text: string, names: GroupReplyNames): string {
  let out = text;
  for (const name of names.members) {
    if (!name || name === names.speaker) continue;
    const match = new RegExp(`(^|\\n)${escapeRegex(name)}:`).exec(out);
    if (match) out = out.slice(0, match.index);
  }
  if (names.speaker) out = out.replace(new RegExp(`(^|\\n)${escapeRegex(names.speaker)}:\\s*`, "g"), "$1");
  return out;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
}

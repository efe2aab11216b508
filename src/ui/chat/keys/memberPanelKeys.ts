import type { GroupMemberInfo } from "../../../app/groups/groupChats.ts";
import { moveSelection } from "../../components/listWindow.ts";
import type { ChatPanel } from "./panelKeys.ts";
import type { ChatKeyEvent } from "./chatKeyEvent.ts";

export interface MemberPanelContext {
  panel: ChatPanel | null;
  /** The group's members; null in a chat with one character. */
  members: GroupMemberInfo[] | null;
  row: number;
  inputEmpty: boolean;
  setRow(row: number): void;
  setPanel(panel: ChatPanel | null): void;
  /** The member replies now (muted or not). */
  speak(name: string): void;
  toggleMute(name: string): void;
  notify(message: string): void;
}

const panelOwnActions = new Set<string>(["historyPrev", "historyNext", "send"]);

/**
 * A group chat's members panel: its key opens and closes it; Up/Down pick a member,
 * Enter (or its number, with an empty input) makes them speak now, m mutes or unmutes.
 * Other keys (typing included) go on to the chat.
 */
export function memberPanelKeys(event: ChatKeyEvent, ctx: MemberPanelContext): boolean {
  if (event.action === "members") {
    if (!ctx.members) ctx.notify("Only a group chat has members to ask: taproom group create NAME --members A,B makes one");
    else ctx.setPanel(ctx.panel === "members" ? null : "members");
    return true;
  }
  if (ctx.panel !== "members" || !ctx.members) return false;
  if (event.action !== null && !panelOwnActions.has(event.action)) return false;
  const { char, key } = event;
  const members = ctx.members;
  if (key.upArrow || key.downArrow) {
    ctx.setRow(moveSelection(members.length, ctx.row, key.upArrow ? -1 : 1));
    return true;
  }
  const picked = key.return && ctx.inputEmpty ? members[ctx.row] : ctx.inputEmpty && /^[1-9]$/.test(char) ? members[Number(char) - 1] : undefined;
  if (picked) {
    if (picked.missing) ctx.notify(`${picked.name} has no card in the library: import it to let them speak`);
    else {
      ctx.setPanel(null);
      ctx.speak(picked.name);
    }
    return true;
  }
  if (char === "m" && ctx.inputEmpty) {
    const member = members[ctx.row];
    if (member) ctx.toggleMute(member.name);
    return true;
  }
  return false;
}

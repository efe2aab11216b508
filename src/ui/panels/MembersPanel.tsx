import React from "react";
import { Box, Text } from "ink";
import type { GroupInfo } from "../../app/groups/groupChats.ts";
import { displayText } from "../../core/text/sanitize.ts";
import { listWindow } from "../components/listWindow.ts";

export interface MembersPanelProps {
  group: GroupInfo;
  selected: number;
  /** Rows the panel may take, border and title included. */
  maxLines: number;
  color: boolean;
}

/** A group chat's members in list order: muted ones dimmed, the one picked marked. */
export function MembersPanel({ group, selected, maxLines, color }: MembersPanelProps) {
  const room = Math.max(1, maxLines - 4);
  const [start, end] = listWindow(group.members.length, selected, room);
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={color ? "green" : undefined} paddingX={1}>
      <Text bold wrap="truncate-end">{displayText(`${group.name} · ${group.strategy} · ${group.mode}`)}</Text>
      {group.members.slice(start, end).map((m, i) => {
        const index = start + i;
        const active = index === selected;
        const state = m.missing ? "  no card: sits out" : m.muted ? "  muted: speaks when asked" : "";
        return (
          <Text key={m.key} wrap="truncate-end" dimColor={m.muted || m.missing} bold={active} inverse={active && !color} color={active && color ? "cyan" : undefined}>
            {`${active ? "›" : " "} ${index < 9 ? index + 1 : " "} ${displayText(m.name)}${state}`}
          </Text>
        );
      })}
      <Text dimColor wrap="truncate-end">↑↓ Enter or 1-9: speaks now · m mute/unmute · Esc close</Text>
    </Box>
  );
}

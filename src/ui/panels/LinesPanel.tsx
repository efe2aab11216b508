import React from "react";
import { Box, Text } from "ink";

export interface LinesPanelProps {
  /** Already made safe for the terminal. */
  lines: string[];
  title?: string;
  /** Rows the panel may take, border and title included; extra lines are counted, not drawn. */
  maxLines?: number;
  borderColor: string;
  color: boolean;
}

/** A bordered panel of one-row lines, clamped to the room the terminal has. */
export function LinesPanel({ lines, title, maxLines, borderColor, color }: LinesPanelProps) {
  const room = maxLines === undefined ? lines.length : Math.max(2, maxLines - (title ? 3 : 1));
  const shown = lines.slice(0, room);
  const hidden = lines.length - shown.length;
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={color ? borderColor : undefined} paddingX={1}>
      {title ? <Text bold>{title}</Text> : null}
      {shown.map((line, i) => (
        <Text key={i} wrap="truncate-end">
          {line}
        </Text>
      ))}
      {hidden > 0 ? <Text dimColor>{`… ${hidden} more (a taller terminal shows them)`}</Text> : null}
    </Box>
  );
}

import React from "react";
import { Box, Text } from "ink";
import type { ChatMessage } from "../../core/chat/types.ts";
import { MessageView } from "./MessageView.tsx";
import { wrapRows } from "../text/layout.ts";

/** The start of a text as at most `maxRows` terminal rows of `width`, saying how many more there are. */
export function headRows(text: string, width: number, maxRows: number): string {
  const rows = wrapRows(text, width, "anywhere");
  if (rows.length <= maxRows) return text;
  const shown = rows.slice(0, Math.max(1, maxRows - 1));
  return `${shown.map((r) => text.slice(r.start, r.end)).join("\n")}\n… ${rows.length - shown.length} more rows`;
}

/**
 * Select mode's view of the picked message. Printed history cannot be redrawn with a
 * marker, so the message is shown again here, in the live region, marked and numbered.
 */
export function SelectedMessage(props: { message: ChatMessage; index: number; count: number; maxLines: number; columns: number; color: boolean }) {
  const { message, color } = props;
  // Room for the border, the header, the name, the gap below the text and the hint.
  const text = headRows(message.swipes[message.swipeIndex]?.text ?? "", Math.max(10, props.columns - 4), Math.max(2, props.maxLines - 6));
  return (
    <Box flexDirection="column" borderStyle="bold" borderColor={color ? "magenta" : undefined} paddingX={1}>
      <Text bold>{`▶ Message ${props.index + 1} of ${props.count}`}</Text>
      <MessageView message={message} text={text} color={color} showSwipes />
      <Text dimColor>Up/Down move · e edit · v $EDITOR · d delete · b branch · Esc back</Text>
    </Box>
  );
}

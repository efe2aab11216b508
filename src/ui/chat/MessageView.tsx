import React from "react";
import { Box, Text } from "ink";
import type { ChatMessage } from "../../core/chat/types.ts";
import { displayText } from "../../core/text/sanitize.ts";
import { StyledText } from "./StyledText.tsx";
import { wrapRows } from "../text/layout.ts";

/** The swipe counter users know from SillyTavern: `< 2/5 >`. */
export function swipeCounter(message: ChatMessage): string {
  return message.swipes.length > 1 ? `< ${message.swipeIndex + 1}/${message.swipes.length} >` : "";
}

/** Keeps the last `maxLines` lines so the live region never reaches the terminal's height. */
export function tailLines(text: string, maxLines: number): string {
  const lines = text.split("\n");
  if (lines.length <= maxLines) return text;
  return ["…", ...lines.slice(lines.length - maxLines + 1)].join("\n");
}

/**
 * Keeps the last `maxRows` terminal rows of `width` columns: long paragraphs wrap into many
 * rows, and a live region taller than the terminal makes Ink redraw the whole screen.
 * Word wrapping takes more rows than a hard break, so the width is taken a little short.
 */
export function tailRows(text: string, width: number, maxRows: number): string {
  const lines = tailLines(text, maxRows);
  const rows = wrapRows(lines, Math.max(10, Math.floor(width * 0.9)), "anywhere");
  if (rows.length <= maxRows) return lines;
  return `…\n${lines.slice(rows[rows.length - maxRows + 1]!.start)}`;
}

export const MessageView = React.memo(function MessageView(props: { message: ChatMessage; text?: string; color: boolean; showSwipes?: boolean }) {
  const { message, color } = props;
  const text = props.text ?? message.swipes[message.swipeIndex]?.text ?? "";
  const counter = props.showSwipes ? swipeCounter(message) : "";
  return (
    <Box flexDirection="column" marginBottom={1}>
      <Text bold color={color ? (message.role === "user" ? "cyan" : "magenta") : undefined}>
        {displayText(message.name)}
        {counter ? <Text dimColor>{`  ${counter}`}</Text> : null}
      </Text>
      <StyledText text={text} color={color} />
    </Box>
  );
});

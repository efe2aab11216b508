import React from "react";
import { Box, Text } from "ink";
import type { ChatMessage } from "../../core/chat/types.ts";
import { displayText } from "../../core/text/sanitize.ts";
import { StyledText } from "./StyledText.tsx";

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

import React from "react";
import { Box, Text } from "ink";
import type { ChatMessage } from "../../core/chat/types.ts";
import { MessageView, tailLines } from "./MessageView.tsx";

/**
 * Select mode's view of the picked message. Printed history cannot be redrawn with a
 * marker, so the message is shown again here, in the live region, marked and numbered.
 */
export function SelectedMessage(props: { message: ChatMessage; index: number; count: number; maxLines: number; color: boolean }) {
  const { message, color } = props;
  const text = tailLines(message.swipes[message.swipeIndex]?.text ?? "", Math.max(2, props.maxLines));
  return (
    <Box flexDirection="column" borderStyle="bold" borderColor={color ? "magenta" : undefined} paddingX={1}>
      <Text bold>{`▶ Message ${props.index + 1} of ${props.count}`}</Text>
      <MessageView message={message} text={text} color={color} showSwipes />
      <Text dimColor>Up/Down move · e edit · v $EDITOR · d delete · b branch · Esc back</Text>
    </Box>
  );
}

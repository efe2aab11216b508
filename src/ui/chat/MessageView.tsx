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

/** How long the model thought, as SillyTavern's header says it ("Thought for 3 seconds"). */
function thoughtFor(durationMs: number | null | undefined): string {
  if (durationMs === null || durationMs === undefined) return "Thought";
  const s = durationMs / 1000;
  return `Thought for ${s < 10 ? s.toFixed(1) : Math.round(s)}s`;
}

export interface ReasoningView {
  /** Unfolded: the whole reasoning; folded: one line. */
  shown: boolean;
  /** The key that folds and unfolds it, for the folded line. */
  key: string;
  /** The reply has not started: the model is still thinking. */
  thinking?: boolean;
  /** Rows the unfolded reasoning may take (its end is kept). */
  maxRows?: number;
  columns?: number;
}

/** A message's reasoning, apart from its text: folded to one line unless asked for. */
function ReasoningBlock(props: { text: string; durationMs?: number | null | undefined; view: ReasoningView; color: boolean }) {
  const { text, view } = props;
  const title = view.thinking ? "Thinking…" : thoughtFor(props.durationMs);
  if (!view.shown) return <Text dimColor>{`▸ ${title} (${view.key} shows)`}</Text>;
  const body = view.maxRows !== undefined ? tailRows(text, view.columns ?? 80, view.maxRows) : text;
  return (
    <Box flexDirection="column">
      <Text dimColor>{`▾ ${title} (${view.key} hides)`}</Text>
      <Text dimColor italic={props.color}>{displayText(body)}</Text>
    </Box>
  );
}

export const MessageView = React.memo(function MessageView(props: { message: ChatMessage; text?: string; color: boolean; showSwipes?: boolean; reasoning?: ReasoningView }) {
  const { message, color } = props;
  const swipe = message.swipes[message.swipeIndex];
  const text = props.text ?? swipe?.text ?? "";
  const counter = props.showSwipes ? swipeCounter(message) : "";
  const thought = swipe?.reasoning?.text ?? "";
  return (
    <Box flexDirection="column" marginBottom={1}>
      <Text bold color={color ? (message.role === "user" ? "cyan" : "magenta") : undefined}>
        {displayText(message.name)}
        {counter ? <Text dimColor>{`  ${counter}`}</Text> : null}
      </Text>
      {thought && props.reasoning ? <ReasoningBlock text={thought} durationMs={swipe?.reasoning?.durationMs} view={props.reasoning} color={color} /> : null}
      <StyledText text={text} color={color} />
    </Box>
  );
});

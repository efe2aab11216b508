import React, { useLayoutEffect, useRef } from "react";
import type { ChatMessage } from "../../core/chat/types.ts";
import { Box, Text } from "ink";
import { usePrintLog } from "../app/PrintLog.tsx";
import { MessageView, tailRows, type ReasoningView } from "./MessageView.tsx";

export interface TranscriptProps {
  messages: ChatMessage[];
  /** Messages before this index are final: printed once, never redrawn. */
  committed: number;
  /** Most lines the last message may take in the live region. */
  liveBudget: number;
  color: boolean;
  /** An overlay takes the live region's room (the terminal may be only 24 rows). */
  hideLive?: boolean;
  /** A new value clears the terminal and prints every finished message again (after an edit or delete). */
  reprint?: number;
  /** Terminal columns, to count wrapped rows in the live region. */
  columns?: number;
  /** How reasoning blocks are drawn (folded unless shown). */
  reasoning?: { shown: boolean; key: string };
  /** The first message printed; a line above it says how many earlier ones are left out and how to reach them. */
  from?: number;
}

/** The printed line above a chat's tail when its earlier messages are not printed. */
export function earlierLine(count: number): string {
  const messages = count === 1 ? "1 earlier message" : `${count.toLocaleString("en-US")} earlier messages`;
  return `··· ${messages} not printed · PgUp prints earlier ones · Ctrl+K picks any message ···`;
}

/** Finished messages printed once; only the uncommitted tail re-renders, clamped in height. */
export function Transcript({ messages, committed, liveBudget, color, hideLive, reprint = 0, columns = 80, from = 0, reasoning = { shown: false, key: "Alt+R" } }: TranscriptProps) {
  const log = usePrintLog();
  // Messages before this are printed (or left out); null while this epoch has printed nothing.
  const printed = useRef<number | null>(null);
  const printedEpoch = useRef(reprint);
  // A layout effect: the history is printed in the same update as the first frame, not after it.
  useLayoutEffect(() => {
    // Printed lines cannot be redrawn: changing one means clearing the screen and printing again.
    if (reprint !== printedEpoch.current) {
      printedEpoch.current = reprint;
      printed.current = null;
      log.reset();
    }
    const start = printed.current ?? Math.min(from, committed);
    if (committed <= start) return;
    const header = printed.current === null && start > 0 ? [{ key: `earlier-${reprint}`, node: <Box marginBottom={1}><Text dimColor>{earlierLine(start)}</Text></Box> }] : [];
    log.print([...header, ...messages.slice(start, committed).map((m) => ({ key: m.id, node: <MessageView message={m} color={color} reasoning={reasoning} /> }))]);
    printed.current = committed;
  }, [committed, messages, log, color, reprint, from, reasoning]);
  const live = hideLive ? [] : messages.slice(committed);
  return (
    <>
      {live.map((m, i) => {
        const isLast = i === live.length - 1;
        const text = m.swipes[m.swipeIndex]?.text ?? "";
        // Unfolded reasoning shares the live region with the reply: it gets what the reply does not use.
        const budget = isLast ? liveBudget : 3;
        const used = text ? Math.min(budget, tailRows(text, columns, budget).split("\n").length) : 0;
        const view: ReasoningView = { ...reasoning, thinking: isLast && m.id === "writing" && text === "", maxRows: Math.max(1, budget - used - 1), columns };
        return <MessageView key={m.id} message={m} text={tailRows(text, columns, budget)} color={color} showSwipes={isLast && m.role === "assistant"} reasoning={view} />;
      })}
    </>
  );
}

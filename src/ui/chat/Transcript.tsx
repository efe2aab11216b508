import React, { useLayoutEffect, useRef } from "react";
import type { ChatMessage } from "../../core/chat/types.ts";
import { usePrintLog } from "../app/PrintLog.tsx";
import { MessageView, tailRows } from "./MessageView.tsx";

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
}

/** Finished messages printed once; only the uncommitted tail re-renders, clamped in height. */
export function Transcript({ messages, committed, liveBudget, color, hideLive, reprint = 0, columns = 80 }: TranscriptProps) {
  const log = usePrintLog();
  const printed = useRef(0);
  const printedEpoch = useRef(reprint);
  // A layout effect: the history is printed in the same update as the first frame, not after it.
  useLayoutEffect(() => {
    // Printed lines cannot be redrawn: changing one means clearing the screen and printing again.
    if (reprint !== printedEpoch.current) {
      printedEpoch.current = reprint;
      printed.current = 0;
      log.reset();
    }
    if (committed <= printed.current) return;
    log.print(messages.slice(printed.current, committed).map((m) => ({ key: m.id, node: <MessageView message={m} color={color} /> })));
    printed.current = committed;
  }, [committed, messages, log, color, reprint]);
  const live = hideLive ? [] : messages.slice(committed);
  return (
    <>
      {live.map((m, i) => {
        const isLast = i === live.length - 1;
        const text = m.swipes[m.swipeIndex]?.text ?? "";
        return <MessageView key={m.id} message={m} text={tailRows(text, columns, isLast ? liveBudget : 3)} color={color} showSwipes={isLast && m.role === "assistant"} />;
      })}
    </>
  );
}

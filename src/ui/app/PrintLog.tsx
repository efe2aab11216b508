import React, { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { Box, Static, useStdout } from "ink";

/** Something printed once above the live region, never redrawn. */
export interface PrintedItem {
  key: string;
  node: ReactNode;
}

export interface PrintLog {
  print(items: PrintedItem[]): void;
  /** Clears the terminal and starts an empty log (a new screen or another chat). */
  reset(): void;
}

import { forgetPrintedOutput } from "./inkPrintedOutput.ts";

const PrintLogContext = createContext<PrintLog | null>(null);

const ERASE_SCREEN_AND_SCROLLBACK = "\x1b[2J\x1b[3J\x1b[H";

/** Calls back once the terminal's width has held still at a new value; a drag sends a resize per column. Returns the unsubscribe. */
function onWidthSettled(stdout: NodeJS.WriteStream, ms: number, settled: () => void): () => void {
  let width = stdout.columns;
  let timer: NodeJS.Timeout | undefined;
  const resized = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (stdout.columns === width) return;
      width = stdout.columns;
      settled();
    }, ms);
  };
  stdout.on("resize", resized);
  return () => {
    clearTimeout(timer);
    stdout.off("resize", resized);
  };
}

/**
 * The app's one `<Static>`: it stays mounted for the app's whole life, because Ink 6.8
 * keeps a dangling reference to an unmounted Static and crashes in yoga on the next
 * render (ink #904). Screens print finished lines through usePrintLog().
 */
export function PrintLogProvider({ children, resizeSettleMs = 250 }: { children: ReactNode; resizeSettleMs?: number }) {
  const { stdout, write } = useStdout();
  const [log, setLog] = useState<{ epoch: number; items: PrintedItem[] }>({ epoch: 0, items: [] });
  const print = useCallback((items: PrintedItem[]) => {
    if (items.length) setLog((l) => ({ ...l, items: [...l.items, ...items] }));
  }, []);
  // Ink's write() draws the live region again after the clear, even when it has not changed.
  const clearScreen = useCallback(() => {
    write(ERASE_SCREEN_AND_SCROLLBACK);
    // Else Ink would print what was just erased again on its next full redraw.
    forgetPrintedOutput(stdout);
  }, [write, stdout]);
  const reset = useCallback(() => {
    clearScreen();
    setLog((l) => ({ epoch: l.epoch + 1, items: [] }));
  }, [clearScreen]);
  useEffect(
    () =>
      onWidthSettled(stdout, resizeSettleMs, () => {
        // The terminal re-wrapped what was printed at the old width and Ink erases too few rows of it: start clean and print it all again.
        clearScreen();
        setLog((l) => ({ epoch: l.epoch + 1, items: l.items }));
      }),
    [stdout, resizeSettleMs, clearScreen],
  );
  const value = useMemo(() => ({ print, reset }), [print, reset]);
  return (
    <>
      {/* A new key gives a fresh Static; React mounts it in the same commit, so none dangles. */}
      <Static key={log.epoch} items={log.items}>
        {(item) => <Box key={item.key} flexDirection="column">{item.node}</Box>}
      </Static>
      <PrintLogContext.Provider value={value}>{children}</PrintLogContext.Provider>
    </>
  );
}

export function usePrintLog(): PrintLog {
  const log = useContext(PrintLogContext);
  if (!log) throw new Error("usePrintLog needs a PrintLogProvider above it");
  return log;
}

import React, { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";
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

const PrintLogContext = createContext<PrintLog | null>(null);

/**
 * The app's one `<Static>`: it stays mounted for the app's whole life, because Ink 6.8
 * keeps a dangling reference to an unmounted Static and crashes in yoga on the next
 * render (ink #904). Screens print finished lines through usePrintLog().
 */
export function PrintLogProvider({ children }: { children: ReactNode }) {
  const { stdout } = useStdout();
  const [log, setLog] = useState<{ epoch: number; items: PrintedItem[] }>({ epoch: 0, items: [] });
  const print = useCallback((items: PrintedItem[]) => {
    if (items.length) setLog((l) => ({ ...l, items: [...l.items, ...items] }));
  }, []);
  const reset = useCallback(() => {
    // Erase the screen and its scrollback so the next screen starts at the top.
    stdout.write("\x1b[2J\x1b[3J\x1b[H");
    setLog((l) => ({ epoch: l.epoch + 1, items: [] }));
  }, [stdout]);
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

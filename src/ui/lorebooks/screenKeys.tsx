import React, { createContext, useContext, useRef, type ReactNode } from "react";
import { useInput, type Key } from "ink";

type Handler = (char: string, key: Key) => void;
const KeysContext = createContext<{ current: Handler | null } | null>(null);

/**
 * One input listener for a screen made of views that come and go: the view drawn
 * last takes the keys from the moment it renders. Views mounting their own useInput
 * would leave moments with no listener while they swap, and a key then is lost.
 */
export function ScreenKeys({ children, intercept }: { children: ReactNode; intercept?: (char: string, key: Key) => boolean }) {
  const handler = useRef<Handler | null>(null);
  useInput((char, key) => {
    if (intercept?.(char, key)) return;
    handler.current?.(char, key);
  });
  return <KeysContext.Provider value={handler}>{children}</KeysContext.Provider>;
}

/** Takes the screen's keys while this view is drawn. */
export function useScreenKeys(handler: Handler): void {
  const ref = useContext(KeysContext);
  if (!ref) throw new Error("useScreenKeys needs a <ScreenKeys> around the view");
  ref.current = handler;
}

import { useCallback } from "react";
import { useSyncState } from "./useSyncState.ts";

/**
 * Screen state that key handlers read and write synchronously, changed by merging
 * fields: keys that arrive before React re-renders still see what the previous key did.
 */
export function useLiveState<T extends object>(initial: () => T): [T, () => T, (change: Partial<T> | ((s: T) => Partial<T>)) => void] {
  const [value, set, ref] = useSyncState(initial);
  const get = useCallback(() => ref.current, [ref]);
  const merge = useCallback((change: Partial<T> | ((s: T) => Partial<T>)) => set((s) => ({ ...s, ...(typeof change === "function" ? change(s) : change) })), [set]);
  return [value, get, merge];
}

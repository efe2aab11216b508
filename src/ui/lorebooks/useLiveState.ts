import { useCallback, useReducer, useRef } from "react";

/**
 * Screen state that key handlers read and write synchronously: keys that arrive
 * before React re-renders still see what the previous key did (Ink handlers
 * otherwise close over stale state).
 */
export function useLiveState<T extends object>(initial: () => T): [T, () => T, (change: Partial<T> | ((s: T) => Partial<T>)) => void] {
  const ref = useRef<T | null>(null);
  ref.current ??= initial();
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const get = useCallback(() => ref.current as T, []);
  const set = useCallback((change: Partial<T> | ((s: T) => Partial<T>)) => {
    const current = ref.current as T;
    ref.current = { ...current, ...(typeof change === "function" ? change(current) : change) };
    rerender();
  }, []);
  return [ref.current, get, set];
}

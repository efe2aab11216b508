import { useCallback, useRef, useState } from "react";

// Ink re-subscribes a screen's input handler only after React commits, so keys that
// arrive faster than a render (a loaded machine, tmux send-keys, SSH bursts) reach a
// handler holding stale state. Handlers read these refs, which change at once.

type Next<T> = T | ((previous: T) => T);

/** useState whose latest value is readable at once through the ref; `initial` may be a function, as with useState. */
export function useSyncState<T>(initial: T | (() => T)): [T, (next: Next<T>) => void, { readonly current: T }] {
  const [value, setValue] = useState(initial);
  const ref = useRef(value);
  const set = useCallback((next: Next<T>) => {
    ref.current = typeof next === "function" ? (next as (previous: T) => T)(ref.current) : next;
    setValue(ref.current);
  }, []);
  return [value, set, ref];
}

/** useReducer whose latest state is readable at once through the ref; `initial` may be a function. */
export function useSyncReducer<S, A>(reducer: (state: S, action: A) => S, initial: S | (() => S)): [S, (action: A) => void, { readonly current: S }] {
  const [value, set, ref] = useSyncState(initial);
  const dispatch = useCallback((action: A) => set((state) => reducer(state, action)), [reducer, set]);
  return [value, dispatch, ref];
}

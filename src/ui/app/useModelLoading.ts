import { useSyncExternalStore } from "react";
import type { ModelLoadWatch, ModelLoading } from "../../app/models.ts";

const nothingLoads: ModelLoadWatch = { loading: () => null, subscribe: () => () => {} };

/** The model load in progress, redrawn as it moves on and when it ends. */
export function useModelLoading(watch: ModelLoadWatch | undefined): ModelLoading | null {
  const { subscribe, loading } = watch ?? nothingLoads;
  return useSyncExternalStore(subscribe, loading);
}

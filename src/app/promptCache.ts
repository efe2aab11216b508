/**
 * The prompt cache as the user's settings ask for it: where chats' KV states are saved
 * (dataPaths().cache/kv-states, bounded per chat and in total) and whether context
 * shift and splice are on. One store per process, shared by every model loaded.
 */
import { join } from "node:path";
import type { PromptCacheOptions } from "../engine/kv/sequenceCache.ts";
import { KvStateStore } from "../store/kvStates.ts";
import type { DataPaths } from "../store/paths.ts";
import { promptCacheSettings, type Settings } from "../store/settings.ts";

const stores = new Map<string, KvStateStore>();

export function kvStateDir(paths: DataPaths): string {
  return join(paths.cache, "kv-states");
}

/** Options for LoadedModel.usePromptCache; `persist: false` for a chat that is not saved (its state would be an orphan). */
export function promptCacheOptions(settings: Settings, paths: DataPaths, persist = true): PromptCacheOptions {
  const s = promptCacheSettings(settings);
  if (!persist || !s.saveState) return { contextShift: s.contextShift, splice: s.splice, storage: undefined };
  const dir = kvStateDir(paths);
  let store = stores.get(dir);
  if (!store) {
    store = new KvStateStore({ dir, limits: { maxChatBytes: s.maxChatMiB * 2 ** 20, maxTotalBytes: s.maxTotalMiB * 2 ** 20 } });
    stores.set(dir, store);
    // States a crash left half-written go; never in the way of the turn.
    void store.removeStale().catch(() => {});
  }
  return { contextShift: s.contextShift, splice: s.splice, storage: store };
}

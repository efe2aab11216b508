import { join } from "node:path";
import { openJsonDb } from "../jsonDb.ts";
import { dataPaths } from "../paths.ts";

/** What was read from one file, valid while its size and mtime stay the same. */
export interface CachedFileEntry<T> {
  path: string;
  size: number;
  mtimeMs: number;
  facts?: T;
  /** One-line reason the file could not be read as a model. */
  error?: string;
}

interface CacheData<T> {
  version: 1;
  entries: Record<string, CachedFileEntry<T>>;
}

export interface ModelMetadataCache<T> {
  /** The entry for this path if size and mtime still match. */
  get(path: string, size: number, mtimeMs: number): CachedFileEntry<T> | undefined;
  set(entry: CachedFileEntry<T>): void;
  /** Forget files that are gone, then write to disk if anything changed. */
  save(keepPaths: Iterable<string>): Promise<void>;
}

export function defaultModelCachePath(root?: string): string {
  return join(dataPaths(root).cache, "models.json");
}

/** The library's metadata cache (a lowdb file under the data directory's cache/). */
export async function openModelMetadataCache<T>(path: string): Promise<ModelMetadataCache<T>> {
  const db = await openJsonDb<CacheData<T>>({ path, defaults: { version: 1, entries: {} } });
  if (db.data.version !== 1 || typeof db.data.entries !== "object" || db.data.entries === null) db.data = { version: 1, entries: {} };
  let dirty = false;
  return {
    get(file, size, mtimeMs) {
      const entry = db.data.entries[file];
      return entry && entry.size === size && entry.mtimeMs === mtimeMs ? entry : undefined;
    },
    set(entry) {
      db.data.entries[entry.path] = entry;
      dirty = true;
    },
    async save(keepPaths) {
      const keep = new Set(keepPaths);
      for (const key of Object.keys(db.data.entries)) {
        if (!keep.has(key)) {
          delete db.data.entries[key];
          dirty = true;
        }
      }
      if (dirty) await db.write();
      dirty = false;
    },
  };
}

import { readdir, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { parseSplitName } from "../quants/index.ts";

/** One model on disk: a single .gguf, or the parts of a split one found together. */
export interface ModelFiles {
  /** Display name: file name, or the split's base name. */
  name: string;
  /** Existing parts in part order; the first is what a loader opens. */
  paths: string[];
  /** Sum of the parts' sizes. */
  totalBytes: number;
  /** Newest modification time of the parts. */
  mtimeMs: number;
  /** 1-based parts a split model lacks (empty when complete or not split). */
  missingParts: number[];
  /** Part count the file names announce (1 when not split). */
  parts: number;
}

export interface FindModelFilesOptions {
  folders: string[];
  /** How deep to look below each folder (the library is usually flat or one level). */
  maxDepth?: number;
}

/** Finds .gguf files (not .part downloads) below the folders; missing folders are skipped. */
export async function findModelFiles(options: FindModelFilesOptions): Promise<ModelFiles[]> {
  const files = new Map<string, { size: number; mtimeMs: number }>();
  for (const folder of new Set(options.folders)) await walk(folder, options.maxDepth ?? 3, files);
  const groups = new Map<string, { total: number; parts: Map<number, string> }>();
  for (const path of [...files.keys()].sort()) {
    const split = parseSplitName(path);
    const key = split ? join(dirname(path), `${split.base}.gguf`) : path;
    const group = groups.get(key) ?? { total: split?.total ?? 1, parts: new Map<number, string>() };
    group.parts.set(split?.part ?? 1, path);
    groups.set(key, group);
  }
  return [...groups.entries()].map(([key, group]) => toModelFiles(key, group, files));
}

function toModelFiles(key: string, group: { total: number; parts: Map<number, string> }, files: Map<string, { size: number; mtimeMs: number }>): ModelFiles {
  const numbers = [...group.parts.keys()].sort((a, b) => a - b);
  const paths = numbers.map((n) => group.parts.get(n)!);
  const stats = paths.map((p) => files.get(p)!);
  return {
    name: group.total > 1 ? basename(key, ".gguf") : basename(key),
    paths,
    totalBytes: stats.reduce((sum, s) => sum + s.size, 0),
    mtimeMs: Math.max(...stats.map((s) => s.mtimeMs)),
    missingParts: Array.from({ length: group.total }, (_, i) => i + 1).filter((n) => !group.parts.has(n)),
    parts: group.total,
  };
}

async function walk(dir: string, depth: number, into: Map<string, { size: number; mtimeMs: number }>): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    if (entry.name.startsWith(".")) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (depth > 0) await walk(path, depth - 1, into);
    } else if (/\.gguf$/i.test(entry.name)) {
      const info = await stat(path).catch(() => undefined);
      if (info?.isFile()) into.set(path, { size: info.size, mtimeMs: info.mtimeMs });
    }
  }
}

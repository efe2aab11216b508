import { mkdir, stat, statfs } from "node:fs/promises";
import { basename, join } from "node:path";
import { downloadFile, type DownloadProgress, type DownloadRetry } from "./downloadFile.ts";
import { HubError } from "./errors.ts";
import { formatBytes } from "../../core/units/format.ts";
import { sanitizeForTerminal } from "../../core/text/sanitize.ts";

export class NotEnoughDiskSpaceError extends Error {
  constructor(readonly folder: string, readonly neededBytes: number, readonly freeBytes: number) {
    super(`${folder}: not enough disk space: the download needs ${formatBytes(neededBytes)} more, ${formatBytes(freeBytes)} is free`);
    this.name = "NotEnoughDiskSpaceError";
  }
}
import { fileUrl, type HubOptions } from "./hubClient.ts";
import type { RepoModel } from "./repoModels.ts";

export interface ModelDownloadProgress extends DownloadProgress {
  /** 1-based part being fetched, and how many parts the model has. */
  part: number;
  parts: number;
}

export interface DownloadRepoModelOptions {
  hub: HubOptions;
  repo: string;
  model: RepoModel;
  /** The library folder; files land in it under their own base names. */
  modelsDir: string;
  signal?: AbortSignal;
  /** bytes/total count the whole model, all parts together. */
  onProgress?: (progress: ModelDownloadProgress) => void;
  progressIntervalMs?: number;
  /** Resumes by itself after a dropped connection, per file; default 0. */
  retries?: number;
  retryDelayMs?: number;
  onRetry?: (retry: DownloadRetry) => void;
}

export interface DownloadRepoModelResult {
  /** Final paths, in part order. */
  paths: string[];
  /** Bytes fetched in this run (resumed and already-present bytes not counted). */
  fetchedBytes: number;
  /** Parts that were already complete in the library. */
  alreadyPresent: number;
}

/** Downloads every part of a model into the library, skipping parts already there. */
export async function downloadRepoModel(options: DownloadRepoModelOptions): Promise<DownloadRepoModelResult> {
  const { model } = options;
  if (model.missingParts.length > 0) {
    throw new HubError(`${options.repo}/${model.name}: the repository lacks part(s) ${model.missingParts.join(", ")} of this split model`, "bad-listing");
  }
  await checkDiskSpace(options);
  const paths: string[] = [];
  let done = 0;
  let fetchedBytes = 0;
  let alreadyPresent = 0;
  for (const [index, file] of model.files.entries()) {
    const destination = join(options.modelsDir, safeFileName(options.repo, file.path));
    paths.push(destination);
    if ((await sizeOrUndefined(destination)) === file.size) {
      alreadyPresent++;
      done += file.size;
      continue;
    }
    const before = done;
    const result = await downloadFile({
      hub: options.hub,
      url: fileUrl(options.hub, options.repo, file.path),
      what: sanitizeForTerminal(`${options.repo}/${file.path}`),
      destination,
      expectedSize: file.size,
      ...(file.sha256 ? { sha256: file.sha256 } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.progressIntervalMs !== undefined ? { progressIntervalMs: options.progressIntervalMs } : {}),
      ...(options.retries !== undefined && { retries: options.retries }),
      ...(options.retryDelayMs !== undefined && { retryDelayMs: options.retryDelayMs }),
      ...(options.onRetry && { onRetry: options.onRetry }),
      onProgress: (p) =>
        options.onProgress?.({
          ...p,
          bytes: before + p.bytes,
          total: model.totalBytes,
          etaSeconds: p.bytesPerSecond > 0 ? (model.totalBytes - before - p.bytes) / p.bytesPerSecond : undefined,
          part: index + 1,
          parts: model.files.length,
        }),
    });
    fetchedBytes += result.bytes - result.resumedFrom;
    done += file.size;
  }
  return { paths, fetchedBytes, alreadyPresent };
}

/** Refuses up front rather than failing hours in with a full disk. */
async function checkDiskSpace(options: DownloadRepoModelOptions): Promise<void> {
  await mkdir(options.modelsDir, { recursive: true });
  let needed = 0;
  for (const file of options.model.files) {
    const destination = join(options.modelsDir, safeFileName(options.repo, file.path));
    if ((await sizeOrUndefined(destination)) === file.size) continue;
    needed += file.size - Math.min(file.size, (await sizeOrUndefined(`${destination}.part`)) ?? 0);
  }
  const fs = await statfs(options.modelsDir).catch(() => undefined);
  if (!fs) return;
  const free = fs.bavail * fs.bsize;
  if (needed > free) throw new NotEnoughDiskSpaceError(options.modelsDir, needed, free);
}

/** Hub paths are untrusted: keep the base name only, and refuse anything odd in it. */
function safeFileName(repo: string, path: string): string {
  const name = basename(path);
  if (!/^[^\u0000-\u001f\u007f/\\:*?"<>|]+\.gguf$/i.test(name) || name.startsWith(".")) {
    throw new HubError(`${repo}: refusing the file name "${name.replace(/[^\x20-\x7e]/g, "?")}"`, "bad-listing");
  }
  return name;
}

async function sizeOrUndefined(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch {
    return undefined;
  }
}

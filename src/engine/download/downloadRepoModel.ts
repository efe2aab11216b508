import { stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { downloadFile, type DownloadProgress } from "./downloadFile.ts";
import { HubError } from "./errors.ts";
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
      what: `${options.repo}/${file.path}`,
      destination,
      expectedSize: file.size,
      ...(file.sha256 ? { sha256: file.sha256 } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.progressIntervalMs !== undefined ? { progressIntervalMs: options.progressIntervalMs } : {}),
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

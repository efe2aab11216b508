import { downloadRepoModel, type ModelDownloadProgress } from "./downloadRepoModel.ts";
import { planPull, PullChoiceError, type PullPlan } from "./planPull.ts";
import type { HubOptions } from "./hubClient.ts";
import { DownloadCancelledError } from "./errors.ts";
import type { DownloadRetry } from "./downloadFile.ts";
import type { RepoModel } from "./repoModels.ts";
import type { FitMachine } from "../planning/machine.ts";

/** Enough for a flaky link over a long download; a dead one still fails within seconds. */
export const DEFAULT_RETRIES = 3;

export interface PullModelOptions {
  /** `hf:USER/REPO[:QUANT]` or `hf:USER/REPO:FILE.gguf`. */
  uri: string;
  hub: HubOptions;
  /** The library folder the files land in. */
  modelsDir: string;
  /** Needed when the address names no quant: the machine to choose for. */
  machine?: FitMachine;
  /** Context the user wants; default 8192. */
  contextSize?: number;
  /** Reading-speed floor in tokens/s for the automatic choice; default 8. */
  minSpeed?: number;
  /** Aborting stops listing or downloading: a DownloadCancelledError, the `.part` kept for a resume. */
  signal?: AbortSignal;
  /** Once the repository is listed and the choice made, before any byte is fetched (also when nothing runs). */
  onPlan?: (plan: PullPlan) => void;
  /** Bytes, total, speed and ETA over the whole model, all parts together. */
  onProgress?: (progress: ModelDownloadProgress) => void;
  progressIntervalMs?: number;
  /** Resumes by itself this many times per file after a dropped connection; default 3. */
  retries?: number;
  /** Wait before retry n is n times this; default 1000. */
  retryDelayMs?: number;
  /** A dropped connection is being resumed (say so; the download goes on). */
  onRetry?: (retry: DownloadRetry) => void;
}

export interface PulledModel {
  plan: PullPlan & { model: RepoModel };
  /** Final paths in the library, in part order; open the first. */
  paths: string[];
  fetchedBytes: number;
  /** True when every part was already in the library. */
  alreadyPresent: boolean;
}

/**
 * `taproom pull` as one call, for the CLI and the model screen: list the repository,
 * choose the file (the named quant, or the best for the machine), then download and
 * verify it into the library. Throws the named errors of download/ (HfUriError,
 * HubError, PullChoiceError, DownloadCancelledError, DownloadInterruptedError,
 * DownloadVerifyError, DownloadBusyError, NotEnoughDiskSpaceError).
 */
export async function pullModel(options: PullModelOptions): Promise<PulledModel> {
  const plan = await planPull({
    uri: options.uri,
    hub: options.hub,
    ...(options.machine && { machine: options.machine }),
    ...(options.contextSize !== undefined && { contextSize: options.contextSize }),
    ...(options.minSpeed !== undefined && { minSpeed: options.minSpeed }),
    ...(options.signal && { signal: options.signal }),
  }).catch((error: unknown) => {
    if (options.signal?.aborted) throw new DownloadCancelledError(options.uri);
    throw error;
  });
  if (options.signal?.aborted) throw new DownloadCancelledError(options.uri);
  options.onPlan?.(plan);
  const model = plan.model;
  if (!model) {
    const why = plan.choice?.choice.reason ?? "no file runs on this machine";
    throw new PullChoiceError(`${plan.uri.repo}: nothing to download for this machine (${why.replace(/\.$/, "")}); name a quant (hf:${plan.uri.repo}:Q2_K) to download anyway`);
  }
  const chosen = { ...plan, model };
  const result = await downloadRepoModel({
    hub: options.hub,
    repo: plan.uri.repo,
    model,
    modelsDir: options.modelsDir,
    ...(options.signal && { signal: options.signal }),
    ...(options.onProgress && { onProgress: options.onProgress }),
    ...(options.progressIntervalMs !== undefined && { progressIntervalMs: options.progressIntervalMs }),
    retries: options.retries ?? DEFAULT_RETRIES,
    ...(options.retryDelayMs !== undefined && { retryDelayMs: options.retryDelayMs }),
    ...(options.onRetry && { onRetry: options.onRetry }),
  });
  return { plan: chosen, paths: result.paths, fetchedBytes: result.fetchedBytes, alreadyPresent: result.alreadyPresent === model.files.length };
}

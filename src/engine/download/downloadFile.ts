import { createHash, type Hash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, readFile, rename, stat, truncate, unlink, writeFile, type FileHandle } from "node:fs/promises";
import { dirname } from "node:path";
import { DownloadBusyError, DownloadCancelledError, DownloadInterruptedError, DownloadVerifyError, HubError } from "./errors.ts";
import { hubFetch, type HubOptions } from "./hubClient.ts";

export interface DownloadProgress {
  /** Path of the file being written (its final name). */
  file: string;
  bytes: number;
  total: number;
  /** Over the last few seconds; 0 until there is a measurement. */
  bytesPerSecond: number;
  /** Undefined while the speed is unknown. */
  etaSeconds: number | undefined;
}

export interface DownloadFileOptions {
  hub: HubOptions;
  url: string;
  /** "USER/REPO/FILE", named in errors. */
  what: string;
  /** Final path; bytes go to `destination + ".part"` until verified. */
  destination: string;
  expectedSize?: number;
  /** Lower-case hex; checked when given. */
  sha256?: string;
  signal?: AbortSignal;
  onProgress?: (progress: DownloadProgress) => void;
  /** Minimum milliseconds between progress events (the last one always comes). */
  progressIntervalMs?: number;
  /** Times to resume by itself after a dropped connection or an unreachable hub; default 0. */
  retries?: number;
  /** Wait before retry n is n times this; default 1000. */
  retryDelayMs?: number;
  onRetry?: (retry: DownloadRetry) => void;
}

/** A dropped connection about to be resumed from the `.part` file. */
export interface DownloadRetry {
  file: string;
  /** 1-based, at most `retries`. */
  attempt: number;
  retries: number;
  bytesSoFar: number;
  /** One line: what went wrong. */
  reason: string;
  delayMs: number;
}

export interface DownloadFileResult {
  path: string;
  bytes: number;
  /** Bytes that were already in the `.part` file and not fetched again. */
  resumedFrom: number;
}

/**
 * Downloads one file into `destination`, resuming a `.part` file left by an earlier
 * attempt. The file appears under its final name only after its size (and sha256,
 * when known) is verified; a mismatch deletes the bytes.
 */
export async function downloadFile(options: DownloadFileOptions): Promise<DownloadFileResult> {
  const part = `${options.destination}.part`;
  await mkdir(dirname(part), { recursive: true });
  const lock = await takeLock(`${part}.lock`, options.what);
  try {
    return await downloadLocked(options, part);
  } finally {
    await unlink(lock).catch(() => {});
  }
}

/** Another running download of the same file is an error; a lock left by a dead process is taken over. */
async function takeLock(path: string, what: string): Promise<string> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(path, String(process.pid), { flag: "wx" });
      return path;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const pid = Number(await readFile(path, "utf8").catch(() => ""));
      if (pid > 0 && pid !== process.pid && isAlive(pid)) break;
      if (pid === process.pid) break;
      await unlink(path).catch(() => {});
    }
  }
  throw new DownloadBusyError(what);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function downloadLocked(options: DownloadFileOptions, part: string): Promise<DownloadFileResult> {
  let existing = await sizeOf(part);
  if (options.expectedSize !== undefined && existing > options.expectedSize) {
    await truncate(part, 0);
    existing = 0;
  }
  const digest: Digest = { hash: options.sha256 ? createHash("sha256") : undefined };
  if (digest.hash && existing > 0) await hashFile(part, digest.hash);
  const resumedFrom = existing;
  let total = options.expectedSize;
  if (options.expectedSize === undefined || existing < options.expectedSize) {
    const retries = Math.max(0, Math.floor(options.retries ?? 0));
    for (let attempt = 1; ; attempt++) {
      try {
        total = await fetchInto({ ...options, part, existing, digest });
        break;
      } catch (error) {
        if (attempt > retries || options.signal?.aborted || !isTransient(error)) throw error;
        const delayMs = (options.retryDelayMs ?? 1000) * attempt;
        existing = await sizeOf(part);
        // Cut after the last byte: nothing is left to fetch, only to verify.
        if (options.expectedSize !== undefined && existing >= options.expectedSize) break;
        options.onRetry?.({ file: options.destination, attempt, retries, bytesSoFar: existing, reason: (error as Error).message.replace(/; run the same command again to resume$/, ""), delayMs });
        await sleep(delayMs, options.signal);
        if (options.signal?.aborted) throw new DownloadCancelledError(options.what);
      }
    }
  }
  await verify(options, part, total, digest);
  await rename(part, options.destination);
  return { path: options.destination, bytes: await sizeOf(options.destination), resumedFrom };
}

/** What a retry can cure: a cut connection, a hub that cannot be reached or answers 5xx for a moment. */
function isTransient(error: unknown): boolean {
  if (error instanceof DownloadInterruptedError) return true;
  return error instanceof HubError && (error.kind === "network" || (error.status !== undefined && error.status >= 500));
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
  });
}

/** The running sha256, replaced when a download has to start over. */
interface Digest {
  hash: Hash | undefined;
}

interface FetchIntoOptions extends DownloadFileOptions {
  part: string;
  existing: number;
  digest: Digest;
}

/** Appends the rest of the file to the part file; returns the total size the server announced. */
async function fetchInto(options: FetchIntoOptions): Promise<number | undefined> {
  let { existing } = options;
  const range = existing > 0 ? { range: `bytes=${existing}-` } : undefined;
  let response = await hubFetch({ hub: options.hub, url: options.url, what: options.what, headers: range, signal: options.signal }).catch(
    (error: unknown) => rethrowAbort(error, options),
  );
  if (response.status === 416) {
    // The part file does not fit what the server has: start over.
    existing = await startOver(options);
    response = await hubFetch({ hub: options.hub, url: options.url, what: options.what, signal: options.signal }).catch((error: unknown) =>
      rethrowAbort(error, options),
    );
  }
  if (existing > 0 && response.status !== 206) {
    // The server ignored the Range header and sends the whole file.
    existing = await startOver(options);
  }
  const total = announcedTotal(response, existing) ?? options.expectedSize;
  const handle = await open(options.part, "a");
  try {
    await streamBody({ options, response, handle, existing, total: total ?? 0 });
    await handle.sync();
  } finally {
    await handle.close();
  }
  return total;
}

async function startOver(options: FetchIntoOptions): Promise<0> {
  await truncate(options.part, 0);
  if (options.digest.hash) options.digest.hash = createHash("sha256");
  return 0;
}

async function streamBody(args: {
  options: FetchIntoOptions;
  response: Response;
  handle: FileHandle;
  existing: number;
  total: number;
}): Promise<void> {
  const { options, response, handle } = args;
  const hash = options.digest.hash;
  const meter = new ProgressMeter(options, args.total, args.existing);
  let bytes = args.existing;
  const body = (response.body ?? []) as unknown as AsyncIterable<Uint8Array>;
  try {
    for await (const chunk of body) {
      await handle.write(chunk);
      hash?.update(chunk);
      bytes += chunk.byteLength;
      meter.update(bytes);
    }
  } catch (error) {
    if (options.signal?.aborted) throw new DownloadCancelledError(options.what);
    throw new DownloadInterruptedError(options.what, bytes, error);
  }
  if (options.signal?.aborted) throw new DownloadCancelledError(options.what);
  meter.finish(bytes);
}

function rethrowAbort(error: unknown, options: DownloadFileOptions): never {
  if (options.signal?.aborted) throw new DownloadCancelledError(options.what);
  throw error;
}

function announcedTotal(response: Response, existing: number): number | undefined {
  const range = response.headers.get("content-range");
  const total = range ? /\/(\d+)\s*$/.exec(range)?.[1] : undefined;
  if (total) return Number(total);
  const length = response.headers.get("content-length");
  return length ? existing + Number(length) : undefined;
}

async function verify(options: DownloadFileOptions, part: string, total: number | undefined, digest: Digest): Promise<void> {
  const size = await sizeOf(part);
  const expected = options.expectedSize ?? total;
  if (expected !== undefined && size !== expected) {
    await unlink(part).catch(() => {});
    throw new DownloadVerifyError(options.what, "size", `${expected} bytes`, `${size} bytes`);
  }
  if (options.sha256 && digest.hash) {
    const actual = digest.hash.digest("hex");
    if (actual !== options.sha256.toLowerCase()) {
      await unlink(part).catch(() => {});
      throw new DownloadVerifyError(options.what, "sha256", options.sha256, actual);
    }
  }
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return 0;
    throw error;
  }
}

async function hashFile(path: string, hash: Hash): Promise<void> {
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
}

/** Throttled progress events with a speed measured over a sliding window. */
class ProgressMeter {
  private readonly samples: Array<{ at: number; bytes: number }> = [];
  private lastEmit = 0;

  constructor(
    private readonly options: DownloadFileOptions,
    private readonly total: number,
    start: number,
  ) {
    this.samples.push({ at: Date.now(), bytes: start });
  }

  update(bytes: number): void {
    const now = Date.now();
    this.samples.push({ at: now, bytes });
    while (this.samples.length > 2 && now - this.samples[0]!.at > 5000) this.samples.shift();
    if (now - this.lastEmit < (this.options.progressIntervalMs ?? 100)) return;
    this.lastEmit = now;
    this.emit(bytes);
  }

  finish(bytes: number): void {
    this.samples.push({ at: Date.now(), bytes });
    this.emit(bytes);
  }

  private emit(bytes: number): void {
    const first = this.samples[0]!;
    const seconds = (Date.now() - first.at) / 1000;
    // Under half a second the figure is mostly noise from the first buffered chunks.
    const bytesPerSecond = seconds >= 0.5 ? (bytes - first.bytes) / seconds : 0;
    const total = Math.max(this.total, bytes);
    const etaSeconds = bytesPerSecond > 0 ? (total - bytes) / bytesPerSecond : undefined;
    this.options.onProgress?.({ file: this.options.destination, bytes, total, bytesPerSecond, etaSeconds });
  }
}

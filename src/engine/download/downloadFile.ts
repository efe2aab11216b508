import { createHash, type Hash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, rename, stat, truncate, unlink, type FileHandle } from "node:fs/promises";
import { dirname } from "node:path";
import { DownloadCancelledError, DownloadInterruptedError, DownloadVerifyError } from "./errors.ts";
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
    total = await fetchInto({ ...options, part, existing, digest });
  }
  await verify(options, part, total, digest);
  await rename(part, options.destination);
  return { path: options.destination, bytes: await sizeOf(options.destination), resumedFrom };
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
  if (!response.body) throw new DownloadInterruptedError(options.what, bytes, new Error("empty response"));
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
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
    const bytesPerSecond = seconds > 0 ? (bytes - first.bytes) / seconds : 0;
    const total = Math.max(this.total, bytes);
    const etaSeconds = bytesPerSecond > 0 ? (total - bytes) / bytesPerSecond : undefined;
    this.options.onProgress?.({ file: this.options.destination, bytes, total, bytesPerSecond, etaSeconds });
  }
}

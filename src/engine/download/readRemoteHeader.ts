import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HeaderPastPrefixError, ModelMetadataError, readModelFacts, type LibraryFacts } from "../library/readModelFacts.ts";
import { hubFetch, type HubOptions } from "./hubClient.ts";
import { formatBytes } from "../../core/units/format.ts";

const MiB = 2 ** 20;
/** Enough for most headers: a 128K-token vocabulary takes 3-6 MB of one. */
const FIRST_BYTES = 4 * MiB;
/** Gemma's 256K-token vocabulary with scores is about 8 MB; nothing sane needs more than this. */
const MAX_BYTES = 32 * MiB;

export interface ReadRemoteHeaderOptions {
  hub: HubOptions;
  url: string;
  /** "USER/REPO/FILE", named in errors. */
  what: string;
  signal?: AbortSignal;
  firstBytes?: number;
  maxBytes?: number;
}

export interface RemoteHeader {
  facts: LibraryFacts;
  /** Bytes received in all: at most maxBytes, whatever the file's size. */
  bytesFetched: number;
}

/**
 * A model's facts (architecture, layers, KV heads, context...) from a file on the hub,
 * reading only its first megabytes: HTTP Range requests for 4 MiB, then more (up to
 * 32 MiB) while the header runs past what came. A server that ignores Range and sends
 * the whole file is read up to the same bound and cut off. The bytes go through the
 * project's one GGUF reader (readModelFacts), from a temporary file.
 */
export async function readRemoteHeader(options: ReadRemoteHeaderOptions): Promise<RemoteHeader> {
  const max = options.maxBytes ?? MAX_BYTES;
  let want = Math.min(options.firstBytes ?? FIRST_BYTES, max);
  let bytes: Buffer = Buffer.alloc(0);
  let bytesFetched = 0;
  const dir = await mkdtemp(join(tmpdir(), "taproom-header-"));
  const path = join(dir, "header.gguf");
  try {
    for (;;) {
      const part = await fetchPart(options, bytes.length, want);
      bytes = part.fromStart ? part.bytes : Buffer.concat([bytes, part.bytes]);
      bytesFetched += part.bytes.length;
      await writeFile(path, bytes);
      try {
        return { facts: await readModelFacts(path, { headerOnly: true, name: options.what }), bytesFetched };
      } catch (error) {
        if (!(error instanceof HeaderPastPrefixError)) throw error;
        if (bytes.length < want) throw new ModelMetadataError(options.what, "truncated: the file ends inside its GGUF header");
        if (want >= max) throw new ModelMetadataError(options.what, `GGUF header longer than ${formatBytes(max)}`);
      }
      want = Math.min(max, want * 4);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Bytes `start` up to `end` (exclusive), or the file's first `end` bytes when the server ignores Range. */
async function fetchPart(options: ReadRemoteHeaderOptions, start: number, end: number): Promise<{ bytes: Buffer; fromStart: boolean }> {
  const response = await hubFetch({
    hub: options.hub,
    url: options.url,
    what: options.what,
    headers: { range: `bytes=${start}-${end - 1}` },
    ...(options.signal ? { signal: options.signal } : {}),
  });
  // 416: the file ends before `start`, so everything there is, is already here.
  if (response.status === 416) return { bytes: Buffer.alloc(0), fromStart: false };
  const ranged = response.status === 206 && contentRangeStart(response) === start;
  const bytes = await readAtMost(response, ranged ? end - start : end);
  return { bytes, fromStart: !ranged };
}

function contentRangeStart(response: Response): number | undefined {
  const match = /^bytes (\d+)-/.exec(response.headers.get("content-range") ?? "");
  return match ? Number(match[1]) : undefined;
}

/** Reads the body up to `limit` bytes, then cuts the connection: a whole multi-GB file never comes. */
async function readAtMost(response: Response, limit: number): Promise<Buffer> {
  const reader = response.body?.getReader();
  if (!reader) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return Buffer.concat(chunks).subarray(0, limit);
}

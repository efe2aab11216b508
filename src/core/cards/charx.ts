import { zipSync, type Zippable } from "fflate";
import { CardFormatError } from "./errors.ts";
import { crc32 } from "./png.ts";
import { inflateBounded, InflateLimitError } from "./inflate.ts";

export interface CharxLimits {
  maxEntries: number;
  /** Total uncompressed bytes of all entries, declared and actual. */
  maxTotalBytes: number;
}

export const DEFAULT_CHARX_LIMITS: CharxLimits = { maxEntries: 1000, maxTotalBytes: 200 * 1024 * 1024 };

export interface CharxContents {
  /** The text of card.json. */
  cardJson: string;
  /** Every other file, keyed by its path inside the archive (e.g. "assets/icon/images/main.png"). */
  assets: Map<string, Uint8Array>;
}

interface CentralEntry {
  name: string;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

const ZIP64_MARK = 0xffffffff;

/**
 * Reads the central directory ourselves: the declared sizes and CRCs are what the
 * limits and checks are held to while each entry inflates.
 */
function centralDirectory(bytes: Uint8Array, source: string): CentralEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = bytes.length - 22;
  while (eocd >= 0 && view.getUint32(eocd, true) !== 0x06054b50) {
    if (bytes.length - eocd > 65557) break;
    eocd--;
  }
  if (eocd < 0 || view.getUint32(eocd, true) !== 0x06054b50) throw new CardFormatError(source, "not a zip archive (no end of central directory)");
  const count = view.getUint16(eocd + 10, true);
  let at = view.getUint32(eocd + 16, true);
  if (count === 0xffff || at === ZIP64_MARK) throw new CardFormatError(source, "zip64 archives are not supported for cards");
  const entries: CentralEntry[] = [];
  const decoder = new TextDecoder();
  for (let i = 0; i < count; i++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== 0x02014b50) {
      throw new CardFormatError(source, `zip central directory is damaged at entry ${i}`);
    }
    const nameLength = view.getUint16(at + 28, true);
    const entry: CentralEntry = {
      flags: view.getUint16(at + 8, true),
      method: view.getUint16(at + 10, true),
      crc: view.getUint32(at + 16, true),
      compressedSize: view.getUint32(at + 20, true),
      size: view.getUint32(at + 24, true),
      localOffset: view.getUint32(at + 42, true),
      name: decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength)),
    };
    if (entry.size === ZIP64_MARK || entry.compressedSize === ZIP64_MARK || entry.localOffset === ZIP64_MARK) {
      throw new CardFormatError(source, `zip entry "${entry.name}" uses zip64 sizes, which are not supported for cards`);
    }
    entries.push(entry);
    at += 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  }
  return entries;
}

function checkPath(name: string, source: string): void {
  const parts = name.split(/[\\/]/);
  if (name.startsWith("/") || name.startsWith("\\") || /^[A-Za-z]:/.test(name) || parts.includes("..") || name.includes("\0")) {
    throw new CardFormatError(source, `zip entry "${name}" has an unsafe path (absolute or with ..)`);
  }
}

/** The compressed bytes of an entry, located through its local header. */
function entryData(bytes: Uint8Array, e: CentralEntry, source: string): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = e.localOffset;
  if (at + 30 > bytes.length || view.getUint32(at, true) !== 0x04034b50) {
    throw new CardFormatError(source, `zip entry "${e.name}" has no local header where the directory says (damaged)`);
  }
  const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
  const end = start + e.compressedSize;
  if (end > bytes.length) throw new CardFormatError(source, `zip entry "${e.name}" runs past the end of the archive (truncated)`);
  return bytes.subarray(start, end);
}

function readEntry(bytes: Uint8Array, e: CentralEntry, source: string): Uint8Array {
  const mismatch = () => new CardFormatError(source, `zip entry "${e.name}" does not match its declared size or CRC (damaged or hostile)`);
  if (e.flags & 1) throw new CardFormatError(source, `zip entry "${e.name}" is encrypted`);
  const raw = entryData(bytes, e, source);
  let data: Uint8Array;
  if (e.method === 0) data = raw;
  else if (e.method === 8) {
    try {
      data = inflateBounded(raw, e.size, "deflate");
    } catch (error) {
      if (error instanceof InflateLimitError) throw mismatch();
      throw new CardFormatError(source, `zip entry "${e.name}" cannot be inflated (${(error as Error).message})`);
    }
  } else throw new CardFormatError(source, `zip entry "${e.name}" uses compression method ${e.method}; only stored and deflate are read`);
  if (data.length !== e.size || crc32(data) !== e.crc) throw mismatch();
  return data;
}

/**
 * Reads a CharX archive, refusing path escapes, too many entries and too many bytes.
 * Each entry is held to its declared size while it inflates, so an archive that lies
 * is stopped before it can fill memory.
 */
export function readCharx(bytes: Uint8Array, source: string, limits: CharxLimits = DEFAULT_CHARX_LIMITS): CharxContents {
  const entries = centralDirectory(bytes, source);
  if (entries.length > limits.maxEntries) {
    throw new CardFormatError(source, `zip has ${entries.length} entries; the limit is ${limits.maxEntries}`);
  }
  let declared = 0;
  const names = new Set<string>();
  for (const e of entries) {
    checkPath(e.name, source);
    if (names.has(e.name)) throw new CardFormatError(source, `zip has two entries named "${e.name}"`);
    names.add(e.name);
    declared += e.size;
  }
  if (declared > limits.maxTotalBytes) {
    throw new CardFormatError(source, `zip would unpack to ${declared} bytes; the limit is ${limits.maxTotalBytes}`);
  }
  let card: Uint8Array | undefined;
  const assets = new Map<string, Uint8Array>();
  for (const e of entries) {
    if (e.name.endsWith("/")) continue;
    const data = readEntry(bytes, e, source);
    if (e.name === "card.json") card = data;
    else assets.set(e.name, data);
  }
  if (!card) throw new CardFormatError(source, "CharX archive has no card.json at its root");
  return { cardJson: new TextDecoder().decode(card), assets };
}

export function writeCharx(contents: CharxContents): Uint8Array {
  const files: Zippable = { "card.json": new TextEncoder().encode(contents.cardJson) };
  for (const [name, data] of contents.assets) {
    checkPath(name, "charx");
    files[name] = [data, { level: name.endsWith(".png") || name.endsWith(".webp") || name.endsWith(".jpg") ? 0 : 6 }];
  }
  return zipSync(files, { level: 6 });
}

export const EMBEDDED_PREFIX = "embeded://";

/** The archive path an asset URI points to, or undefined when it lives outside the archive. */
export function embeddedPath(uri: string): string | undefined {
  return uri.startsWith(EMBEDDED_PREFIX) ? uri.slice(EMBEDDED_PREFIX.length) : undefined;
}

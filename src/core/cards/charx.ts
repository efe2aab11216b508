import { unzipSync, zipSync, type Zippable } from "fflate";
import { CardFormatError } from "./errors.ts";
import { crc32 } from "./png.ts";

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
  crc: number;
  size: number;
}

/** Reads the central directory ourselves so that declared CRCs can be checked against what inflates. */
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
  const entries: CentralEntry[] = [];
  const decoder = new TextDecoder();
  for (let i = 0; i < count; i++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== 0x02014b50) {
      throw new CardFormatError(source, `zip central directory is damaged at entry ${i}`);
    }
    const nameLength = view.getUint16(at + 28, true);
    entries.push({
      crc: view.getUint32(at + 16, true),
      size: view.getUint32(at + 24, true),
      name: decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength)),
    });
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

/** Reads a CharX archive, refusing path escapes, too many entries and too many bytes. */
export function readCharx(bytes: Uint8Array, source: string, limits: CharxLimits = DEFAULT_CHARX_LIMITS): CharxContents {
  const entries = centralDirectory(bytes, source);
  if (entries.length > limits.maxEntries) {
    throw new CardFormatError(source, `zip has ${entries.length} entries; the limit is ${limits.maxEntries}`);
  }
  let declared = 0;
  for (const e of entries) {
    checkPath(e.name, source);
    declared += e.size;
  }
  if (declared > limits.maxTotalBytes) {
    throw new CardFormatError(source, `zip would unpack to ${declared} bytes; the limit is ${limits.maxTotalBytes}`);
  }
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, { filter: (f) => !f.name.endsWith("/") });
  } catch (error) {
    throw new CardFormatError(source, `zip cannot be unpacked (${(error as Error).message})`);
  }
  const crcs = new Map(entries.map((e) => [e.name, e]));
  let actual = 0;
  for (const [name, data] of Object.entries(files)) {
    actual += data.length;
    const entry = crcs.get(name);
    if (!entry || entry.size !== data.length || crc32(data) !== entry.crc) {
      throw new CardFormatError(source, `zip entry "${name}" does not match its declared size or CRC (damaged or hostile)`);
    }
  }
  if (actual > limits.maxTotalBytes) throw new CardFormatError(source, `zip unpacks to more than ${limits.maxTotalBytes} bytes`);
  const card = files["card.json"];
  if (!card) throw new CardFormatError(source, "CharX archive has no card.json at its root");
  const assets = new Map<string, Uint8Array>();
  for (const [name, data] of Object.entries(files)) if (name !== "card.json") assets.set(name, data);
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

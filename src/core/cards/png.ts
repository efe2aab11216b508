import { zlibSync } from "fflate";
import { inflateBounded, InflateLimitError } from "./inflate.ts";
import { CardFormatError } from "./errors.ts";

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const CARD_KEYWORDS = new Set(["chara", "ccv3"]);
/** A card chunk larger than this inflated is refused (zTXt/iTXt bombs). */
const MAX_TEXT_BYTES = 32 * 1024 * 1024;

export interface PngChunk {
  type: string;
  data: Uint8Array;
  /** The whole chunk as it sits in the file (length, type, data, CRC). */
  raw: Uint8Array;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && SIGNATURE.every((b, i) => bytes[i] === b);
}

const latin1 = new TextDecoder("latin1");
const utf8 = new TextDecoder("utf-8");

/** Splits a PNG into chunks, checking every CRC. */
export function readPngChunks(bytes: Uint8Array, source: string): PngChunk[] {
  if (!isPng(bytes)) throw new CardFormatError(source, "not a PNG file (bad signature)");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunks: PngChunk[] = [];
  let pos = 8;
  while (pos < bytes.length) {
    if (pos + 12 > bytes.length) throw new CardFormatError(source, `PNG truncated at byte ${pos}`);
    const length = view.getUint32(pos);
    const end = pos + 12 + length;
    if (end > bytes.length) throw new CardFormatError(source, `PNG chunk at byte ${pos} runs past the end of the file`);
    const type = latin1.decode(bytes.subarray(pos + 4, pos + 8));
    const stored = view.getUint32(pos + 8 + length);
    if (crc32(bytes, pos + 4, pos + 8 + length) !== stored) {
      throw new CardFormatError(source, `PNG chunk ${type} at byte ${pos} has a bad CRC (file damaged)`);
    }
    chunks.push({ type, data: bytes.subarray(pos + 8, pos + 8 + length), raw: bytes.subarray(pos, end) });
    pos = end;
    if (type === "IEND") break;
  }
  return chunks;
}

interface TextChunk {
  keyword: string;
  text: string;
}

function inflateText(data: Uint8Array, source: string, keyword: string): Uint8Array {
  try {
    return inflateBounded(data, MAX_TEXT_BYTES, "zlib");
  } catch (error) {
    if (error instanceof InflateLimitError) {
      throw new CardFormatError(source, `compressed text chunk "${keyword}" ${error.message}; refused`);
    }
    throw new CardFormatError(source, `compressed text chunk "${keyword}" cannot be inflated (${(error as Error).message})`);
  }
}

/** Decodes tEXt, zTXt and iTXt chunks; other chunk types give undefined. */
export function decodeTextChunk(chunk: PngChunk, source: string): TextChunk | undefined {
  const d = chunk.data;
  const nul = d.indexOf(0);
  if (nul < 0) return undefined;
  const keyword = latin1.decode(d.subarray(0, nul));
  if (chunk.type === "tEXt") return { keyword, text: latin1.decode(d.subarray(nul + 1)) };
  if (chunk.type === "zTXt") return { keyword, text: latin1.decode(inflateText(d.subarray(nul + 2), source, keyword)) };
  if (chunk.type !== "iTXt") return undefined;
  const compressed = d[nul + 1] === 1;
  const langEnd = d.indexOf(0, nul + 3);
  const transEnd = langEnd < 0 ? -1 : d.indexOf(0, langEnd + 1);
  if (transEnd < 0) return undefined;
  const body = d.subarray(transEnd + 1);
  return { keyword, text: utf8.decode(compressed ? inflateText(body, source, keyword) : body) };
}

export interface PngCardText {
  /** Which chunk the card came from: ccv3 wins over chara. */
  keyword: "ccv3" | "chara";
  json: string;
}

const BASE64 = /^[A-Za-z0-9+/\s]*={0,2}\s*$/;

export function decodeBase64Utf8(text: string, source: string, keyword: string): string {
  return utf8.decode(decodeBase64Bytes(text, source, keyword));
}

function decodeBase64Bytes(text: string, source: string, keyword: string): Uint8Array {
  const clean = text.replace(/\s+/g, "");
  if (!BASE64.test(clean) || clean.length % 4 === 1) {
    throw new CardFormatError(source, `the "${keyword}" chunk is not base64`);
  }
  const binary = atob(clean.padEnd(Math.ceil(clean.length / 4) * 4, "="));
  // A plain loop: Uint8Array.from with a mapping function is ten times slower on card-sized text.
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** CCv3's assets kept inside a PNG: a tEXt chunk `chara-ext-asset_:{path}` each, reached by `__asset:{path}`. */
export const PNG_ASSET_KEYWORD = "chara-ext-asset_:";
export const PNG_ASSET_URI = "__asset:";

/** The assets a PNG card carries in its own chunks, keyed by path (the first of a repeated path wins). */
export function readPngAssetChunks(bytes: Uint8Array, source: string): Map<string, Uint8Array> {
  const found = new Map<string, Uint8Array>();
  for (const chunk of readPngChunks(bytes, source)) {
    if (chunk.type !== "tEXt" && chunk.type !== "zTXt" && chunk.type !== "iTXt") continue;
    const text = decodeTextChunk(chunk, source);
    if (!text?.keyword.startsWith(PNG_ASSET_KEYWORD)) continue;
    const path = text.keyword.slice(PNG_ASSET_KEYWORD.length);
    if (path && !found.has(path)) found.set(path, decodeBase64Bytes(text.text, source, text.keyword));
  }
  return found;
}

export function encodeBase64Utf8(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The raw (still base64) text of each card chunk present in a PNG. */
export function readPngCardChunks(bytes: Uint8Array, source: string): Map<"ccv3" | "chara", string> {
  const found = new Map<"ccv3" | "chara", string>();
  for (const chunk of readPngChunks(bytes, source)) {
    if (chunk.type !== "tEXt" && chunk.type !== "zTXt" && chunk.type !== "iTXt") continue;
    const text = decodeTextChunk(chunk, source);
    const keyword = text?.keyword;
    if ((keyword === "ccv3" || keyword === "chara") && !found.has(keyword)) found.set(keyword, text!.text);
  }
  return found;
}

/** Reads `length` bytes of a file from `position` (fewer at its end): how a PNG is scanned without loading it. */
export type ByteReader = (position: number, length: number) => Uint8Array;

/** Enough of a text chunk's data to tell a card keyword ("chara\0", "ccv3\0") from the others. */
const KEYWORD_PEEK = 6;

function isCardKeyword(data: Uint8Array): boolean {
  const nul = data.indexOf(0);
  return nul > 0 && CARD_KEYWORDS.has(latin1.decode(data.subarray(0, nul)));
}

/**
 * The raw text of each card chunk of a PNG, as readPngCardChunks finds them, without
 * reading the picture: chunk headers are followed from one to the next, each chunk's data
 * skipped, and only card text chunks are read in full (their CRC checked; other chunks'
 * CRCs are not). Stops at IEND or once both card chunks are found, so a card whose text
 * sits before the image data is read no further than its text.
 */
export function scanPngCardChunks(read: ByteReader, size: number, source: string): Map<"ccv3" | "chara", string> {
  if (!isPng(read(0, 8))) throw new CardFormatError(source, "not a PNG file (bad signature)");
  const found = new Map<"ccv3" | "chara", string>();
  let pos = 8;
  while (found.size < CARD_KEYWORDS.size && pos < size) {
    if (pos + 12 > size) throw new CardFormatError(source, `PNG truncated at byte ${pos}`);
    const header = read(pos, 8 + KEYWORD_PEEK);
    const length = new DataView(header.buffer, header.byteOffset, header.byteLength).getUint32(0);
    const type = latin1.decode(header.subarray(4, 8));
    if (pos + 12 + length > size) throw new CardFormatError(source, `PNG chunk at byte ${pos} runs past the end of the file`);
    if (type === "IEND") break;
    const isText = type === "tEXt" || type === "zTXt" || type === "iTXt";
    if (isText && isCardKeyword(header.subarray(8, 8 + Math.min(length, KEYWORD_PEEK)))) {
      const raw = read(pos, 12 + length);
      const stored = new DataView(raw.buffer, raw.byteOffset, raw.byteLength).getUint32(8 + length);
      if (crc32(raw, 4, 8 + length) !== stored) throw new CardFormatError(source, `PNG chunk ${type} at byte ${pos} has a bad CRC (file damaged)`);
      const text = decodeTextChunk({ type, data: raw.subarray(8, 8 + length), raw }, source);
      const keyword = text?.keyword as "ccv3" | "chara" | undefined;
      if (text && keyword && !found.has(keyword)) found.set(keyword, text.text);
    }
    pos += 12 + length;
  }
  return found;
}

/** Finds the card JSON in a PNG (ccv3 preferred over chara), through the same chunk reader imports use. */
export function readPngCardText(bytes: Uint8Array, source: string): PngCardText {
  const found = readPngCardChunks(bytes, source);
  const keyword = found.has("ccv3") ? "ccv3" : found.has("chara") ? "chara" : undefined;
  if (!keyword) throw new CardFormatError(source, "PNG has no character card in it (no chara or ccv3 text chunk)");
  return { keyword, json: decodeBase64Utf8(found.get(keyword)!, source, keyword) };
}

function makeChunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out, 4, 8 + data.length));
  return out;
}

function textChunk(keyword: string, text: string): Uint8Array {
  const body = new Uint8Array(keyword.length + 1 + text.length);
  for (let i = 0; i < keyword.length; i++) body[i] = keyword.charCodeAt(i);
  for (let i = 0; i < text.length; i++) body[keyword.length + 1 + i] = text.charCodeAt(i);
  return makeChunk("tEXt", body);
}

function textKeyword(chunk: PngChunk): string | undefined {
  if (chunk.type !== "tEXt" && chunk.type !== "zTXt" && chunk.type !== "iTXt") return undefined;
  const nul = chunk.data.indexOf(0);
  return nul > 0 ? latin1.decode(chunk.data.subarray(0, nul)) : undefined;
}

function isCardChunk(chunk: PngChunk): boolean {
  const keyword = textKeyword(chunk);
  return keyword !== undefined && CARD_KEYWORDS.has(keyword);
}

function isAssetChunk(chunk: PngChunk): boolean {
  return textKeyword(chunk)?.startsWith(PNG_ASSET_KEYWORD) ?? false;
}

export interface PngCardPayload {
  /** V2 JSON for the `chara` chunk. */
  chara: string;
  /** V3 JSON for the `ccv3` chunk. */
  ccv3: string;
}

/**
 * Puts card JSON into a PNG: old card chunks are removed, every other chunk is kept
 * byte for byte, and the new tEXt chunks go just before IEND.
 */
export function writePngCard(image: Uint8Array, payload: PngCardPayload, source = "image"): Uint8Array {
  const chunks = readPngChunks(image, source).filter((c) => !isCardChunk(c));
  const iend = chunks.findIndex((c) => c.type === "IEND");
  if (iend < 0) throw new CardFormatError(source, "PNG has no IEND chunk");
  const parts: Uint8Array[] = [Uint8Array.from(SIGNATURE)];
  for (const [i, c] of chunks.entries()) {
    if (i === iend) {
      parts.push(textChunk("chara", encodeBase64Utf8(payload.chara)));
      parts.push(textChunk("ccv3", encodeBase64Utf8(payload.ccv3)));
    }
    parts.push(c.raw);
  }
  return concatBytes(parts);
}

/** Every chunk that is not card text, for checking that the image survived a rewrite. */
export function imageChunks(bytes: Uint8Array, source = "image"): Uint8Array[] {
  return readPngChunks(bytes, source).filter((c) => !isCardChunk(c)).map((c) => c.raw);
}

/** The PNG with its card and asset chunks removed: the bare picture. */
export function imageWithoutCard(bytes: Uint8Array, source = "image"): Uint8Array {
  const picture = readPngChunks(bytes, source).filter((c) => !isCardChunk(c) && !isAssetChunk(c));
  return concatBytes([Uint8Array.from(SIGNATURE), ...picture.map((c) => c.raw)]);
}

/** Width and height from the IHDR chunk, or undefined when it is not where PNG puts it. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  if (!isPng(bytes) || bytes.length < 24 || latin1.decode(bytes.subarray(12, 16)) !== "IHDR") return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** A small solid-colour RGB PNG for cards that have no image of their own. */
export function placeholderPng(options: { size?: number; rgb?: [number, number, number] } = {}): Uint8Array {
  const size = options.size ?? 64;
  const [r, g, b] = options.rgb ?? [0x8a, 0x5a, 0x2b];
  const header = new Uint8Array(13);
  const hv = new DataView(header.buffer);
  hv.setUint32(0, size);
  hv.setUint32(4, size);
  header.set([8, 2, 0, 0, 0], 8);
  const rows = new Uint8Array(size * (1 + size * 3));
  for (let y = 0; y < size; y++) {
    const row = y * (1 + size * 3);
    for (let x = 0; x < size; x++) rows.set([r, g, b], row + 1 + x * 3);
  }
  const parts = [Uint8Array.from(SIGNATURE), makeChunk("IHDR", header), makeChunk("IDAT", zlibSync(rows)), makeChunk("IEND", new Uint8Array(0))];
  return concatBytes(parts);
}

function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

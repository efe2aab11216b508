import { open, type FileHandle } from "node:fs/promises";
import { ModelMetadataError } from "./modelMetadataError.ts";

/**
 * The project's own GGUF header reader: every size, count and length is checked
 * against what is left of the file before it is used, and the whole read has a time
 * limit. node-llama-cpp's reader trusts them (an array length of 2^40 or a value of a
 * wrong type made it loop for minutes, growing to 1.5 GB): no file reaches it, or
 * llama.cpp, before this reader has accepted it.
 */

export type GgufScalar = number | boolean | string;
export interface GgufArray { array: true; elementType: number; length: number; /** Kept for arrays up to MAX_KEPT_ARRAY long. */ values?: GgufScalar[] }
export type GgufValue = GgufScalar | GgufArray;

export interface GgufTensorInfo { name: string; dimensions: number[]; type: number; offset: number }

export interface GgufHeader {
  version: number;
  fileSize: number;
  /** Flat, by dotted key. */
  metadata: Map<string, GgufValue>;
  tensors: GgufTensorInfo[];
  alignment: number;
  /** Where tensor data starts (the header's end, aligned). */
  dataStart: number;
}

export interface ReadGgufOptions {
  timeLimitMs?: number;
  /** Names the file in errors instead of the path (a header fetched from the hub into a temp file). */
  name?: string;
}

/** The header claims more bytes than the file holds: a corrupt file, or only the first bytes of one. */
export class GgufPastEndError extends ModelMetadataError {}

export const GGUF_READ_TIME_LIMIT_MS = 10_000;
const MAX_KEPT_ARRAY = 4096;
const MAX_STRING_BYTES = 64 * 1024 * 1024;
/** No real header comes near this (a 256K-token vocabulary takes about 8 MB). */
const ABSURD_HEADER_BYTES = 1024 * 1024 * 1024;
const MAX_DIMS = 4;
const CHUNK = 1 << 20;

/** Bytes per element of each GGUF value type; strings are 8 at least (their length). */
const VALUE_SIZES: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 8: 8, 10: 8, 11: 8, 12: 8 };
const STRING = 8;
const ARRAY = 9;

/** ggml tensor types this llama.cpp knows: [elements per block, bytes per block]. */
export const GGML_TYPE_SIZES: Record<number, [number, number]> = {
  0: [1, 4], 1: [1, 2], 2: [32, 18], 3: [32, 20], 6: [32, 22], 7: [32, 24], 8: [32, 34], 9: [32, 36],
  10: [256, 84], 11: [256, 110], 12: [256, 144], 13: [256, 176], 14: [256, 210], 15: [256, 292],
  16: [256, 66], 17: [256, 74], 18: [256, 98], 19: [256, 50], 20: [32, 18], 21: [256, 110], 22: [256, 82],
  23: [256, 136], 24: [1, 1], 25: [1, 2], 26: [1, 4], 27: [1, 8], 28: [1, 8], 29: [256, 56], 30: [1, 2],
  34: [256, 54], 35: [256, 66], 39: [32, 17],
};

class Reader {
  private buffer = Buffer.alloc(0);
  private bufferStart = 0;
  position = 0;
  private readonly deadline: number;

  constructor(private readonly handle: FileHandle, readonly size: number, private readonly path: string, timeLimitMs: number) {
    this.deadline = performance.now() + timeLimitMs;
  }

  fail(reason: string): never {
    throw new ModelMetadataError(this.path, `corrupt or truncated GGUF header: ${reason} (at byte ${this.position})`);
  }

  /** Past the end of what is here: for a hub header's first bytes a sane size means "fetch more", an absurd one never will. */
  beyond(bytes: number, reason: string): never {
    if (bytes > ABSURD_HEADER_BYTES) this.fail(reason);
    this.pastEnd(reason);
  }

  pastEnd(reason: string): never {
    throw new GgufPastEndError(this.path, `corrupt or truncated GGUF header: ${reason} (at byte ${this.position})`);
  }

  checkTime(): void {
    if (performance.now() > this.deadline) throw new ModelMetadataError(this.path, "the GGUF header took too long to read; refused");
  }

  get left(): number {
    return this.size - this.position;
  }

  /** Makes n bytes at the position readable, or fails when the file ends first. */
  private async need(n: number): Promise<number> {
    if (n > this.left) this.pastEnd(`needs ${n} bytes where ${this.left} are left in the file`);
    const at = this.position - this.bufferStart;
    if (at >= 0 && at + n <= this.buffer.length) return at;
    const length = Math.min(Math.max(n, CHUNK), this.left);
    const chunk = Buffer.alloc(length);
    const { bytesRead } = await this.handle.read(chunk, 0, length, this.position);
    if (bytesRead < n) this.pastEnd("the file ended while it was being read");
    this.buffer = chunk;
    this.bufferStart = this.position;
    return 0;
  }

  async bytes(n: number): Promise<Buffer> {
    const at = await this.need(n);
    this.position += n;
    return this.buffer.subarray(at, at + n);
  }

  async u32(): Promise<number> {
    return (await this.bytes(4)).readUInt32LE(0);
  }

  /** A u64 that must fit in a safe integer (counts, lengths, offsets). */
  async count(what: string): Promise<number> {
    const value = (await this.bytes(8)).readBigUInt64LE(0);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`${what} ${value} is impossibly large`);
    return Number(value);
  }

  async string(what: string): Promise<string> {
    const length = await this.count(`${what} length`);
    if (length > this.left) this.beyond(length, `${what} claims ${length} bytes, more than the file holds`);
    if (length > MAX_STRING_BYTES) this.fail(`${what} claims ${length} bytes, more than any header holds`);
    return (await this.bytes(length)).toString("utf8");
  }

  async scalar(type: number, what: string): Promise<GgufScalar> {
    if (type === STRING) return this.string(what);
    const size = VALUE_SIZES[type];
    if (size === undefined) this.fail(`${what} has unknown value type ${type}`);
    const b = await this.bytes(size);
    switch (type) {
      case 0: return b.readUInt8(0);
      case 1: return b.readInt8(0);
      case 2: return b.readUInt16LE(0);
      case 3: return b.readInt16LE(0);
      case 4: return b.readUInt32LE(0);
      case 5: return b.readInt32LE(0);
      case 6: return b.readFloatLE(0);
      case 7: return b.readUInt8(0) !== 0;
      case 10: return Number(b.readBigUInt64LE(0));
      case 11: return Number(b.readBigInt64LE(0));
      default: return b.readDoubleLE(0);
    }
  }

  async skip(n: number): Promise<void> {
    if (n > this.left) this.pastEnd(`needs ${n} bytes where ${this.left} are left in the file`);
    const at = this.position - this.bufferStart;
    if (!(at >= 0 && at + n <= this.buffer.length)) this.buffer = Buffer.alloc(0);
    this.position += n;
  }
}

async function readValue(r: Reader, type: number, key: string): Promise<GgufValue> {
  if (type !== ARRAY) return r.scalar(type, key);
  const elementType = await r.u32();
  if (elementType === ARRAY) r.fail(`${key} is an array of arrays`);
  const minSize = VALUE_SIZES[elementType];
  if (minSize === undefined) r.fail(`${key} is an array of unknown value type ${elementType}`);
  const length = await r.count(`${key} array length`);
  if (length * minSize > r.left) r.beyond(length * minSize, `${key} claims ${length} elements, more than the file can hold`);
  const keep = length <= MAX_KEPT_ARRAY;
  const values: GgufScalar[] = [];
  if (elementType !== STRING && !keep) await r.skip(length * minSize);
  else {
    for (let i = 0; i < length; i++) {
      if (i % 65536 === 0) r.checkTime();
      const v = await r.scalar(elementType, key);
      if (keep) values.push(v);
    }
  }
  return keep ? { array: true, elementType, length, values } : { array: true, elementType, length };
}

/** Reads and checks a GGUF header; throws ModelMetadataError naming the file and what is wrong. */
export async function readGgufHeader(path: string, options: ReadGgufOptions = {}): Promise<GgufHeader> {
  const name = options.name ?? path;
  const handle = await open(path, "r").catch((error: NodeJS.ErrnoException) => {
    throw new ModelMetadataError(name, error.code === "ENOENT" ? "file not found" : `cannot be read (${error.code ?? error.message})`);
  });
  try {
    const { size } = await handle.stat();
    const r = new Reader(handle, size, name, options.timeLimitMs ?? GGUF_READ_TIME_LIMIT_MS);
    if (size < 24 || (await r.bytes(4)).toString("latin1") !== "GGUF") throw new ModelMetadataError(name, "not a GGUF file");
    const version = await r.u32();
    if (version !== 2 && version !== 3) throw new ModelMetadataError(name, `GGUF version ${version} is not supported (2 and 3 are)`);
    const tensorCount = await r.count("tensor count");
    const kvCount = await r.count("key count");
    // A tensor info takes at least 32 bytes, a key/value at least 13.
    if (tensorCount > size / 32 || kvCount > size / 13) r.beyond(Math.max(tensorCount * 32, kvCount * 13), "more tensors or keys than the file can hold");
    const metadata = new Map<string, GgufValue>();
    for (let i = 0; i < kvCount; i++) {
      r.checkTime();
      const key = await r.string("key");
      if (metadata.has(key)) r.fail(`duplicate key ${key}`);
      metadata.set(key, await readValue(r, await r.u32(), key));
    }
    const tensors: GgufTensorInfo[] = [];
    for (let i = 0; i < tensorCount; i++) {
      r.checkTime();
      const name = await r.string("tensor name");
      const nDims = await r.u32();
      if (nDims < 1 || nDims > MAX_DIMS) r.fail(`tensor ${name} has ${nDims} dimensions (1 to ${MAX_DIMS} allowed)`);
      const dimensions: number[] = [];
      for (let d = 0; d < nDims; d++) dimensions.push(await r.count(`tensor ${name} dimension`));
      if (dimensions.some((d) => d < 1)) r.fail(`tensor ${name} has an empty dimension`);
      const type = await r.u32();
      if (!GGML_TYPE_SIZES[type]) r.fail(`tensor ${name} has unknown type ${type}`);
      const offset = await r.count(`tensor ${name} offset`);
      tensors.push({ name, dimensions, type, offset });
    }
    const alignmentValue = metadata.get("general.alignment");
    const alignment = typeof alignmentValue === "number" ? alignmentValue : 32;
    if (!Number.isInteger(alignment) || alignment < 1 || alignment > 1 << 20 || (alignment & (alignment - 1)) !== 0) r.fail(`general.alignment ${alignment} is not a power of two`);
    const dataStart = Math.ceil(r.position / alignment) * alignment;
    return { version, fileSize: size, metadata, tensors, alignment, dataStart };
  } finally {
    await handle.close();
  }
}

/** Bytes of a tensor's data, or Infinity when its shape cannot exist. */
export function tensorBytes(t: GgufTensorInfo): number {
  const [block, bytes] = GGML_TYPE_SIZES[t.type] ?? [1, Infinity];
  const elements = t.dimensions.reduce((p, d) => p * d, 1);
  if (!Number.isSafeInteger(elements) || t.dimensions[0]! % block !== 0) return Infinity;
  return (elements / block) * bytes;
}

/** The header's keys as a nested object (`general.architecture` -> metadata.general.architecture); arrays as their kept values. */
export function nestedMetadata(flat: Map<string, GgufValue>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of flat) {
    const parts = key.split(".");
    let node = root;
    let ok = true;
    for (const part of parts.slice(0, -1)) {
      const next = node[part];
      if (next === undefined) node = (node[part] = {}) as Record<string, unknown>;
      else if (typeof next === "object" && next !== null && !Array.isArray(next)) node = next as Record<string, unknown>;
      else { ok = false; break; }
    }
    const last = parts[parts.length - 1]!;
    if (ok && node[last] === undefined) node[last] = typeof value === "object" ? (value.values ?? []) : value;
  }
  return root;
}

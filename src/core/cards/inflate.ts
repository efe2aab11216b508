import { Inflate, Unzlib } from "fflate";

/** The data inflates to more than the caller allowed. */
export class InflateLimitError extends Error {
  constructor(readonly limit: number) {
    super(`inflates to more than ${limit} bytes`);
    this.name = "InflateLimitError";
  }
}

/** Slices small enough that one push cannot inflate to more than about 1 MB (DEFLATE tops out near 1:1032). */
const SLICE = 1024;

/**
 * Inflates raw DEFLATE (zip entries) or zlib (PNG zTXt/iTXt) data, giving up as soon as
 * the output passes `limit` bytes: a bomb is stopped before it can fill memory.
 */
export function inflateBounded(data: Uint8Array, limit: number, wrapper: "deflate" | "zlib"): Uint8Array {
  const parts: Uint8Array[] = [];
  let total = 0;
  const onData = (chunk: Uint8Array) => {
    total += chunk.length;
    if (total > limit) throw new InflateLimitError(limit);
    parts.push(chunk);
  };
  const stream = wrapper === "zlib" ? new Unzlib(onData) : new Inflate(onData);
  if (data.length === 0) stream.push(new Uint8Array(0), true);
  for (let i = 0; i < data.length; i += SLICE) stream.push(data.subarray(i, i + SLICE), i + SLICE >= data.length);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

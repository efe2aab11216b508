import { crc32 } from "../../src/core/cards/png.ts";

/** A tEXt chunk put just before IEND, the way other card writers (SillyTavern, RisuAI) add theirs. */
export function insertTextChunk(png: Uint8Array, keyword: string, text: string): Uint8Array {
  const body = Buffer.from(`${keyword}\0${text}`, "latin1");
  const chunk = Buffer.alloc(12 + body.length);
  chunk.writeUInt32BE(body.length, 0);
  chunk.write("tEXt", 4, "latin1");
  body.copy(chunk, 8);
  chunk.writeUInt32BE(crc32(chunk, 4, 8 + body.length), 8 + body.length);
  const iend = png.length - 12;
  return Buffer.concat([png.subarray(0, iend), chunk, png.subarray(iend)]);
}

// Issue 14, finding 2: a GGUF with one wrong byte hung node-llama-cpp's header reader (minutes,
// 1.5 GB). The project's own reader checks every size against the file and has a time limit.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readGgufHeader } from "../../../src/engine/library/ggufReader.ts";
import { readModelFacts } from "../../../src/engine/library/readModelFacts.ts";
import { ModelMetadataError } from "../../../src/engine/library/modelMetadataError.ts";
import { ggufHeader } from "../../support/ggufHeader.ts";
import { tinyChatModelBytes } from "../../support/tinyGguf.ts";

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "taproom-gguf-reader-"));
});

async function file(name: string, bytes: Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

/** The byte offset of the value-type field of the first key (24-byte fixed header, then the key). */
function firstValueType(firstKey: string): number {
  return 24 + 8 + Buffer.byteLength(firstKey);
}

test("the tiny model's header: keys, arrays, tensors and where the data starts", async () => {
  const bytes = tinyChatModelBytes();
  const header = await readGgufHeader(await file("tiny.gguf", bytes));
  assert.equal(header.version, 3);
  assert.equal(header.fileSize, bytes.length);
  assert.equal(header.metadata.get("general.architecture"), "llama");
  const tokens = header.metadata.get("tokenizer.ggml.tokens");
  assert.ok(typeof tokens === "object" && tokens.length === 356 && tokens.values?.[4] === "<|im_end|>");
  assert.equal(header.tensors.length, 2 + 2 * 9 + 1);
  assert.deepEqual(header.tensors[0], { name: "token_embd.weight", dimensions: [96, 356], type: 0, offset: 0 });
  assert.equal(header.dataStart % 32, 0);
  assert.ok(header.dataStart < bytes.length);
});

test("each impossible size is refused at once, naming the file, the key and the byte", async () => {
  const good = Buffer.from(ggufHeader({ metadata: { "general.architecture": "llama", "tokenizer.ggml.model": "llama" }, tensors: [{ name: "t", dims: [32] }] }));
  const at = firstValueType("general.architecture");
  const cases: Array<[string, (b: Buffer) => void, RegExp]> = [
    ["string-2e40.gguf", (b) => b.writeBigUInt64LE(2n ** 40n, at + 4), /general\.architecture claims 1099511627776 bytes, more than the file holds \(at byte \d+\)/],
    ["string-2e63.gguf", (b) => b.writeBigUInt64LE(2n ** 63n, at + 4), /general\.architecture length 9223372036854775808 is impossibly large/],
    ["value-type.gguf", (b) => b.writeUInt32LE(77, at), /general\.architecture has unknown value type 77/],
    ["array-2e40.gguf", (b) => { b.writeUInt32LE(9, at); b.writeUInt32LE(4, at + 4); b.writeBigUInt64LE(2n ** 40n, at + 8); }, /general\.architecture claims 1099511627776 elements, more than the file can hold/],
    ["array-of-arrays.gguf", (b) => { b.writeUInt32LE(9, at); b.writeUInt32LE(9, at + 4); }, /general\.architecture is an array of arrays/],
    ["key-count.gguf", (b) => b.writeBigUInt64LE(2n ** 40n, 16), /more tensors or keys than the file can hold/],
    ["version.gguf", (b) => b.writeUInt32LE(9, 4), /GGUF version 9 is not supported/],
    ["magic.gguf", (b) => b.write("GGML", 0, "latin1"), /not a GGUF file/],
  ];
  for (const [name, edit, reason] of cases) {
    const bytes = Buffer.from(good);
    edit(bytes);
    const path = await file(name, bytes);
    await assert.rejects(readGgufHeader(path), (e: Error) => e instanceof ModelMetadataError && e.message.startsWith(path) && reason.test(e.message) && !e.message.includes("\n"), name);
  }
});

test("tensor infos that cannot exist are refused: no dimensions, five, an empty one, an unknown type, a bad alignment", async () => {
  const tensor = (dims: number[], type = 1) => ggufHeader({ metadata: { "general.architecture": "llama" }, tensors: [{ name: "blk.0.attn_q.weight", dims, type }] });
  const cases: Array<[string, Uint8Array, RegExp]> = [
    ["dims-0.gguf", tensor([]), /blk\.0\.attn_q\.weight has 0 dimensions \(1 to 4 allowed\)/],
    ["dims-5.gguf", tensor([1, 1, 1, 1, 1]), /has 5 dimensions/],
    ["dim-empty.gguf", tensor([32, 0]), /has an empty dimension/],
    ["type.gguf", tensor([32], 200), /has unknown type 200/],
    ["alignment.gguf", ggufHeader({ metadata: { "general.architecture": "llama", "general.alignment": 3 }, tensors: [] }), /general\.alignment 3 is not a power of two/],
  ];
  for (const [name, bytes, reason] of cases) await assert.rejects(readGgufHeader(await file(name, bytes)), reason, name);
});

test("the read has a time limit: past it the file is refused, not read on", async () => {
  const path = await file("slow.gguf", tinyChatModelBytes());
  await assert.rejects(readGgufHeader(path, { timeLimitMs: 0 }), (e: Error) => e instanceof ModelMetadataError && /slow\.gguf: the GGUF header took too long to read; refused/.test(e.message));
});

test("a header cut anywhere is refused with a reason, never read past the end", async () => {
  const bytes = tinyChatModelBytes();
  const header = await readGgufHeader(await file("whole.gguf", bytes));
  for (const cut of [3, 23, 40, 1000, 5000, header.dataStart - 40]) {
    await assert.rejects(readGgufHeader(await file(`cut-${cut}.gguf`, bytes.subarray(0, cut))), (e: Error) => e instanceof ModelMetadataError && /not a GGUF file|ended|left in the file|more than the file|more tensors or keys than the file can hold/.test(e.message), `cut at ${cut}`);
  }
  // Cut in the tensor data: the header reads, the library refuses the file as truncated.
  await assert.rejects(readModelFacts(await file("cut-data.gguf", bytes.subarray(0, header.dataStart + 10))), /cut-data\.gguf: truncated: the file ends before its tensor data/);
});

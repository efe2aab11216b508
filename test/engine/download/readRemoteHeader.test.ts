import { test } from "node:test";
import assert from "node:assert/strict";
import { readRemoteHeader } from "../../../src/engine/download/readRemoteHeader.ts";
import { fileUrl } from "../../../src/engine/download/hubClient.ts";
import { ModelMetadataError } from "../../../src/engine/library/readModelFacts.ts";
import { startFakeHub, type FakeHubOptions } from "../../support/fakeHub.ts";
import { ggufHeader } from "../../support/ggufHeader.ts";

const MiB = 2 ** 20;
const REPO = "bart/Nemo-GGUF";

/** Mistral-Nemo-12B's real shape: head dim 128 with 32 heads of a 5120 embedding, 8 KV heads. */
const nemo = { layers: 40, embedding: 5120, heads: 32, kvHeads: 8, feedForward: 14336, vocab: 131072, context: 131072 };

/** The header (its key_length says 128), with a tokenizer vocabulary when asked, then `tail` bytes standing for the weights. */
function modelFile(options: { tail: number; vocabWords?: number }): Uint8Array {
  const start = options.vocabWords === undefined ? header({}) : vocabHeader(options.vocabWords);
  const file = new Uint8Array(start.length + options.tail);
  file.set(start);
  return file;
}

/** The header with a tokenizer vocabulary of `words` entries (long, as real ones are). */
function vocabHeader(words: number): Uint8Array {
  return header({ "tokenizer.ggml.tokens": Array.from({ length: words }, (_, i) => `token-${i}-${"x".repeat(i % 11)}`) });
}

function header(extra: Record<string, string[]>): Uint8Array {
  const { layers, embedding: e, kvHeads, feedForward: f, vocab } = nemo;
  const tensors = [{ name: "token_embd.weight", dims: [e, vocab] }, { name: "output_norm.weight", dims: [e] }, { name: "output.weight", dims: [e, vocab] }];
  for (let i = 0; i < layers; i++) {
    tensors.push({ name: `blk.${i}.attn_q.weight`, dims: [e, 4096] }, { name: `blk.${i}.attn_k.weight`, dims: [e, kvHeads * 128] }, { name: `blk.${i}.attn_v.weight`, dims: [e, kvHeads * 128] });
    tensors.push({ name: `blk.${i}.attn_output.weight`, dims: [4096, e] }, { name: `blk.${i}.ffn_gate.weight`, dims: [e, f] }, { name: `blk.${i}.ffn_up.weight`, dims: [e, f] }, { name: `blk.${i}.ffn_down.weight`, dims: [f, e] });
  }
  return ggufHeader({
    metadata: {
      "general.architecture": "llama",
      "general.name": "Mistral Nemo",
      "general.file_type": 15,
      "llama.context_length": nemo.context,
      "llama.embedding_length": e,
      "llama.block_count": layers,
      "llama.feed_forward_length": f,
      "llama.attention.head_count": nemo.heads,
      "llama.attention.head_count_kv": kvHeads,
      "llama.attention.key_length": 128,
      "llama.attention.layer_norm_rms_epsilon": { f32: 1e-5 },
      "tokenizer.ggml.model": "gpt2",
      ...extra,
    },
    tensors,
  });
}

async function hubWith(content: Uint8Array, options: Partial<FakeHubOptions> = {}) {
  const hub = await startFakeHub({ repos: { [REPO]: { files: [{ path: "Nemo-Q4_K_M.gguf", content }] } }, ...options });
  const read = (more: { firstBytes?: number; maxBytes?: number } = {}) =>
    readRemoteHeader({ hub: { endpoint: hub.endpoint }, url: fileUrl({ endpoint: hub.endpoint }, REPO, "Nemo-Q4_K_M.gguf"), what: `${REPO}/Nemo-Q4_K_M.gguf`, ...more });
  return { hub, read };
}

test("the real shape comes from the first megabytes of a big file, over one Range request", async (t) => {
  const { hub, read } = await hubWith(modelFile({ tail: 40 * MiB }));
  t.after(() => hub.close());
  const { facts, bytesFetched } = await read();
  assert.deepEqual(
    { architecture: facts.architecture, layers: facts.layers, heads: facts.heads, kvHeads: facts.kvHeads, headDim: facts.headDim, trainContext: facts.trainContext, quant: facts.quant, name: facts.name },
    { architecture: "llama", layers: 40, heads: 32, kvHeads: 8, headDim: 128, trainContext: 131072, quant: "Q4_K_M", name: "Mistral Nemo" },
  );
  assert.ok(Math.abs(facts.parameters / 12.2e9 - 1) < 0.02, String(facts.parameters));
  assert.ok(bytesFetched <= 4 * MiB, String(bytesFetched));
  assert.deepEqual(hub.requests, [`GET /${REPO}/resolve/main/Nemo-Q4_K_M.gguf bytes=0-${4 * MiB - 1}`]);
});

test("a header longer than the first bytes is read on from where the last request ended", async (t) => {
  const { hub, read } = await hubWith(modelFile({ tail: 2 * MiB, vocabWords: 30_000 }));
  t.after(() => hub.close());
  const { facts, bytesFetched } = await read({ firstBytes: 64 * 1024 });
  assert.equal(facts.kvHeads, 8);
  assert.deepEqual(hub.requests.map((r) => r.split(" ").pop()), ["bytes=0-65535", "bytes=65536-262143", "bytes=262144-1048575"]);
  assert.equal(bytesFetched, MiB);
});

test("a server that ignores Range and sends the whole file is cut off at the bound", async (t) => {
  const { hub, read } = await hubWith(modelFile({ tail: 40 * MiB, vocabWords: 30_000 }), { ignoreRange: true });
  t.after(() => hub.close());
  const { facts, bytesFetched } = await read({ firstBytes: 64 * 1024 });
  assert.equal(facts.headDim, 128);
  assert.equal(hub.requests.length, 3, "each try starts over from the first byte");
  assert.ok(bytesFetched <= 64 * 1024 + 256 * 1024 + MiB, String(bytesFetched));
});

test("a file that is no GGUF, one cut inside its header, and a header past the bound fail in one line naming the file", async (t) => {
  const junk = await hubWith(new Uint8Array(5000).fill(7));
  t.after(() => junk.hub.close());
  await assert.rejects(junk.read(), (error: unknown) => error instanceof ModelMetadataError && error.message === `${REPO}/Nemo-Q4_K_M.gguf: not a GGUF file`);
  const cut = await hubWith(vocabHeader(30_000).subarray(0, 100_000));
  t.after(() => cut.hub.close());
  await assert.rejects(cut.read({ firstBytes: 64 * 1024 }), /Nemo-Q4_K_M\.gguf: truncated: the file ends inside its GGUF header/);
  const long = await hubWith(modelFile({ tail: MiB, vocabWords: 30_000 }));
  t.after(() => long.hub.close());
  await assert.rejects(long.read({ firstBytes: 16 * 1024, maxBytes: 64 * 1024 }), /Nemo-Q4_K_M\.gguf: GGUF header longer than 64\.0 KiB$/);
});

test("a hub header with one wrong byte is refused at once by the bounded reader, in one line naming the file, after one request", async (t) => {
  const good = Buffer.from(modelFile({ tail: 8 * MiB }));
  const at = 24 + 8 + Buffer.byteLength("general.architecture");
  const cases: Array<[string, (b: Buffer) => void, RegExp]> = [
    ["value type", (b) => b.writeUInt32LE(77, at), /general\.architecture has unknown value type 77/],
    ["array of 2^40", (b) => { b.writeUInt32LE(9, at); b.writeUInt32LE(4, at + 4); b.writeBigUInt64LE(2n ** 40n, at + 8); }, /general\.architecture claims 1099511627776 elements/],
    ["string of 2^40", (b) => b.writeBigUInt64LE(2n ** 40n, at + 4), /general\.architecture claims 1099511627776 bytes/],
    ["key count of 2^40", (b) => b.writeBigUInt64LE(2n ** 40n, 16), /more tensors or keys than the file can hold/],
  ];
  for (const [what, edit, reason] of cases) {
    const bytes = Buffer.from(good);
    edit(bytes);
    const { hub, read } = await hubWith(bytes);
    t.after(() => hub.close());
    await assert.rejects(read(), (error: unknown) => error instanceof ModelMetadataError && error.message.startsWith(`${REPO}/Nemo-Q4_K_M.gguf: `) && reason.test(error.message) && !error.message.includes("\n"), what);
    assert.equal(hub.requests.length, 1, `${what}: refused from the first bytes, no more fetched`);
  }
});

/**
 * Writes GGUF v3 files whose header describes a model of any size while the file
 * stays tiny: for library and metadata tests, not for loading (the tensor data is
 * not there). Layout per ../shared/notes/tiny-gguf.md.
 */
export type GgufValue = string | number | boolean | { f32: number } | { u64: number } | string[];

export interface GgufHeaderSpec {
  metadata: Record<string, GgufValue>;
  tensors: Array<{ name: string; dims: number[]; type?: number }>;
}

export function ggufHeader(spec: GgufHeaderSpec): Uint8Array {
  const out: number[] = [];
  const u32 = (v: number) => push(new Uint8Array(new Uint32Array([v]).buffer));
  const u64 = (v: number) => push(new Uint8Array(new BigUint64Array([BigInt(v)]).buffer));
  const push = (bytes: Uint8Array) => out.push(...bytes);
  const str = (s: string) => {
    const bytes = new TextEncoder().encode(s);
    u64(bytes.length);
    push(bytes);
  };
  push(new TextEncoder().encode("GGUF"));
  u32(3);
  u64(spec.tensors.length);
  u64(Object.keys(spec.metadata).length);
  for (const [key, value] of Object.entries(spec.metadata)) {
    str(key);
    if (typeof value === "string") (u32(8), str(value));
    else if (typeof value === "boolean") (u32(7), out.push(value ? 1 : 0));
    else if (typeof value === "number") (u32(4), u32(value));
    else if (Array.isArray(value)) (u32(9), u32(8), u64(value.length), value.forEach(str));
    else if ("f32" in value) (u32(6), push(new Uint8Array(new Float32Array([value.f32]).buffer)));
    else (u32(10), u64(value.u64));
  }
  let offset = 0;
  for (const tensor of spec.tensors) {
    str(tensor.name);
    u32(tensor.dims.length);
    tensor.dims.forEach(u64);
    u32(tensor.type ?? 1);
    u64(offset);
    offset += 32;
  }
  while (out.length % 32 !== 0) out.push(0);
  return new Uint8Array([...out, ...new Array(offset).fill(0)]);
}

/** A llama-architecture header with real-sized tensor shapes (so parameter counts add up). */
export function llamaHeader(options: { layers: number; embedding: number; heads: number; kvHeads: number; feedForward: number; vocab: number; context: number; fileType?: number; name?: string; chatTemplate?: string }): Uint8Array {
  const { layers, embedding: e, heads, kvHeads, feedForward: f, vocab } = options;
  const headDim = e / heads;
  const tensors: GgufHeaderSpec["tensors"] = [{ name: "token_embd.weight", dims: [e, vocab] }, { name: "output_norm.weight", dims: [e] }];
  for (let i = 0; i < layers; i++) {
    tensors.push(
      { name: `blk.${i}.attn_q.weight`, dims: [e, heads * headDim] },
      { name: `blk.${i}.attn_k.weight`, dims: [e, kvHeads * headDim] },
      { name: `blk.${i}.attn_v.weight`, dims: [e, kvHeads * headDim] },
      { name: `blk.${i}.attn_output.weight`, dims: [heads * headDim, e] },
      { name: `blk.${i}.ffn_gate.weight`, dims: [e, f] },
      { name: `blk.${i}.ffn_up.weight`, dims: [e, f] },
      { name: `blk.${i}.ffn_down.weight`, dims: [f, e] },
    );
  }
  return ggufHeader({
    metadata: {
      "general.architecture": "llama",
      ...(options.name ? { "general.name": options.name } : {}),
      ...(options.fileType !== undefined ? { "general.file_type": options.fileType } : {}),
      "llama.context_length": options.context,
      "llama.embedding_length": e,
      "llama.block_count": layers,
      "llama.feed_forward_length": f,
      "llama.attention.head_count": heads,
      "llama.attention.head_count_kv": kvHeads,
      "llama.attention.layer_norm_rms_epsilon": { f32: 1e-5 },
      "tokenizer.ggml.model": "llama",
      ...(options.chatTemplate ? { "tokenizer.chat_template": options.chatTemplate } : {}),
    },
    tensors,
  });
}

/**
 * Transformer shapes of well-known models, so that a KV-cache size can be computed
 * for a parameter count before any file exists. Figures are the models' published
 * config.json values (num_hidden_layers, hidden_size, num_attention_heads,
 * num_key_value_heads, intermediate_size, vocab_size).
 */
export interface ArchitectureShape {
  id: string;
  /** Which real model this shape is. */
  like: string;
  /** Total weights, embeddings included. */
  parameters: number;
  layers: number;
  embedding: number;
  heads: number;
  kvHeads: number;
  feedForward: number;
  vocab: number;
  trainContext: number;
  /** Width of one attention head when it is not embedding / heads (GGUF `attention.key_length`). */
  headDim?: number;
  /** An older shape (full multi-head attention, or a 4K train context): taken by name only, never assumed for a size. */
  legacy?: boolean;
}

const B = 1e9;

export const ARCHITECTURES: readonly ArchitectureShape[] = [
  { id: "llama3-1b", like: "Llama-3.2-1B", parameters: 1.24 * B, layers: 16, embedding: 2048, heads: 32, kvHeads: 8, headDim: 64, feedForward: 8192, vocab: 128256, trainContext: 131072 },
  { id: "llama3-3b", like: "Llama-3.2-3B", parameters: 3.21 * B, layers: 28, embedding: 3072, heads: 24, kvHeads: 8, feedForward: 8192, vocab: 128256, trainContext: 131072 },
  { id: "llama2-7b", like: "Llama-2-7B", parameters: 6.74 * B, layers: 32, embedding: 4096, heads: 32, kvHeads: 32, feedForward: 11008, vocab: 32000, trainContext: 4096, legacy: true },
  { id: "mistral-7b", like: "Mistral-7B-v0.3", parameters: 7.25 * B, layers: 32, embedding: 4096, heads: 32, kvHeads: 8, feedForward: 14336, vocab: 32768, trainContext: 32768 },
  { id: "llama3-8b", like: "Llama-3.1-8B", parameters: 8.03 * B, layers: 32, embedding: 4096, heads: 32, kvHeads: 8, feedForward: 14336, vocab: 128256, trainContext: 131072 },
  { id: "mistral-nemo-12b", like: "Mistral-Nemo-12B", parameters: 12.2 * B, layers: 40, embedding: 5120, heads: 32, kvHeads: 8, headDim: 128, feedForward: 14336, vocab: 131072, trainContext: 131072 },
  { id: "llama2-13b", like: "Llama-2-13B", parameters: 13.0 * B, layers: 40, embedding: 5120, heads: 40, kvHeads: 40, feedForward: 13824, vocab: 32000, trainContext: 4096, legacy: true },
  { id: "qwen2.5-14b", like: "Qwen2.5-14B", parameters: 14.8 * B, layers: 48, embedding: 5120, heads: 40, kvHeads: 8, feedForward: 13824, vocab: 152064, trainContext: 32768 },
  { id: "mistral-small-22b", like: "Mistral-Small-22B", parameters: 22.2 * B, layers: 56, embedding: 6144, heads: 48, kvHeads: 8, feedForward: 16384, vocab: 32768, trainContext: 32768 },
  { id: "qwen2.5-32b", like: "Qwen2.5-32B", parameters: 32.8 * B, layers: 64, embedding: 5120, heads: 40, kvHeads: 8, feedForward: 27648, vocab: 152064, trainContext: 32768 },
  { id: "yi-34b", like: "Yi-34B", parameters: 34.4 * B, layers: 60, embedding: 7168, heads: 56, kvHeads: 8, feedForward: 20480, vocab: 64000, trainContext: 4096, legacy: true },
  { id: "llama3-70b", like: "Llama-3.1-70B", parameters: 70.6 * B, layers: 80, embedding: 8192, heads: 64, kvHeads: 8, feedForward: 28672, vocab: 128256, trainContext: 131072 },
  { id: "llama2-70b", like: "Llama-2-70B", parameters: 69.0 * B, layers: 80, embedding: 8192, heads: 64, kvHeads: 8, feedForward: 28672, vocab: 32000, trainContext: 4096, legacy: true },
  { id: "mistral-large-123b", like: "Mistral-Large-123B", parameters: 123 * B, layers: 88, embedding: 12288, heads: 96, kvHeads: 8, feedForward: 28672, vocab: 32768, trainContext: 131072 },
  { id: "llama3-405b", like: "Llama-3.1-405B", parameters: 406 * B, layers: 126, embedding: 16384, heads: 128, kvHeads: 8, feedForward: 53248, vocab: 128256, trainContext: 131072 },
];

export function architectureById(id: string): ArchitectureShape | undefined {
  return ARCHITECTURES.find((a) => a.id === id.toLowerCase());
}

/**
 * The current shape closest to a parameter count (by ratio), with more layers or fewer
 * when the count is far from any, so that a 20B gets a 20B-sized cache. Every one is
 * grouped-query attention with 8 KV heads of width 128 (64 for the 1B), as models of
 * 2024-25 are: a 13B gets Mistral-Nemo's 40 layers, a 34B Qwen2.5-32B's 64. Older
 * full-attention shapes (Llama-2, Yi) only come by name (`--arch`).
 */
export function typicalArchitecture(parameters: number): ArchitectureShape {
  const current = ARCHITECTURES.filter((shape) => !shape.legacy);
  let best = current[0]!;
  for (const shape of current) {
    if (Math.abs(Math.log(shape.parameters / parameters)) < Math.abs(Math.log(best.parameters / parameters))) best = shape;
  }
  const ratio = parameters / best.parameters;
  if (ratio > 0.8 && ratio < 1.25) return best;
  // Parameters scale with layers x width^2: grow layers by ratio^(1/3).
  const layers = Math.max(1, Math.round(best.layers * Math.cbrt(ratio)));
  return { ...best, id: `${best.id}-scaled`, like: `${best.like} scaled to ${formatParameters(parameters)}`, parameters, layers };
}

/** Width of one attention head. */
export function headDimension(shape: ArchitectureShape): number {
  return shape.headDim ?? shape.embedding / shape.heads;
}

/** Bytes of K and V cache for `context` tokens, f16 cache unless told otherwise. */
export function kvCacheBytes(shape: ArchitectureShape, context: number, bytesPerElement = 2): number {
  return 2 * shape.layers * shape.kvHeads * headDimension(shape) * context * bytesPerElement;
}

/** "13B" -> 13e9, "1.5b" -> 1.5e9, "350M" -> 350e6, "7e9" -> 7e9. */
export function parseParameterCount(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?(?:e\d+)?)\s*([KMBT])?\s*$/i.exec(text);
  if (!match) return undefined;
  const scale = { K: 1e3, M: 1e6, B: 1e9, T: 1e12 }[(match[2] ?? "").toUpperCase() as "K"] ?? 1;
  const value = Number(match[1]) * scale;
  return value > 0 && Number.isFinite(value) ? value : undefined;
}

export function formatParameters(parameters: number): string {
  if (parameters >= 1e9) return `${trim(parameters / 1e9)}B`;
  if (parameters >= 1e6) return `${trim(parameters / 1e6)}M`;
  if (parameters >= 1e3) return `${trim(parameters / 1e3)}K`;
  return String(Math.round(parameters));
}

function trim(value: number): string {
  return value >= 10 ? String(Math.round(value)) : String(Math.round(value * 10) / 10);
}

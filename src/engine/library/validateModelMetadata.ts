import { ModelMetadataError } from "./modelMetadataError.ts";

/**
 * Keys whose absence makes llama.cpp abort the whole process (GGML_ASSERT in
 * llama_model::load_hparams) instead of returning an error: checked in JS first.
 */
const REQUIRED_ARCH_KEYS = ["block_count", "embedding_length", "feed_forward_length", "attention.head_count", "context_length"] as const;

type Metadata = Record<string, unknown>;

/**
 * Refuses metadata that would crash llama.cpp on load, naming the first missing key.
 * `metadata` is the nested object node-llama-cpp's readGgufFileInfo returns
 * (`metadata.llama.attention.head_count`).
 */
export function validateModelMetadata(metadata: Metadata, path: string): void {
  const general = asObject(metadata.general);
  const architecture = general.architecture;
  if (typeof architecture !== "string" || architecture === "") throw crash(path, "general.architecture");
  for (const key of REQUIRED_ARCH_KEYS) {
    const value = lookup(metadata, `${architecture}.${key}`);
    if (!isPositive(value)) throw crash(path, `${architecture}.${key}`);
  }
  const tokenizerModel = asObject(asObject(metadata.tokenizer).ggml).model;
  if (typeof tokenizerModel !== "string" || tokenizerModel === "") throw crash(path, "tokenizer.ggml.model");
  checkShapes(metadata, architecture, path);
}

/** Shapes llama.cpp asserts on instead of refusing (each found aborting the process, exit 134). */
function checkShapes(metadata: Metadata, arch: string, path: string): void {
  const num = (key: string): number | undefined => {
    const value = lookup(metadata, `${arch}.${key}`);
    if (value === undefined || Array.isArray(value)) return undefined;
    if (typeof value !== "number" || !Number.isFinite(value)) throw refuse(path, `${arch}.${key} is not a number`);
    return value;
  };
  const embedding = num("embedding_length");
  const heads = num("attention.head_count");
  const kvHeads = num("attention.head_count_kv");
  if (kvHeads !== undefined && kvHeads < 1) throw refuse(path, `${arch}.attention.head_count_kv is ${kvHeads}`);
  if (heads && kvHeads && heads % kvHeads !== 0) throw refuse(path, `${arch}.attention.head_count ${heads} is not a multiple of head_count_kv ${kvHeads}`);
  const keyLength = num("attention.key_length");
  for (const key of ["attention.key_length", "attention.value_length"]) {
    const n = num(key);
    if (n !== undefined && n < 1) throw refuse(path, `${arch}.${key} is ${n}`);
  }
  if (keyLength === undefined && embedding && heads && embedding % heads !== 0) {
    throw refuse(path, `${arch}.embedding_length ${embedding} is not a multiple of attention.head_count ${heads}`);
  }
  const headDim = keyLength ?? (embedding && heads ? embedding / heads : undefined);
  const rope = num("rope.dimension_count");
  if (rope !== undefined && (rope < 0 || rope % 2 !== 0)) throw refuse(path, `${arch}.rope.dimension_count ${rope} is odd (RoPE needs an even count)`);
  if (rope !== undefined && headDim !== undefined && rope > headDim) throw refuse(path, `${arch}.rope.dimension_count ${rope} is larger than the head size ${headDim}`);
  const experts = num("expert_count") ?? 0;
  const used = num("expert_used_count") ?? 0;
  if (experts > 0 && (used < 1 || used > experts)) throw refuse(path, `${arch}.expert_used_count ${used} must be between 1 and expert_count ${experts}`);
}

function refuse(path: string, what: string): ModelMetadataError {
  return new ModelMetadataError(path, `${what} — this file would crash llama.cpp`);
}

function crash(path: string, key: string): ModelMetadataError {
  return new ModelMetadataError(path, `missing ${key} — this file would crash llama.cpp`);
}

function lookup(metadata: Metadata, dotted: string): unknown {
  let node: unknown = metadata;
  for (const part of dotted.split(".")) node = asObject(node)[part];
  return node;
}

/** Some architectures store per-layer arrays (OpenELM): any positive entry counts. */
function isPositive(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0 && value.some((v) => Number(v) > 0);
  const number = Number(value);
  return value !== undefined && value !== null && Number.isFinite(number) && number > 0;
}

function asObject(value: unknown): Metadata {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Metadata) : {};
}

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

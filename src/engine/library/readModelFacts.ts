import { basename } from "node:path";
import { quantFromFileName, quantFromFileType } from "../quants/index.ts";
import { ModelMetadataError } from "./modelMetadataError.ts";
import { validateModelMetadata } from "./validateModelMetadata.ts";
import { stat } from "node:fs/promises";
import { GgufPastEndError, nestedMetadata, readGgufHeader, type GgufHeader } from "./ggufReader.ts";

/**
 * What the library shows about a model, read from its GGUF header without loading
 * weights (the bounded reader in ggufReader.ts), after checks that refuse files which
 * would crash llama.cpp or make the parser loop: the one GGUF reader of the project.
 */
export interface LibraryFacts {
  name?: string;
  architecture: string;
  /** Counted from the tensor shapes. */
  parameters: number;
  /** Quant name ("Q4_K_M") from general.file_type, else from the file name. */
  quant?: string;
  trainContext: number;
  layers: number;
  embedding: number;
  heads: number;
  kvHeads: number;
  /** Width of an attention head when the header states it (`attention.key_length`). */
  headDim?: number;
  feedForward: number;
  vocab: number;
  /** The chat format the embedded template follows ("ChatML", "Llama 3"), or "custom". */
  chatTemplate?: string;
}

export { ModelMetadataError };

type FactsSource = { metadata: unknown; tensors: ReadonlyArray<{ name: string; dimensions: ReadonlyArray<number | bigint> }> };

export interface ReadModelFactsOptions {
  /** The file holds only the first bytes of a model (a header fetched from the hub): no tensor data expected. */
  headerOnly?: boolean;
  /** Names the model in errors instead of the path. */
  name?: string;
}

/** The header runs past the bytes a `headerOnly` file holds: fetch more and read again. */
export class HeaderPastPrefixError extends ModelMetadataError {}

/** Files, local or a hub header's first bytes, are read by the project's bounded reader (ggufReader.ts), never by node-llama-cpp's. */
export async function readModelFacts(path: string, options: ReadModelFactsOptions = {}): Promise<LibraryFacts> {
  const name = options.name ?? path;
  let header: GgufHeader;
  try {
    header = await readGgufHeader(path, { name });
  } catch (error) {
    if (options.headerOnly && error instanceof GgufPastEndError) throw new HeaderPastPrefixError(name, `the GGUF header is longer than the first ${(await stat(path)).size} bytes`);
    throw error;
  }
  if (!options.headerOnly) checkTruncation(header, name);
  return factsFrom({ metadata: nestedMetadata(header.metadata), tensors: header.tensors }, name);
}

/** A download cut short keeps a valid header but lacks tensor data. */
function checkTruncation(header: GgufHeader, path: string): void {
  const lastOffset = Math.max(0, ...header.tensors.map((t) => t.offset));
  if (header.dataStart > header.fileSize || (header.tensors.length && header.dataStart + lastOffset >= header.fileSize)) {
    throw new ModelMetadataError(path, "truncated: the file ends before its tensor data (an interrupted download?)");
  }
}

function factsFrom(info: FactsSource, path: string): LibraryFacts {
  validateModelMetadata(info.metadata as Record<string, unknown>, path);
  const meta = info.metadata as Record<string, Record<string, unknown> | undefined>;
  const general = meta.general ?? {};
  const architecture = typeof general.architecture === "string" ? general.architecture : undefined;
  if (!architecture) throw new ModelMetadataError(path, "general.architecture is missing");
  const arch = (meta[architecture] ?? {}) as Record<string, unknown>;
  const attention = (arch.attention ?? {}) as Record<string, unknown>;
  const need = (value: unknown, field: string): number => {
    const number = Array.isArray(value) ? Number(value[0]) : Number(value);
    if (!Number.isFinite(number) || number <= 0) throw new ModelMetadataError(path, `${architecture}.${field} is missing or not a positive number`);
    return number;
  };
  const tensors = info.tensors;
  const embeddingTensor = tensors.find((t) => t.name === "token_embd.weight");
  const fileType = typeof general.file_type === "number" ? quantFromFileType(general.file_type) : undefined;
  const quant = fileType?.name ?? quantFromFileName(basename(path))?.name;
  const template = (meta.tokenizer as Record<string, unknown> | undefined)?.chat_template;
  const heads = need(attention.head_count, "attention.head_count");
  return {
    ...(typeof general.name === "string" ? { name: general.name } : {}),
    architecture,
    parameters: tensors.reduce((sum, t) => sum + t.dimensions.reduce<number>((p, d) => p * Number(d), 1), 0),
    ...(quant ? { quant } : {}),
    trainContext: need(arch.context_length, "context_length"),
    layers: need(arch.block_count, "block_count"),
    embedding: need(arch.embedding_length, "embedding_length"),
    heads,
    kvHeads: attention.head_count_kv === undefined ? heads : need(attention.head_count_kv, "attention.head_count_kv"),
    ...(attention.key_length !== undefined ? { headDim: need(attention.key_length, "attention.key_length") } : {}),
    feedForward: need(arch.feed_forward_length, "feed_forward_length"),
    vocab: embeddingTensor ? Number(embeddingTensor.dimensions[1] ?? 0) : 0,
    ...(typeof template === "string" ? { chatTemplate: chatTemplateName(template) } : {}),
  };
}

/** Names the chat format a jinja template follows, by the markers it emits. */
export function chatTemplateName(template: string): string {
  if (template.includes("<|im_start|>")) return "ChatML";
  if (template.includes("<|start_header_id|>")) return "Llama 3";
  if (template.includes("<start_of_turn>")) return "Gemma";
  if (template.includes("[INST]")) return "Mistral/Llama 2";
  if (template.includes("<|user|>")) return "Zephyr/Phi";
  return "custom";
}

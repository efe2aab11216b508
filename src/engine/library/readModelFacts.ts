import { open, stat } from "node:fs/promises";
import { basename } from "node:path";
import { quantFromFileName, quantFromFileType } from "../quants/index.ts";
import { ModelMetadataError } from "./modelMetadataError.ts";
import { validateModelMetadata } from "./validateModelMetadata.ts";

/**
 * What the library shows about a model, read from its GGUF header without loading
 * weights (node-llama-cpp's readGgufFileInfo), after checks that refuse files which
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

// The vocabulary arrays are most of a header and the library needs none of it.
const IGNORED_KEYS = ["tokenizer.ggml.tokens", "tokenizer.ggml.scores", "tokenizer.ggml.token_type", "tokenizer.ggml.merges"];

type GgufInfo = Awaited<ReturnType<typeof import("node-llama-cpp").readGgufFileInfo>>;

export interface ReadModelFactsOptions {
  /** The file holds only the first bytes of a model (a header fetched from the hub): no tensor data expected. */
  headerOnly?: boolean;
  /** Names the model in errors instead of the path. */
  name?: string;
}

/** The header runs past the bytes a `headerOnly` file holds: fetch more and read again. */
export class HeaderPastPrefixError extends ModelMetadataError {}

export async function readModelFacts(path: string, options: ReadModelFactsOptions = {}): Promise<LibraryFacts> {
  const name = options.name ?? path;
  const size = await checkHeader(path, name);
  const { readGgufFileInfo } = await import("node-llama-cpp");
  let info;
  try {
    info = await readGgufFileInfo(path, { logWarnings: false, ignoreKeys: IGNORED_KEYS, sourceType: "filesystem" });
  } catch (error) {
    throw new ModelMetadataError(name, explainReadError(error));
  }
  // Past the end the reader sees zeros, so a header cut short parses on past the end.
  if (options.headerOnly && (info.infoEndOffset ?? 0) > size) throw new HeaderPastPrefixError(name, `the GGUF header is longer than the first ${size} bytes`);
  if (!options.headerOnly) checkTruncation(info, name, size);
  return factsFromGgufInfo(info, name);
}

/**
 * The fixed 24-byte header, checked before the parser sees the file: counts that
 * cannot fit in the file make the parser loop for minutes over reads past the end.
 */
async function checkHeader(path: string, name: string): Promise<number> {
  const { size } = await stat(path);
  const handle = await open(path, "r");
  const header = Buffer.alloc(24);
  try {
    await handle.read(header, 0, 24, 0);
  } finally {
    await handle.close();
  }
  if (size < 24 || header.toString("latin1", 0, 4) !== "GGUF") throw new ModelMetadataError(name, "not a GGUF file");
  const version = header.readUInt32LE(4);
  if (version !== 2 && version !== 3) throw new ModelMetadataError(name, `GGUF version ${version} is not supported (2 and 3 are)`);
  // A tensor info takes at least 32 bytes, a key/value at least 13.
  if (header.readBigUInt64LE(8) > BigInt(size) / 32n || header.readBigUInt64LE(16) > BigInt(size) / 13n) {
    throw new ModelMetadataError(name, "corrupt or truncated GGUF header (more tensors or keys than the file can hold)");
  }
  return size;
}

type GgufInfoLike = { infoEndOffset?: number; tensorInfo?: ReadonlyArray<{ offset: number | bigint }> };

/** A download cut short keeps a valid header but lacks tensor data. */
function checkTruncation(info: GgufInfoLike, path: string, size: number): void {
  const dataStart = info.infoEndOffset ?? 0;
  const lastOffset = Math.max(0, ...(info.tensorInfo ?? []).map((t) => Number(t.offset)));
  if (dataStart > size || (info.tensorInfo?.length && dataStart + lastOffset >= size)) {
    throw new ModelMetadataError(path, "truncated: the file ends before its tensor data (an interrupted download?)");
  }
}

function explainReadError(error: unknown): string {
  const message = error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
  return /magic|Invalid|not a GGUF/i.test(message) ? "not a GGUF file" : `unreadable GGUF (${message})`;
}

function factsFromGgufInfo(info: GgufInfo, path: string): LibraryFacts {
  validateModelMetadata(info.metadata as unknown as Record<string, unknown>, path);
  const meta = info.metadata as unknown as Record<string, Record<string, unknown> | undefined>;
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
  const tensors = info.fullTensorInfo ?? info.tensorInfo ?? [];
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

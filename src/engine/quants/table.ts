/**
 * GGUF quantization types: their size per weight and their quality rank.
 *
 * bitsPerWeight is the whole-file average (embeddings and output included) that
 * llama.cpp measured for meta-llama/Llama-3.1-8B in tools/quantize/README.md
 * (ggml-org/llama.cpp, "Quantization" table). Types missing from that table use the
 * ggml block size of the pure type (ggml/src/ggml-common.h: bytes per block of
 * 32 or 256 weights, e.g. Q4_0 = 18 bytes / 32 weights = 4.5 bits), plus the same
 * mixture overhead the table shows for their neighbours.
 */
export type QuantFamily = "float" | "legacy" | "k" | "i";

export interface QuantInfo {
  /** Upper-case name as llama-quantize and file names spell it: "Q4_K_M". */
  name: string;
  bitsPerWeight: number;
  family: QuantFamily;
  /** Higher is better quality. Only the order matters. */
  quality: number;
  /** llama.cpp's `general.file_type` (enum llama_ftype in include/llama.h). */
  fileType: number;
}

const q = (name: string, bitsPerWeight: number, family: QuantFamily, quality: number, fileType: number): QuantInfo => ({
  name,
  bitsPerWeight,
  family,
  quality,
  fileType,
});

/** Best quality first. */
export const QUANTS: readonly QuantInfo[] = [
  q("F32", 32, "float", 100, 0),
  q("BF16", 16.0005, "float", 99, 32),
  q("F16", 16.0005, "float", 99, 1),
  q("Q8_0", 8.5008, "legacy", 90, 7),
  q("Q6_K", 6.5633, "k", 80, 18),
  q("Q5_K_M", 5.7036, "k", 72, 17),
  q("Q5_K_S", 5.5704, "k", 70, 16),
  q("Q5_1", 6.1, "legacy", 68, 9),
  q("Q5_0", 5.6, "legacy", 66, 8),
  q("Q4_K_M", 4.8944, "k", 62, 15),
  q("Q4_K_S", 4.6672, "k", 60, 14),
  q("IQ4_NL", 4.6818, "i", 59, 25),
  q("IQ4_XS", 4.4597, "i", 58, 30),
  q("Q4_1", 5.1, "legacy", 56, 3),
  q("Q4_0", 4.6, "legacy", 55, 2),
  q("Q3_K_L", 4.2979, "k", 50, 13),
  q("Q3_K_M", 3.91, "k", 48, 12),
  q("IQ3_M", 3.7628, "i", 46, 27),
  q("IQ3_S", 3.6606, "i", 45, 26),
  q("Q3_K_S", 3.6429, "k", 44, 11),
  q("IQ3_XS", 3.4977, "i", 43, 22),
  q("IQ3_XXS", 3.2548, "i", 42, 23),
  q("Q2_K", 3.1593, "k", 38, 10),
  q("Q2_K_S", 2.9697, "k", 36, 21),
  q("IQ2_M", 2.9294, "i", 34, 29),
  q("IQ2_S", 2.7403, "i", 33, 28),
  q("IQ2_XS", 2.5882, "i", 32, 20),
  q("IQ2_XXS", 2.3824, "i", 30, 19),
  q("IQ1_M", 2.146, "i", 20, 31),
  q("IQ1_S", 2.0042, "i", 18, 24),
];

const byName = new Map(QUANTS.map((info) => [info.name, info]));
const byFileType = new Map(QUANTS.map((info) => [info.fileType, info]));

/** Looks a quant up by name, case-insensitively ("q4_k_m" works). */
export function quantInfo(name: string): QuantInfo | undefined {
  return byName.get(name.toUpperCase());
}

/** The quant a GGUF's `general.file_type` stands for. */
export function quantFromFileType(fileType: number): QuantInfo | undefined {
  return byFileType.get(fileType);
}

/** Negative when a is better quality than b (sorts best first). */
export function compareQuality(a: QuantInfo, b: QuantInfo): number {
  return b.quality - a.quality || a.bitsPerWeight - b.bitsPerWeight;
}

/** Expected file size in bytes of a model of `parameters` weights at this quant. */
export function estimateFileBytes(parameters: number, quant: QuantInfo): number {
  return Math.round((parameters * quant.bitsPerWeight) / 8);
}

/** Inverse of estimateFileBytes: how many weights a file of this size holds. */
export function estimateParameters(fileBytes: number, quant: QuantInfo): number {
  return Math.round((fileBytes * 8) / quant.bitsPerWeight);
}

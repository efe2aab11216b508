/**
 * GGUF quantization types: their size per weight and their measured quality loss.
 *
 * bitsPerWeight is the whole-file average (embeddings and output included) that
 * llama.cpp measured for meta-llama/Llama-3.1-8B in tools/quantize/README.md
 * (ggml-org/llama.cpp, "Quantization" table). Types missing from that table use the
 * ggml block size of the pure type (ggml/src/ggml-common.h: bytes per block of
 * 32 or 256 weights, e.g. Q4_0 = 18 bytes / 32 weights = 4.5 bits), plus the same
 * mixture overhead the table shows for their neighbours.
 */
export type QuantFamily = "float" | "legacy" | "k" | "i";

/** How much a quant changes the model's predictions, in words: the loss classes taproom shows. */
export type QualityLoss = "none" | "negligible" | "small" | "moderate" | "large" | "extreme";

export interface QuantInfo {
  /** Upper-case name as llama-quantize and file names spell it: "Q4_K_M". */
  name: string;
  bitsPerWeight: number;
  family: QuantFamily;
  /**
   * Mean KL divergence of the quantized model's token distribution from FP16's, and the
   * perplexity increase over FP16 (Wikitext-2), both measured by llama.cpp on
   * LLaMA-3-8B: tools/perplexity/README.md, "LLaMA 3 8b Scoreboard" (ggml-org/llama.cpp,
   * revision f364eb6f, RTX 4090). Where the table has a row made with an importance
   * matrix ("WT 10m") that row is used, as published GGUFs are made that way; types
   * with only a plain row use it. Floats are 0. Larger models lose less at the same
   * type (LLaMA-2-7B's Q4_K_M KLD is 0.0127 in the same README), so for them these
   * figures overstate the loss; their order is what the choice relies on.
   */
  kld: number;
  deltaPpl: number;
  /** llama.cpp's `general.file_type` (enum llama_ftype in include/llama.h). */
  fileType: number;
}

/** Perplexity of LLaMA-3-8B at FP16 in that table, the base of deltaPpl. */
const FP16_PPL = 6.231636;

const q = (name: string, bitsPerWeight: number, family: QuantFamily, kld: number, deltaPpl: number, fileType: number): QuantInfo => ({
  name,
  bitsPerWeight,
  family,
  kld,
  deltaPpl,
  fileType,
});

/** Best quality first. */
export const QUANTS: readonly QuantInfo[] = [
  q("F32", 32, "float", 0, 0, 0),
  q("BF16", 16.0005, "float", 0, 0, 32),
  q("F16", 16.0005, "float", 0, 0, 1),
  q("Q8_0", 8.5008, "legacy", 0.001355, 0.00265, 7),
  q("Q6_K", 6.5633, "k", 0.005452, 0.021748, 18),
  q("Q5_K_M", 5.7036, "k", 0.010762, 0.056974, 17),
  q("Q5_K_S", 5.5704, "k", 0.016595, 0.104964, 16),
  q("Q5_1", 6.1, "legacy", 0.018045, 0.106223, 9),
  q("Q5_0", 5.6, "legacy", 0.022239, 0.131591, 8),
  q("Q4_K_M", 4.8944, "k", 0.028152, 0.151303, 15),
  q("Q4_K_S", 4.6672, "k", 0.031951, 0.178064, 14),
  q("IQ4_NL", 4.6818, "i", 0.035742, 0.223959, 25),
  q("IQ4_XS", 4.4597, "i", 0.036334, 0.228071, 30),
  q("Q4_1", 5.1, "legacy", 0.071683, 0.451103, 3),
  q("Q4_0", 4.6, "legacy", 0.07194, 0.468514, 2),
  q("Q3_K_L", 4.2979, "k", 0.073077, 0.43959, 13),
  q("Q3_K_M", 3.91, "k", 0.084358, 0.502622, 12),
  q("IQ3_M", 3.7628, "i", 0.102534, 0.666694, 27),
  q("IQ3_S", 3.6606, "i", 0.111278, 0.733867, 26),
  q("IQ3_XS", 3.4977, "i", 0.138693, 0.931409, 22),
  q("IQ3_XXS", 3.2548, "i", 0.183625, 1.226803, 23),
  q("Q3_K_S", 3.6429, "k", 0.199821, 1.371244, 11),
  q("IQ2_M", 2.9294, "i", 0.325989, 2.369166, 29),
  q("Q2_K", 3.1593, "k", 0.332223, 2.416191, 10),
  q("Q2_K_S", 2.9697, "k", 0.40336, 3.092145, 21),
  q("IQ2_S", 2.7403, "i", 0.439197, 3.419148, 28),
  q("IQ2_XS", 2.5882, "i", 0.54629, 4.529791, 20),
  q("IQ2_XXS", 2.3824, "i", 0.812022, 7.860148, 19),
  q("IQ1_M", 2.146, "i", 1.393084, 19.262089, 31),
  q("IQ1_S", 2.0042, "i", 2.254554, 54.462959, 24),
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

/** Negative when a is better quality than b (sorts best first): less measured loss, then more bits. */
export function compareQuality(a: QuantInfo, b: QuantInfo): number {
  return a.kld - b.kld || b.bitsPerWeight - a.bitsPerWeight;
}

/**
 * The loss classes, by KL divergence: up to Q6_K nobody tells it from FP16 in chat;
 * Q5/Q4_K_M lose a little; 4-bit legacy and 3-bit K-quants noticeably; IQ3 a lot;
 * from 2-bit (Q2_K, IQ2_*) on the model is markedly worse (perplexity +38% and up).
 */
export function qualityLoss(quant: QuantInfo): QualityLoss {
  if (quant.kld === 0) return "none";
  if (quant.kld < 0.01) return "negligible";
  if (quant.kld <= 0.03) return "small";
  if (quant.kld < 0.1) return "moderate";
  if (quant.kld < 0.25) return "large";
  return "extreme";
}

/** Perplexity increase over FP16 in percent, from the same measurements. */
export function perplexityIncreasePercent(quant: QuantInfo): number {
  return (quant.deltaPpl / FP16_PPL) * 100;
}

/** Expected file size in bytes of a model of `parameters` weights at this quant. */
export function estimateFileBytes(parameters: number, quant: QuantInfo): number {
  return Math.round((parameters * quant.bitsPerWeight) / 8);
}

/** Inverse of estimateFileBytes: how many weights a file of this size holds. */
export function estimateParameters(fileBytes: number, quant: QuantInfo): number {
  return Math.round((fileBytes * 8) / quant.bitsPerWeight);
}

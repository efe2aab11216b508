import { test } from "node:test";
import assert from "node:assert/strict";
import {
  QUANTS,
  compareQuality,
  estimateFileBytes,
  formatParameters,
  kvCacheBytes,
  parseParameterCount,
  parseSplitName,
  perplexityIncreasePercent,
  qualityLoss,
  quantFromFileName,
  quantFromFileType,
  quantInfo,
  quantLabelFromFileName,
  typicalArchitecture,
  architectureById,
} from "../../../src/engine/quants/index.ts";

test("quality follows llama.cpp's measured KL divergence, so the usual order holds and the table is sorted by it", () => {
  const order = ["Q8_0", "Q6_K", "Q5_K_M", "Q4_K_M", "IQ4_XS", "Q3_K_M", "IQ3_M", "IQ3_XXS", "Q3_K_S", "IQ2_M", "Q2_K", "IQ2_XXS"];
  const sorted = [...order].reverse().map((n) => quantInfo(n)!).sort(compareQuality).map((q) => q.name);
  assert.deepEqual(sorted, order, "Q3_K_S measures worse than IQ3_XXS, IQ2_M a little better than Q2_K");
  assert.equal(QUANTS[0]?.name, "F32");
  assert.deepEqual([...QUANTS].sort(compareQuality), [...QUANTS]);
});

test("quality loss: llama.cpp's LLaMA-3-8B scoreboard figures and the classes taproom shows", () => {
  // tools/perplexity/README.md: q4_K_M (WT 10m imatrix) KLD 0.028152, ΔPPL 0.151303 on 6.2316.
  assert.equal(quantInfo("Q4_K_M")?.kld, 0.028152);
  assert.ok(Math.abs(perplexityIncreasePercent(quantInfo("Q4_K_M")!) - 2.43) < 0.01);
  assert.ok(Math.abs(perplexityIncreasePercent(quantInfo("IQ2_XXS")!) - 126.1) < 0.1);
  const classes = Object.fromEntries(["F16", "Q8_0", "Q6_K", "Q5_K_M", "Q4_K_M", "IQ4_XS", "Q3_K_M", "IQ3_M", "Q3_K_S", "Q2_K", "IQ2_M", "IQ2_XXS", "IQ1_S"].map((n) => [n, qualityLoss(quantInfo(n)!)]));
  assert.deepEqual(classes, {
    F16: "none",
    Q8_0: "negligible",
    Q6_K: "negligible",
    Q5_K_M: "small",
    Q4_K_M: "small",
    IQ4_XS: "moderate",
    Q3_K_M: "moderate",
    IQ3_M: "large",
    Q3_K_S: "large",
    Q2_K: "extreme",
    IQ2_M: "extreme",
    IQ2_XXS: "extreme",
    IQ1_S: "extreme",
  });
});

test("bits per weight are llama.cpp's figures", () => {
  assert.equal(quantInfo("q8_0")?.bitsPerWeight, 8.5008);
  assert.equal(quantInfo("Q6_K")?.bitsPerWeight, 6.5633);
  assert.equal(quantInfo("Q4_K_M")?.bitsPerWeight, 4.8944);
  // An 8B at Q4_K_M is 4.58 GiB in llama.cpp's table.
  const bytes = estimateFileBytes(8.03e9, quantInfo("Q4_K_M")!);
  assert.ok(Math.abs(bytes / 2 ** 30 - 4.58) < 0.05, `${bytes / 2 ** 30}`);
  assert.equal(quantFromFileType(15)?.name, "Q4_K_M");
  assert.equal(quantFromFileType(30)?.name, "IQ4_XS");
});

test("quant names come out of real file names", () => {
  assert.equal(quantFromFileName("Model-13B-Q4_K_M.gguf")?.name, "Q4_K_M");
  assert.equal(quantFromFileName("Meta-Llama-3-70B-IQ3_M-00001-of-00002.gguf")?.name, "IQ3_M");
  assert.equal(quantFromFileName("mistral-7b-instruct-v0.2.q5_k_m.gguf")?.name, "Q5_K_M");
  assert.equal(quantFromFileName("Qwen2.5-32B-Q8_0/Qwen2.5-32B-Q8_0-00002-of-00003.gguf")?.name, "Q8_0");
  assert.equal(quantFromFileName("model-bf16.gguf")?.name, "BF16");
  assert.equal(quantLabelFromFileName("Model-UD-Q4_K_XL.gguf"), "Q4_K_XL");
  assert.equal(quantFromFileName("Model-UD-Q4_K_XL.gguf"), undefined);
  assert.equal(quantLabelFromFileName("my-model.gguf"), undefined);
});

test("split names give base, part and total", () => {
  assert.deepEqual(parseSplitName("dir/Model-IQ3_M-00001-of-00002.gguf"), { base: "Model-IQ3_M", part: 1, total: 2 });
  assert.equal(parseSplitName("Model-00003-of-00002.gguf"), undefined);
  assert.equal(parseSplitName("Model-Q4_K_M.gguf"), undefined);
});

test("a size alone gets a current GQA shape (8 KV heads of 128); Llama-2's full attention only by name", () => {
  const llama3 = typicalArchitecture(8e9);
  assert.equal(llama3.like, "Llama-3.1-8B");
  assert.equal(kvCacheBytes(llama3, 8192), 2 ** 30); // 2 x 32 layers x 8 heads x 128 x 8192 x 2 bytes
  const thirteen = typicalArchitecture(13e9);
  assert.equal(thirteen.like, "Mistral-Nemo-12B");
  assert.deepEqual([thirteen.layers, thirteen.kvHeads, thirteen.headDim], [40, 8, 128]);
  assert.equal(kvCacheBytes(thirteen, 4096), 640 * 2 ** 20, "0.6 GiB at 4K, where Llama-2-13B needs 3.1 GiB");
  assert.equal(kvCacheBytes(architectureById("llama2-13b")!, 4096), 3200 * 2 ** 20);
  for (const size of [1e9, 3e9, 7e9, 13e9, 20e9, 34e9, 70e9, 120e9]) {
    const shape = typicalArchitecture(size);
    assert.ok(!shape.legacy && shape.kvHeads === 8, `${size}: ${shape.like}`);
  }
  assert.equal(typicalArchitecture(70e9).layers, 80);
  assert.equal(typicalArchitecture(32e9).like, "Qwen2.5-32B");
  assert.equal(typicalArchitecture(34e9).like, "Qwen2.5-32B", "not Yi-34B's 4K-context shape");
  const scaled = typicalArchitecture(200e9);
  assert.ok(scaled.layers > 88 && scaled.layers < 126, String(scaled.layers));
});

test("parameter counts parse with suffixes", () => {
  assert.equal(parseParameterCount("13B"), 13e9);
  assert.equal(parseParameterCount("1.5b"), 1.5e9);
  assert.equal(parseParameterCount("350M"), 350e6);
  assert.equal(parseParameterCount("thirteen"), undefined);
  assert.equal(parseParameterCount("0B"), undefined);
});

test("parameter counts print as people write them, tiny test models included", () => {
  assert.equal(formatParameters(70.6e9), "71B");
  assert.equal(formatParameters(7.24e9), "7.2B");
  assert.equal(formatParameters(350e6), "350M");
  assert.equal(formatParameters(151_776), "152K");
  assert.equal(formatParameters(512), "512");
});

/**
 * How a model's KV cache can be reused between turns. Most models keep one cache entry
 * per token: any block can be erased and the rest shifted. Sliding-window (SWA) models
 * keep only the last window unless the context keeps a full cache, which taproom asks
 * for. Recurrent and hybrid models hold a running state that cannot be cut: only a
 * prefix can be kept, restored from a checkpoint taken at the end of each prompt.
 */
export type KvStrategy = "shift" | "swa-full-cache" | "checkpoints" | "prefix";

export interface ModelKvFacts {
  architecture?: string;
  isRecurrent: boolean;
  isHybrid: boolean;
  /** Sliding window size; undefined for full attention. */
  swaSize?: number;
}

export function kvStrategy(facts: ModelKvFacts): KvStrategy {
  if (facts.isRecurrent || facts.isHybrid) return "checkpoints";
  // node-llama-cpp cannot shift DeepSeek 2's compressed (MLA) cache.
  if (facts.architecture === "deepseek2") return "prefix";
  if (facts.swaSize !== undefined && facts.swaSize > 0) return "swa-full-cache";
  return "shift";
}

export function describeKvStrategy(strategy: KvStrategy): string {
  switch (strategy) {
    case "shift":
      return "KV reuse: common prefix kept, blocks that went are erased and the rest shifted (context shift)";
    case "swa-full-cache":
      return "KV reuse: sliding-window model, so the context keeps a full cache (more memory) to allow reuse and context shift";
    case "checkpoints":
      return "KV reuse: this model's cache cannot be cut (recurrent, hybrid, or sliding-window without a full cache): no context shift; a checkpoint at the end of each prompt lets the next turn reuse it";
    case "prefix":
      return "KV reuse: this architecture cannot shift its cache; only the common prefix is reused";
  }
}

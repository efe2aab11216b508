import { test } from "node:test";
import assert from "node:assert/strict";
import { describeKvStrategy, kvStrategy } from "../../../src/engine/kv/strategy.ts";

test("how a model's cache is reused follows from its architecture, and is said in words", () => {
  assert.equal(kvStrategy({ architecture: "llama", isRecurrent: false, isHybrid: false }), "shift");
  assert.equal(kvStrategy({ architecture: "gemma3", isRecurrent: false, isHybrid: false, swaSize: 1024 }), "swa-full-cache");
  assert.equal(kvStrategy({ architecture: "mamba", isRecurrent: true, isHybrid: false }), "checkpoints");
  assert.equal(kvStrategy({ architecture: "jamba", isRecurrent: false, isHybrid: true, swaSize: 4096 }), "checkpoints");
  assert.equal(kvStrategy({ architecture: "deepseek2", isRecurrent: false, isHybrid: false }), "prefix");
  assert.match(describeKvStrategy("swa-full-cache"), /full cache \(more memory\)/);
  assert.match(describeKvStrategy("checkpoints"), /no context shift; a checkpoint at the end of each prompt/);
});

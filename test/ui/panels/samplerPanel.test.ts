import { test } from "node:test";
import assert from "node:assert/strict";
import { formatSampler, samplerRows, stepSampler } from "../../../src/ui/panels/samplerPanel.ts";
import { defaultSamplers } from "../../../src/core/samplers/validate.ts";

const row = (key: string) => samplerRows.find((r) => r.key === key)!;

test("the panel has a row for each sampler the issue names", () => {
  const keys = samplerRows.map((r) => r.key);
  for (const k of ["temperature", "topP", "minP", "topK", "repeatPenalty", "repeatLastN", "frequencyPenalty", "presencePenalty", "dryMultiplier", "xtcProbability", "seed", "maxTokens"]) assert.ok(keys.includes(k as never), k);
});

test("a step changes the value by the row's step without float noise, and stops at the range's ends", () => {
  assert.deepEqual(stepSampler(defaultSamplers, row("temperature"), 1), { temperature: 0.85 });
  assert.deepEqual(stepSampler({ ...defaultSamplers, topP: 0.99 }, row("topP"), 1), { topP: 1 });
  assert.equal(stepSampler({ ...defaultSamplers, topP: 1 }, row("topP"), 1), null, "top-p cannot pass 1");
  assert.equal(stepSampler({ ...defaultSamplers, minP: 0 }, row("minP"), -1), null, "min-p cannot go below 0");
  assert.deepEqual(stepSampler({ ...defaultSamplers, temperature: 0.03 }, row("temperature"), -1), { temperature: 0 });
  assert.deepEqual(stepSampler({ ...defaultSamplers, seed: -1 }, row("seed"), 1), { seed: 0 });
  assert.equal(stepSampler({ ...defaultSamplers, seed: -1 }, row("seed"), -1), null);
});

test("values read as a person expects: off, random seed", () => {
  assert.equal(formatSampler(defaultSamplers, row("temperature")), "0.80");
  assert.equal(formatSampler(defaultSamplers, row("dryMultiplier")), "0.0 (off)");
  assert.equal(formatSampler(defaultSamplers, row("seed")), "random");
  assert.equal(formatSampler(defaultSamplers, row("topK")), "40");
});


import { test } from "node:test";
import assert from "node:assert/strict";
import { defaultSamplers, resolveSamplers, SamplerRangeError, validateSamplers } from "../../../src/core/samplers/validate.ts";

test("temperature -1 is refused with a message naming the field and range", () => {
  assert.throws(() => validateSamplers({ temperature: -1 }), {
    name: "SamplerRangeError",
    message: "temperature must be between 0 and 5, got -1",
  });
});

test("top-k must be whole, top-p at most 1, NaN is not a number", () => {
  assert.throws(() => validateSamplers({ topK: 2.5 }), /top-k must be a whole number/);
  assert.throws(() => validateSamplers({ topP: 1.5 }), /top-p must be between 0 and 1/);
  assert.throws(() => validateSamplers({ minP: Number.NaN }), SamplerRangeError);
});

test("later layers win and unset fields keep the defaults", () => {
  const s = resolveSamplers({ temperature: 1.2, topK: 0 }, undefined, { temperature: 0.3 });
  assert.equal(s.temperature, 0.3);
  assert.equal(s.topK, 0);
  assert.equal(s.minP, defaultSamplers.minP);
});

test("an invalid layer is refused rather than merged", () => {
  assert.throws(() => resolveSamplers({ repeatPenalty: 10 }), /repetition penalty must be between 0.5 and 3, got 10/);
});

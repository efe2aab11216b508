import { test } from "node:test";
import assert from "node:assert/strict";
import { allPresets, builtInPresets, findPreset, samplersForChat, type SamplerPreset } from "../../../src/core/samplers/presets.ts";
import { importSillyTavernPreset } from "../../../src/core/samplers/sillyTavernPreset.ts";
import type { SamplerSettings } from "../../../src/core/samplers/types.ts";
import { defaultSamplers } from "../../../src/core/samplers/validate.ts";

const defaults: SamplerSettings = {
  ...defaultSamplers,
  temperature: 0.8, topK: 40, topP: 0.95, minP: 0.05, repeatPenalty: 1.1, repeatLastN: 64, frequencyPenalty: 0,
  presencePenalty: 0, dryMultiplier: 0, dryBase: 1.75, dryAllowedLength: 2, dryLastN: -1, drySequenceBreakers: ["\n"],
  xtcProbability: 0, xtcThreshold: 0.1, seed: -1, maxTokens: 300,
};

test("shipped presets: Neutral turns samplers off, Universal-Light is warm with min-p, Deterministic is greedy", () => {
  assert.deepEqual(builtInPresets.map((p) => p.name), ["Neutral", "Universal-Light", "Balanced", "Deterministic", "Creative"]);
  const neutral = samplersForChat({ defaults, presets: allPresets([]), chatPresetName: "neutral" });
  assert.deepEqual([neutral.temperature, neutral.topK, neutral.topP, neutral.minP, neutral.repeatPenalty], [1, 0, 1, 0, 1]);
  const light = samplersForChat({ defaults, presets: allPresets([]), chatPresetName: "Universal-Light" });
  assert.deepEqual([light.temperature, light.minP, light.topP, light.topK], [1.25, 0.1, 1, 0]);
  assert.equal(findPreset(allPresets([]), "deterministic")!.samplers.topK, 1);
  for (const p of builtInPresets) assert.ok(p.description.length > 20, `${p.name} is described`);
});

test("resolution: defaults, then the chat's preset (or the default preset), then the chat's overrides", () => {
  const mine: SamplerPreset = { name: "Mine", description: "", samplers: { temperature: 0.6, topK: 20 }, builtIn: false };
  const presets = allPresets([mine]);
  assert.deepEqual(samplersForChat({ defaults, presets }), defaults);
  assert.equal(samplersForChat({ defaults, presets, defaultPresetName: "Mine" }).temperature, 0.6);
  const chat = samplersForChat({ defaults, presets, defaultPresetName: "Mine", chatPresetName: "Creative", chatOverrides: { temperature: 0.9 } });
  assert.equal(chat.temperature, 0.9, "the chat's override wins");
  assert.equal(chat.dryMultiplier, 0.8, "the chat's preset beats the default preset");
  assert.equal(chat.topK, 0, "Creative's own topK, not Mine's");
  assert.equal(chat.maxTokens, 300, "what no preset sets comes from the defaults");
  assert.throws(() => samplersForChat({ defaults, presets, chatPresetName: "Gone" }), /preset "Gone" does not exist/);
});

test("a user preset named like a shipped one replaces it", () => {
  const list = allPresets([{ name: "creative", description: "mine", samplers: { temperature: 2 }, builtIn: false }]);
  assert.equal(list.filter((p) => p.name.toLowerCase() === "creative").length, 1);
  assert.equal(findPreset(list, "Creative")!.samplers.temperature, 2);
});

test("a SillyTavern text-completion preset maps what taproom supports and reports the rest", () => {
  const st = {
    temp: 1.1, top_p: 0.9, top_k: "40", min_p: 0.02, rep_pen: 1.07, rep_pen_range: 2048, freq_pen: 0.1, presence_pen: 0.2,
    dry_multiplier: 0.8, dry_base: 1.75, dry_allowed_length: 2, dry_penalty_last_n: 0, dry_sequence_breakers: '["\\n", ":", "\\""]',
    xtc_threshold: 0.1, xtc_probability: 0.5, seed: -1,
    tfs: 0.95, top_a: 0, typical_p: 1, mirostat_mode: 2, mirostat_tau: 5, mirostat_eta: 0.1, smoothing_factor: 0,
    dynatemp: false, min_temp: 0.5, ban_eos_token: false, sampler_priority: ["temperature"],
  };
  const { samplers, ignored } = importSillyTavernPreset(st, "p.json");
  assert.deepEqual(samplers, {
    temperature: 1.1, topP: 0.9, topK: 40, minP: 0.02, repeatPenalty: 1.07, repeatLastN: 2048, frequencyPenalty: 0.1,
    presencePenalty: 0.2, dryMultiplier: 0.8, dryBase: 1.75, dryAllowedLength: 2, dryLastN: 0,
    drySequenceBreakers: ["\n", ":", '"'], xtcThreshold: 0.1, xtcProbability: 0.5, seed: -1,
    tfs: 0.95, topA: 0, typicalP: 1, mirostatMode: 2, mirostatTau: 5, mirostatEta: 0.1, smoothingFactor: 0,
    dynatempRange: 0, banEos: false,
  });
  assert.deepEqual(ignored, []);
});

test("bad preset values are errors naming the file and key", () => {
  assert.throws(() => importSillyTavernPreset({ temp: "hot" }, "p.json"), /p\.json: "temp" must be a number/);
  assert.throws(() => importSillyTavernPreset({ dry_sequence_breakers: "[oops" }, "p.json"), /"dry_sequence_breakers" must be a JSON list/);
  assert.throws(() => importSillyTavernPreset([1], "p.json"), /p\.json: expected a JSON object/);
});

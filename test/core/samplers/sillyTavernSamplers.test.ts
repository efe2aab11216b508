import { test } from "node:test";
import assert from "node:assert/strict";
import { importSillyTavernPreset } from "../../../src/core/samplers/sillyTavernPreset.ts";
import { notAppliedNotice, notAppliedSamplers } from "../../../src/core/samplers/notApplied.ts";
import { resolveSamplers, validateSamplers } from "../../../src/core/samplers/validate.ts";

// Shapes as SillyTavern's shipped text-completion presets hold them
// (default/content/presets/textgen/*.json); meanings as textgen-settings.js sends them to llama.cpp.
const universalLight = {
  temp: 1.25, temperature_last: false, top_p: 1, top_k: 0, top_a: 0, tfs: 1, epsilon_cutoff: 0, eta_cutoff: 0, typical_p: 1,
  min_p: 0.1, rep_pen: 1, rep_pen_range: 0, rep_pen_decay: 0, rep_pen_slope: 1, dynatemp: false, min_temp: 0, max_temp: 2,
  dynatemp_exponent: 1, smoothing_factor: 0, smoothing_curve: 1, ban_eos_token: false, mirostat_mode: 0, mirostat_tau: 5,
  mirostat_eta: 0.1, grammar_string: "", json_schema: {}, banned_tokens: "",
  samplers: ["top_k", "tfs_z", "typical_p", "top_p", "min_p", "temperature"], sampler_order: [5, 6, 0, 1, 2, 3, 4], logit_bias: [],
};

test("a shipped preset imports whole, and the engine applies all of it", () => {
  const { samplers, ignored, notes } = importSillyTavernPreset(universalLight, "Universal-Light.json");
  assert.deepEqual([ignored, notes], [[], []]);
  assert.equal(samplers.temperature, 1.25);
  // llama.cpp gets "samplers" (temperature last), not temperature_last.
  assert.deepEqual(samplers.samplerOrder, ["top_k", "tfs_z", "typical_p", "top_p", "min_p", "temperature"]);
  assert.deepEqual([samplers.logitBias, samplers.bannedTokens, samplers.grammar, samplers.banEos], [[], [], "", false]);
  assert.equal(notAppliedNotice(resolveSamplers(validateSamplers(samplers))), undefined);
});

test("logit bias rows, ban lines, grammar and ban_eos_token are kept as SillyTavern reads them", () => {
  const { samplers, notes } = importSillyTavernPreset(
    {
      logit_bias: [{ id: "a", text: "Hello", value: -50 }, { id: "b", text: "[12, 13]", value: 5 }, { id: "c", text: "  ", value: 3 }, { id: "d", text: "x", value: "oops" }],
      banned_tokens: "shiver\n[7, 8]\n\n\"barely above a whisper\"\nshiver",
      grammar_string: 'root ::= "yes" | "no"',
      ban_eos_token: true,
    },
    "p.json",
  );
  // An empty row is skipped as SillyTavern skips it; a row without a number is named.
  assert.deepEqual(samplers.logitBias, [{ text: "Hello", value: -50 }, { text: "[12, 13]", value: 5 }]);
  assert.deepEqual(notes, ['"logit_bias"[3] ("x") has no number value: left out']);
  // Non-empty lines, each once (its split("\n") + onlyUnique).
  assert.deepEqual(samplers.bannedTokens, ["shiver", "[7, 8]", '"barely above a whisper"']);
  assert.equal(samplers.grammar, 'root ::= "yes" | "no"');
  assert.equal(samplers.banEos, true);
  assert.deepEqual(notAppliedSamplers(resolveSamplers(samplers)), ['banned strings "barely above a whisper" (a string ban needs backtracking)']);
});

test("dynamic temperature is the middle of min_temp..max_temp, give or take half the span", () => {
  const { samplers } = importSillyTavernPreset({ temp: 1, dynatemp: true, min_temp: 0.5, max_temp: 1.5, dynatemp_exponent: 2 }, "p.json");
  assert.deepEqual([samplers.temperature, samplers.dynatempRange, samplers.dynatempExponent], [1, 0.5, 2]);
});

test("what the engine has no sampler for is said in one line, with the values", () => {
  const kobold = importSillyTavernPreset({ temp: 0.7, top_p: 0.5, typical_p: 0.19, tfs: 0.95, top_a: 0.2, mirostat_mode: 2, mirostat_tau: 8, mirostat_eta: 0.1, smoothing_factor: 0.3 }, "p.json");
  assert.equal(
    notAppliedNotice(resolveSamplers(kobold.samplers)),
    "Not applied by the built-in engine: typical-p 0.19; TFS 0.95; top-a 0.2; mirostat 2 (tau 8, eta 0.1); smoothing factor 0.3 (curve 1)",
  );
});

test("sampler order is reported only where it changes the outcome", () => {
  const first = importSillyTavernPreset({ temp: 1.5, min_p: 0.1, top_k: 40, top_p: 1, temperature_last: false }, "p.json").samplers;
  assert.deepEqual(notAppliedSamplers(resolveSamplers(first)), [
    "sampler order (temperature before min-p; the engine runs top-k, top-p, min-p, XTC, temperature)",
  ]);
  // Temperature and top-k commute; temperature 1 changes nothing wherever it runs.
  assert.deepEqual(notAppliedSamplers(resolveSamplers({ ...first, minP: 0 })), []);
  assert.deepEqual(notAppliedSamplers(resolveSamplers({ ...first, temperature: 1 })), []);
});

test("bad values name the file and key; unknown sampler names are left out of the order, said", () => {
  assert.throws(() => importSillyTavernPreset({ ban_eos_token: 3 }, "p.json"), /p\.json: "ban_eos_token" must be true or false/);
  assert.throws(() => importSillyTavernPreset({ logit_bias: "x" }, "p.json"), /"logit_bias" must be a list/);
  const { samplers, notes } = importSillyTavernPreset({ samplers: ["min_p", "quantum", "temperature"] }, "p.json");
  assert.deepEqual(samplers.samplerOrder, ["min_p", "temperature"]);
  assert.deepEqual(notes, ['"samplers": "quantum" not known: left out of the order']);
  assert.throws(() => validateSamplers({ logitBias: [{ text: "a" }] as never }), /logit bias \[0\] must be/);
  assert.throws(() => validateSamplers({ samplerOrder: ["nope"] }), /sampler order must be a list of/);
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatSampler, samplerRows, stepSampler } from "../../../src/ui/panels/samplerPanel.ts";
import { defaultSamplers } from "../../../src/core/samplers/validate.ts";
import { createAppServices } from "../../../src/ui/app/createServices.ts";

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

test("sampler changes are saved as the chat's overrides and come back when it reopens", async () => {
  const home = await mkdtemp(join(tmpdir(), "taproom-samplers-"));
  const env = { TAPROOM_HOME: home };
  let app = await createAppServices({}, env);
  let chat = await app.services.openChat({ characterId: "Brindle" });
  chat.services.setSamplerOverrides?.({ temperature: 1.25 });
  chat.services.setSamplerOverrides?.({ minP: 0.1 });
  await app.close();
  app = await createAppServices({}, env);
  chat = await app.services.openChat({ characterId: "Brindle", chatId: chat.chatId });
  assert.equal(chat.samplers.temperature, 1.25);
  assert.equal(chat.samplers.minP, 0.1);
  chat.services.setPreset?.("Deterministic");
  await app.close();
  app = await createAppServices({}, env);
  chat = await app.services.openChat({ characterId: "Brindle", chatId: chat.chatId });
  assert.equal(chat.presetName, "Deterministic", "a preset replaces the overrides");
  assert.notEqual(chat.samplers.temperature, 1.25);
  await app.close();
});

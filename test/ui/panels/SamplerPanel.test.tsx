import { test } from "node:test";
import assert from "node:assert/strict";
import type { SamplerSettings } from "../../../src/core/samplers/types.ts";
import { builtInPresets } from "../../../src/core/samplers/presets.ts";
import { scriptedSession } from "../../support/fakeServices.ts";
import { mountChat } from "../../support/chatScreen.tsx";
import { until } from "../../support/frames.ts";

const wait = (ms = 100) => new Promise((r) => setTimeout(r, ms));


function mount() {
  const fake = scriptedSession([["Fine."]]);
  const overrides: Partial<SamplerSettings>[] = [];
  const presets: string[] = [];
  // The real session, watched: what the panel asks of it is recorded on the way through.
  const session = {
    ...fake.session,
    setSamplers: (change: Partial<SamplerSettings>) => (overrides.push(change), fake.session.setSamplers(change)),
    setPreset: (name: string) => (presets.push(name), fake.session.setPreset(name)),
  };
  const app = mountChat(session);
  return { app, fake, overrides, presets };
}

test("Alt+S: Up/Down pick a sampler, Left/Right change it live, each change saved with the chat", async () => {
  const { app, fake, overrides } = mount();
  await wait();
  app.stdin.write("\x1bs");
  await until(app.lastFrame, (f) => f.includes("> Temperature          0.80"), "the panel on temperature");
  const frame = app.lastFrame() ?? "";
  for (const row of ["Top-p", "Min-p", "Top-k", "Repetition penalty", "penalty range", "Frequency penalty", "Presence penalty", "DRY multiplier", "XTC probability", "Seed", "Max tokens"]) assert.match(frame, new RegExp(row));
  assert.ok(frame.split("\n").length <= 24, "fits 24 rows");
  app.stdin.write("\x1b[C");
  await wait();
  app.stdin.write("\x1b[C");
  await until(app.lastFrame, (f) => f.includes("> Temperature          0.90") && f.includes("temp 0.9 · ? help"), "temperature up two steps, in the status line too");
  app.stdin.write("\x1b[B");
  await wait();
  app.stdin.write("\x1b[B");
  await wait();
  app.stdin.write("-");
  await until(app.lastFrame, (f) => f.includes("> Min-p                0.04"), "min-p down");
  assert.deepEqual(overrides, [{ temperature: 0.85 }, { temperature: 0.9 }, { minP: 0.04 }]);
  app.stdin.write("\x1b");
  await wait();
  app.stdin.write("hi");
  await wait();
  app.stdin.write("\r");
  await until(app.lastFrame, (f) => f.includes("Fine."), "the reply");
  assert.equal(fake.requests[0]?.samplers.temperature, 0.9, "the next reply uses the changed values");
  assert.equal(fake.requests[0]?.samplers.minP, 0.04);
  app.unmount();
});

test("p in the sampler panel moves to the next preset and records it with the chat", async () => {
  const { app, presets } = mount();
  await wait();
  app.stdin.write("\x1bs");
  await wait();
  app.stdin.write("p");
  await until(app.lastFrame, (f) => f.includes(`Samplers · preset ${builtInPresets[0]!.name}`), "the first preset");
  app.stdin.write("p");
  await until(app.lastFrame, (f) => f.includes(`Samplers · preset ${builtInPresets[1]!.name}`), "the next preset");
  assert.deepEqual(presets, [builtInPresets[0]!.name, builtInPresets[1]!.name]);
  const t = builtInPresets[1]!.samplers.temperature;
  if (t !== undefined) assert.match(app.lastFrame() ?? "", new RegExp(`Temperature +${t.toFixed(2)}`));
  app.unmount();
});

test("Alt+P with the sampler panel open opens the prompt panel and leaves the preset alone", async () => {
  const { app, presets } = mount();
  await wait();
  app.stdin.write("\x1bs");
  await until(app.lastFrame, (f) => f.includes("> Temperature"), "the sampler panel");
  app.stdin.write("\x1bp");
  await until(app.lastFrame, (f) => f.includes("No reply yet: the panel shows the last turn's prompt"), "the prompt panel");
  assert.doesNotMatch(app.lastFrame() ?? "", /Temperature/);
  assert.deepEqual(presets, []);
  app.unmount();
});

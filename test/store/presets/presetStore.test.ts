import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PresetStore } from "../../../src/store/presets/presetStore.ts";

test("user presets are saved, replaced by name, listed after the shipped ones, and removed", async () => {
  const root = await mkdtemp(join(tmpdir(), "taproom-presets-"));
  const store = await PresetStore.open({ root });
  await store.save({ name: "Mine", samplers: { temperature: 0.6 } });
  await store.save({ name: "mine", description: "again", samplers: { temperature: 0.7, drySequenceBreakers: ["\n"] } });
  const again = await PresetStore.open({ root });
  assert.deepEqual(again.userPresets(), [{ name: "mine", description: "again", samplers: { temperature: 0.7, drySequenceBreakers: ["\n"] }, builtIn: false }]);
  assert.deepEqual(again.list().map((p) => p.name), ["Neutral", "Universal-Light", "Balanced", "Deterministic", "Creative", "mine"]);
  assert.equal(await again.remove("MINE"), true);
  assert.deepEqual((await PresetStore.open({ root })).userPresets(), []);
});

test("a presets file with a bad value is refused with the field named", async () => {
  const root = await mkdtemp(join(tmpdir(), "taproom-presets-"));
  await writeFile(join(root, "presets.json"), JSON.stringify({ presets: [{ name: "x", samplers: { temperature: "hot" } }] }));
  await assert.rejects(PresetStore.open({ root }), /presets\.json: presets\[0\]: samplers\.temperature must be a number/);
  const store = await PresetStore.open({ root: await mkdtemp(join(tmpdir(), "taproom-presets-")) });
  await assert.rejects(store.save({ name: "y", samplers: { warmth: 1 } as never }), /samplers\.warmth is not a sampler taproom knows/);
});

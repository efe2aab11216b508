import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SettingsStore, validateSettings } from "../../src/store/settings.ts";
import { cardScriptPermissionsOf, memorySettingsOf, reasoningSettingsOf } from "../../src/store/roleplaySettings.ts";
import { DEFAULT_MEMORY_SETTINGS } from "../../src/core/memory/index.ts";
import { DEFAULT_REASONING_SETTINGS } from "../../src/core/reasoning/index.ts";

test("reasoning and memory settings take SillyTavern's keys, defaults for what is left out; bad values name the field", () => {
  const settings = validateSettings({
    reasoning: { name: "Think XML", prefix: "<think>", suffix: "</think>", separator: "\n", add_to_prompts: true, max_additions: 2, some_future_key: 1 },
    memory: { position: "1", depth: 3, enabled: true },
    regexScripts: [{ scriptName: "x", findRegex: "/a/" }],
  }, "settings.json");
  assert.deepEqual(reasoningSettingsOf(settings), { ...DEFAULT_REASONING_SETTINGS, name: "Think XML", prefix: "<think>", suffix: "</think>", separator: "\n", add_to_prompts: true, max_additions: 2 });
  assert.deepEqual(memorySettingsOf(settings), { ...DEFAULT_MEMORY_SETTINGS, position: 1, depth: 3, enabled: true });
  assert.equal(settings.regexScripts?.length, 1);
  assert.deepEqual(cardScriptPermissionsOf(settings), { allowed: {}, declined: {} });
  assert.throws(() => validateSettings({ reasoning: { max_additions: -1 } }, "s.json"), /s\.json: "reasoning\.max_additions" must be a whole number from 0 to 1000/);
  assert.throws(() => validateSettings({ memory: { depth: 5000 } }, "s.json"), /s\.json: "memory\.depth" must be a whole number from 0 to 999/);
  assert.throws(() => validateSettings({ regexScripts: ["x"] }, "s.json"), /"regexScripts" must be a list of regex script objects/);
  assert.throws(() => validateSettings({ cardScripts: { allowed: { a: 1 } } }, "s.json"), /"cardScripts\.allowed" must map card ids to script fingerprints/);
});

test("a card allowed to run its scripts is remembered in the settings file", async () => {
  const path = join(await mkdtemp(join(tmpdir(), "taproom-settings-")), "settings.json");
  const store = await SettingsStore.open({ path });
  await store.update({ cardScripts: { allowed: { alice: "0011" }, declined: {} } });
  const again = await SettingsStore.open({ path });
  assert.deepEqual(cardScriptPermissionsOf(again.settings), { allowed: { alice: "0011" }, declined: {} });
});

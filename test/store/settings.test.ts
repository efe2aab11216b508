import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SettingsStore, validateSettings, defaultSettings } from "../../src/store/settings.ts";

async function settingsPath(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), "taproom-settings-")), "settings.json");
}

test("a missing settings file gives the defaults", async () => {
  const store = await SettingsStore.open({ path: await settingsPath() });
  assert.deepEqual(store.settings, defaultSettings);
});

test("settings are written, read back, and keys this version does not know are kept", async () => {
  const path = await settingsPath();
  await writeFile(path, JSON.stringify({ futureOption: { a: 1 }, modelFolders: ["/models"] }));
  const store = await SettingsStore.open({ path });
  await store.update({
    personas: [{ name: "Ann", description: "A traveller." }],
    defaultPersona: "Ann",
    defaultPreset: "Creative",
    modelsDir: "/m",
    keybindings: { regenerate: "ctrl+r" },
    lastModel: "tiny.gguf",
    lastCharacter: "Seraphina",
    preferUserSystemPrompt: true,
    globalLorebooks: ["Weather"],
    worldInfo: { scanDepth: 3 },
  });
  const again = await SettingsStore.open({ path });
  assert.deepEqual(again.settings, {
    personas: [{ name: "Ann", description: "A traveller." }],
    defaultPersona: "Ann",
    defaultPreset: "Creative",
    modelsDir: "/m",
    modelFolders: ["/models"],
    keybindings: { regenerate: "ctrl+r" },
    lastModel: "tiny.gguf",
    lastCharacter: "Seraphina",
    preferUserSystemPrompt: true,
    globalLorebooks: ["Weather"],
    worldInfo: { scanDepth: 3 },
  });
  assert.deepEqual(JSON.parse(await readFile(path, "utf8")).futureOption, { a: 1 });
  assert.deepEqual(again.personaFor(), { name: "Ann", description: "A traveller." });
  assert.deepEqual(again.personaFor({ personaName: "Nobody" }), { name: "Ann", description: "A traveller." });
  await again.update({ lastModel: undefined });
  assert.equal((await SettingsStore.open({ path })).settings.lastModel, undefined);
});

test("wrong types are refused with the file and field named", () => {
  assert.throws(() => validateSettings({ defaultPersona: 3 }, "s.json"), /s\.json: "defaultPersona" must be text/);
  assert.throws(() => validateSettings({ modelFolders: "/m" }, "s.json"), /s\.json: "modelFolders" must be a list of folder paths/);
  assert.throws(() => validateSettings({ keybindings: { quit: 1 } }, "s.json"), /"keybindings" must map action names to keys/);
  assert.throws(() => validateSettings({ personas: [{ name: "" }] }, "s.json"), /"personas\[0\]\.name" must be a non-empty text/);
  assert.throws(() => validateSettings({ preferUserSystemPrompt: "yes" }, "s.json"), /"preferUserSystemPrompt" must be true or false/);
  assert.throws(() => validateSettings([], "s.json"), /must be a JSON object/);
});

test("an update that would make the settings invalid writes nothing", async () => {
  const path = await settingsPath();
  const store = await SettingsStore.open({ path });
  await store.update({ defaultPreset: "Neutral" });
  await assert.rejects(store.update({ modelFolders: "nope" as never }), /"modelFolders" must be a list/);
  assert.deepEqual(JSON.parse(await readFile(path, "utf8")), { defaultPreset: "Neutral" });
  assert.equal(store.settings.defaultPreset, "Neutral");
});

test("a corrupt settings file is moved aside and reported", async () => {
  const path = await settingsPath();
  await writeFile(path, "{ nope");
  let backup = "";
  const store = await SettingsStore.open({ path, onCorrupt: (b) => (backup = b) });
  assert.deepEqual(store.settings, defaultSettings);
  assert.equal(await readFile(backup, "utf8"), "{ nope");
});

test("global lorebooks and World Info settings are read and checked field by field", async () => {
  const { validateSettings: check } = await import("../../src/store/settings.ts");
  const s = check({ globalLorebooks: ["Weather"], worldInfo: { scanDepth: 4, budgetPercent: 30, recursive: false } }, "s.json");
  assert.deepEqual(s.globalLorebooks, ["Weather"]);
  assert.deepEqual(s.worldInfo, { scanDepth: 4, budgetPercent: 30, recursive: false });
  assert.deepEqual(check({}, "s.json").worldInfo, {});
  assert.throws(() => check({ worldInfo: { scanDepth: -1 } }, "s.json"), /s\.json: "worldInfo\.scanDepth" must be a whole number from 0 to 1000/);
  assert.throws(() => check({ worldInfo: { recursive: "yes" } }, "s.json"), /"worldInfo\.recursive" must be true or false/);
  assert.throws(() => check({ worldInfo: { scandepth: 3 } }, "s.json"), /"worldInfo\.scandepth" is not a World Info setting/);
  assert.throws(() => check({ globalLorebooks: "Weather" }, "s.json"), /"globalLorebooks" must be a list of lorebook names/);
});

test("personas: the first saved becomes the default; replace by name; delete clears a deleted default", async () => {
  const path = await settingsPath();
  const store = await SettingsStore.open({ path });
  await store.savePersona({ name: "Ann", description: "A traveller." });
  await store.savePersona({ name: "Bryn", description: "A smith." });
  assert.equal(store.settings.defaultPersona, "Ann");
  await store.savePersona({ name: "ann", description: "A tired traveller." });
  assert.deepEqual(store.personas, [{ name: "ann", description: "A tired traveller." }, { name: "Bryn", description: "A smith." }]);
  await store.setDefaultPersona("BRYN");
  assert.equal(store.settings.defaultPersona, "Bryn");
  assert.deepEqual(store.personaFor({ personaName: "Ann" }), { name: "ann", description: "A tired traveller." });
  await assert.rejects(store.setDefaultPersona("Cato"), /no persona named "Cato" \(have: ann, Bryn\)/);
  await store.deletePersona("bryn");
  const again = await SettingsStore.open({ path });
  assert.deepEqual(again.personas, [{ name: "ann", description: "A tired traveller." }]);
  assert.equal(again.settings.defaultPersona, undefined);
  assert.deepEqual(again.personaFor(), { name: "ann", description: "A tired traveller." });
  await assert.rejects(again.deletePersona("Bryn"), /no persona named "Bryn"/);
});

test("the user's own system prompt and post-history instructions reach the prompt settings", async () => {
  const path = await settingsPath();
  const store = await SettingsStore.open({ path });
  assert.deepEqual(store.promptSettings(), { preferUserPrompts: false });
  await store.update({ systemPrompt: "Write {{char}}'s reply.", postHistoryInstructions: "Stay in character.", preferUserSystemPrompt: true });
  assert.deepEqual((await SettingsStore.open({ path })).promptSettings(), {
    systemPrompt: "Write {{char}}'s reply.",
    postHistoryInstructions: "Stay in character.",
    preferUserPrompts: true,
  });
  assert.throws(() => validateSettings({ systemPrompt: 1 }, "s.json"), /"systemPrompt" must be text/);
});

test("the prompt cache settings are checked one field at a time, and left out keep the defaults", async () => {
  const { promptCacheSettings } = await import("../../src/store/settings.ts");
  const settings = validateSettings({ promptCache: { maxChatMiB: 512, contextShift: false, splice: false } }, "s.json");
  assert.deepEqual(promptCacheSettings(settings), { saveState: true, maxChatMiB: 512, maxTotalMiB: 6144, contextShift: false, splice: false });
  assert.deepEqual(promptCacheSettings(validateSettings({}, "s.json")), { saveState: true, maxChatMiB: 2048, maxTotalMiB: 6144, contextShift: true, splice: true });
  assert.throws(() => validateSettings({ promptCache: { splice: 1 } }, "s.json"), /"promptCache\.splice" must be true or false/);
  assert.throws(() => validateSettings({ promptCache: { maxTotalMiB: -1 } }, "s.json"), /s\.json: "promptCache\.maxTotalMiB" must be a whole number of MiB/);
  assert.throws(() => validateSettings({ promptCache: { saveState: "yes" } }, "s.json"), /"promptCache\.saveState" must be true or false/);
  assert.throws(() => validateSettings({ promptCache: { size: 1 } }, "s.json"), /"promptCache\.size" is not a prompt cache setting/);
});

test("the remembered server: an http(s) address and an API name; a key or an unknown field is refused with the field named", () => {
  assert.deepEqual(validateSettings({ backend: { url: "http://10.0.0.5:5001", api: "koboldcpp" } }, "s.json").backend, { url: "http://10.0.0.5:5001", api: "koboldcpp" });
  assert.deepEqual(validateSettings({ backend: { url: "https://h/x", api: "openai", model: "m" } }, "s.json").backend, { url: "https://h/x", api: "openai", model: "m" });
  assert.equal(validateSettings({ backend: null }, "s.json").backend, undefined);
  assert.equal(validateSettings({ backend: { url: "http://h", api: "ollama", tokenizer: "/m/a.gguf" } }, "s.json").backend?.tokenizer, "/m/a.gguf");
  assert.throws(() => validateSettings({ backend: { url: "http://h", api: "ollama", tokenizer: 3 } }, "s.json"), /"backend\.tokenizer" must be a GGUF path/);
  assert.throws(() => validateSettings({ backend: "http://h" }, "s.json"), /s\.json: "backend" must be an object with url and api/);
  assert.throws(() => validateSettings({ backend: { url: "ftp://h", api: "openai" } }, "s.json"), /"backend\.url" must be an http:\/\/ or https:\/\/ address/);
  assert.throws(() => validateSettings({ backend: { url: "http://h", api: "" } }, "s.json"), /"backend\.api" must name what the server speaks/);
  assert.throws(() => validateSettings({ backend: { url: "http://h", api: "openai", apiKey: "k" } }, "s.json"), /"backend\.apiKey" is not a backend setting .*secrets\.json/);
});

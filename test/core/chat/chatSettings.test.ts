import { test } from "node:test";
import assert from "node:assert/strict";
import {
  attachLorebook,
  choosePreset,
  detachLorebook,
  overrideSamplers,
  setAuthorsNote,
  setChatPersona,
  setInstructTemplate,
  setNamesInPrompt,
} from "../../../src/core/chat/chatSettings.ts";
import { createChat, updateSettings } from "../../../src/core/chat/operations.ts";
import { testCharacter, testEnv } from "../../support/chatFixtures.ts";

function started() {
  const env = testEnv();
  return { env, chat: createChat({ character: testCharacter(), characterId: "s.png", env }) };
}

test("lorebooks attach once (any case) and detach; detaching an unattached one says what is attached", () => {
  const { env, chat } = started();
  let c = attachLorebook(attachLorebook(chat, "Forest", env), " Town ", env);
  assert.equal(attachLorebook(c, "forest", env), c, "already attached: the chat is unchanged");
  assert.deepEqual(c.settings.lorebooks, ["Forest", "Town"]);
  c = detachLorebook(c, "FOREST", env);
  assert.deepEqual(c.settings.lorebooks, ["Town"]);
  assert.throws(() => detachLorebook(c, "Sea", env), /lorebook "Sea" is not attached to this chat \(attached: Town\)/);
  assert.equal("lorebooks" in detachLorebook(c, "Town", env).settings, false);
  assert.throws(() => attachLorebook(chat, "  ", env), /cannot be empty/);
});

test("the instruct template is stored by its canonical name; auto goes back to the model's own; unknown is refused", () => {
  const { env, chat } = started();
  const c = setInstructTemplate(chat, "Llama-3", env);
  assert.equal(c.settings.instructTemplate, "llama3");
  assert.equal("instructTemplate" in setInstructTemplate(c, "auto", env).settings, false);
  assert.equal(setNamesInPrompt(chat, false, env).settings.names, false);
  assert.equal("names" in setNamesInPrompt(setNamesInPrompt(chat, false, env), undefined, env).settings, false);
  assert.throws(() => setInstructTemplate(chat, "phi9", env), /unknown instruct template "phi9" \(known: chatml, llama3/);
});

test("persona per chat, sampler overrides merged and checked, a preset replaces the overrides", () => {
  const { env, chat } = started();
  assert.equal(setChatPersona(chat, " Ann ", env).settings.personaName, "Ann");
  assert.equal("personaName" in setChatPersona(setChatPersona(chat, "Ann", env), undefined, env).settings, false);
  let c = overrideSamplers(chat, { temperature: 0.7, minP: 0.1 }, env);
  c = overrideSamplers(c, { minP: undefined, dryMultiplier: 0.8 }, env);
  assert.deepEqual(c.settings.samplers, { temperature: 0.7, dryMultiplier: 0.8 });
  assert.throws(() => overrideSamplers(c, { topP: 2 }, env), /top-p must be between 0 and 1, got 2/);
  c = choosePreset(c, "Creative", env);
  assert.deepEqual(c.settings, { presetName: "Creative" });
  assert.deepEqual(choosePreset(c, undefined, env).settings, {});
});

test("the author's note keeps its depth, frequency and role when only the text changes; an empty text removes it", () => {
  const { env, chat } = started();
  let c = setAuthorsNote(chat, { text: "Keep it short." }, env);
  assert.deepEqual(c.settings.authorsNote, { text: "Keep it short.", depth: 4, frequency: 1, role: "system" });
  c = setAuthorsNote(c, { text: "Rain.", depth: 2, frequency: 3, role: "user" }, env);
  c = setAuthorsNote(c, { text: "Snow." }, env);
  assert.deepEqual(c.settings.authorsNote, { text: "Snow.", depth: 2, frequency: 3, role: "user" });
  assert.throws(() => setAuthorsNote(c, { text: "x", depth: -1 }, env), /depth must be a whole number of at least 0, got -1/);
  assert.equal("authorsNote" in setAuthorsNote(c, { text: " " }, env).settings, false);
  assert.deepEqual(updateSettings(chat, {}, env).settings, {});
});

test("a chat can take an imported template by its name; an unknown one lists the imported ones too", async () => {
  const { setInstructTemplate } = await import("../../../src/core/chat/chatSettings.ts");
  const { getTemplate } = await import("../../../src/core/prompt/templates.ts");
  const { createChat, systemChatEnv } = await import("../../../src/core/chat/operations.ts");
  const { card } = await import("../prompt/fixture.ts");
  const imported = [{ ...getTemplate("chatml"), name: "ChatML (2)", label: "ChatML (2)" }];
  const chat = createChat({ character: card(), characterId: "c", env: systemChatEnv });
  assert.equal(setInstructTemplate(chat, "chatml (2)", systemChatEnv, imported).settings.instructTemplate, "ChatML (2)");
  assert.throws(() => setInstructTemplate(chat, "house", systemChatEnv, imported), /known: chatml, .*plain, ChatML \(2\)/);
});

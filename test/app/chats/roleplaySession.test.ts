import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { answerCardRegex, chatRoleplay } from "../../../src/app/chats/roleplay.ts";
import { DEFAULT_MEMORY_SETTINGS } from "../../../src/core/memory/settings.ts";
import { directRegexFinder } from "../../../src/core/regexScripts/finder.ts";
import { readRegexScripts } from "../../../src/core/regexScripts/script.ts";
import { SettingsStore } from "../../../src/store/settings.ts";
import { said } from "../../support/seedChat.ts";
import { scriptedSession, testRoleplay } from "../../support/fakeServices.ts";

const script = (over: Record<string, unknown>) => ({ id: "s1", scriptName: "Stars", findRegex: "/\\*(.+?)\\*/g", replaceString: "«$1»", placement: [2], disabled: false, markdownOnly: false, promptOnly: false, runOnEdit: true, substituteRegex: 0, minDepth: null, maxDepth: null, trimStrings: [], ...over });

test("a reply's reasoning streams apart from its text, comes back with the outcome and is kept on the swipe", async () => {
  const fake = scriptedSession([["Hi, Bryn."]], { thoughts: [["Wave ", "first."]], messages: [said("g", "assistant", "Welcome.", "Mira")] });
  const thoughts: string[] = [];
  const texts: string[] = [];
  const outcome = await fake.session.play({ mode: "reply", text: "Hello", onReasoning: (r) => thoughts.push(r), onText: (t) => texts.push(t) });
  assert.deepEqual(thoughts, ["Wave ", "Wave first."], "the reasoning so far, whole, each time");
  assert.ok(texts.every((t) => !t.includes("Wave")), "never in the reply's text");
  assert.equal(outcome.text, "Hi, Bryn.");
  assert.equal(outcome.reasoning?.text, "Wave first.");
  assert.equal(outcome.chat.messages.at(-1)?.swipes[0]?.reasoning?.text, "Wave first.");
});

test("the summary updates by itself once enough messages came since the last, and can be written on demand and edited", async () => {
  const memory = { ...DEFAULT_MEMORY_SETTINGS, enabled: true, promptInterval: 4 };
  const fake = scriptedSession([["One."], ["Two."]], { roleplay: testRoleplay({ memory }), messages: [said("g", "assistant", "Welcome.", "Mira"), said("u", "user", "Evening.")] });
  const first = await fake.session.play({ mode: "reply", text: "Hi" });
  assert.equal(first.summary?.written, true, "4 messages and no summary: due");
  assert.equal(first.chat.messages[2]?.memory, "Summary of 4 messages", "on the message before the last, as SillyTavern keeps it");
  assert.deepEqual(fake.session.summary(), { text: "Summary of 4 messages", index: 2 });
  const second = await fake.session.play({ mode: "reply", text: "Again" });
  assert.equal(second.summary, undefined, "3 of 4 messages since the last summary: not due");
  const forced = await fake.session.summarize();
  assert.equal(forced.written, true);
  assert.equal(fake.session.summary().text, "Summary of 6 messages");
  fake.session.setSummary("  Mira met Bryn at the inn.  ");
  assert.equal(fake.session.summary().text, "Mira met Bryn at the inn.");
  assert.equal(fake.saved.at(-1)?.messages[4]?.memory, "Mira met Bryn at the inn.", "saved");
});

test("display-only scripts change what a message shows, never what is stored", () => {
  const scripts = readRegexScripts([script({ markdownOnly: true })], "test").scripts;
  const fake = scriptedSession([], { roleplay: testRoleplay({ regex: { scripts, finder: directRegexFinder } }), messages: [said("a", "assistant", "She *smiles*.", "Mira")] });
  assert.equal(fake.session.display(0).text, "She «smiles».");
  assert.equal(fake.session.chat().messages[0]?.swipes[0]?.text, "She *smiles*.");
});

test("a card's scripts run only once allowed, and are asked about again when they change", async () => {
  const dir = await mkdtemp(join(tmpdir(), "taproom-roleplay-"));
  const settings = await SettingsStore.open({ path: join(dir, "settings.json") });
  const card = { id: "mira", extensions: { regex_scripts: [script({})] } };
  const before = chatRoleplay(settings, card);
  assert.deepEqual([before.cardScripts, before.cardScriptCount, before.regex.scripts.length], ["ask", 1, 0]);
  const allowed = await answerCardRegex(settings, card, true);
  assert.deepEqual([allowed.cardScripts, allowed.regex.scripts.map((s) => s.scriptName)], ["allowed", ["Stars"]]);
  const reopened = await SettingsStore.open({ path: join(dir, "settings.json") });
  assert.equal(chatRoleplay(reopened, card).cardScripts, "allowed", "kept in settings.json");
  const changed = { id: "mira", extensions: { regex_scripts: [script({ replaceString: "$1" })] } };
  assert.equal(chatRoleplay(reopened, changed).cardScripts, "ask");
  const declined = await answerCardRegex(reopened, changed, false);
  assert.deepEqual([declined.cardScripts, declined.regex.scripts.length], ["declined", 0]);
});

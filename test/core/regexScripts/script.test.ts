import { test } from "node:test";
import assert from "node:assert/strict";
import {
  answerCardScripts, cardRegexScripts, cardScriptsState, describeScript, forgetCardScripts, noPermissions, readRegexScripts, scriptsForChat,
} from "../../../src/core/regexScripts/index.ts";

/** The example script of the spec (B.1), as SillyTavern exports it. */
const statusScript = {
  id: "5b7a3f0e-2f3c-4a6e-9a51-0c7d2b1e9f44", scriptName: "Strip status block from old messages", findRegex: "/<status>[\\s\\S]*?<\\/status>\\s*/g",
  replaceString: "", trimStrings: [], placement: [2], disabled: false, markdownOnly: false, promptOnly: true, runOnEdit: false,
  substituteRegex: 0, minDepth: 2, maxDepth: null,
};

test("a SillyTavern script export reads as one script with every field; an array reads as many", () => {
  const one = readRegexScripts(statusScript, "status.json");
  assert.deepEqual(one.problems, []);
  assert.deepEqual(one.scripts, [{ ...statusScript, maxDepth: null }]);
  assert.equal(readRegexScripts([statusScript, statusScript], "list.json").scripts.length, 2);
});

test("scripts from strangers are read leniently: fields left out take SillyTavern's runtime meaning, wrong types skip the script by name", () => {
  const read = readRegexScripts([
    { scriptName: "bare", findRegex: "/x/" },
    { scriptName: "bad", findRegex: 42 },
    { scriptName: "bad place", findRegex: "/x/", placement: "2" },
    "not a script",
    { findRegex: "/y/", substituteRegex: "sometimes", minDepth: "2", maxDepth: "" },
  ], "extensions.regex_scripts");
  assert.deepEqual(read.scripts.map((s) => [s.scriptName, s.placement, s.runOnEdit, s.markdownOnly, s.trimStrings, s.replaceString]), [
    ["bare", [], false, false, [], ""],
    ["", [], false, false, [], ""],
  ]);
  assert.equal(read.scripts[1]!.minDepth, 2, "numeric text counts as a depth, as ST compares it");
  assert.equal(read.scripts[1]!.maxDepth, null);
  assert.ok(Number.isNaN(read.scripts[1]!.substituteRegex));
  assert.deepEqual(read.problems.map((p) => `${p.where}: ${p.message}${p.skipped ? " (skipped)" : ""}`), [
    'extensions.regex_scripts[1] "bad": findRegex must be text (found a number) (skipped)',
    'extensions.regex_scripts[2] "bad place": placement must be a list of numbers (skipped)',
    "extensions.regex_scripts[3]: is not a script object (skipped)",
    "extensions.regex_scripts[4]: has no scriptName",
    'extensions.regex_scripts[4]: substituteRegex "sometimes" is not 0, 1 or 2: the pattern is used without macros',
  ]);
});

test("global scripts are migrated as SillyTavern does on load: placement 0 and the legacy 4", () => {
  const { scripts } = readRegexScripts([
    { scriptName: "md", findRegex: "/a/", placement: [0] },
    { scriptName: "md+ai", findRegex: "/a/", placement: [0, 2] },
    { scriptName: "sendas", findRegex: "/a/", placement: [4] },
    { scriptName: "sendas+ai", findRegex: "/a/", placement: [2, 4] },
  ], "regexScripts", { global: true });
  assert.deepEqual(scripts.map((s) => [s.placement, s.markdownOnly, s.promptOnly]), [
    [[1, 2, 3, 5, 6], true, true],
    [[2], true, true],
    [[3], false, false],
    [[2], false, false],
  ]);
});

test("a card's scripts: notes for a world-info script that is not prompt-only, and one line each for card show", () => {
  const read = cardRegexScripts({ regex_scripts: [statusScript, { scriptName: "wi", findRegex: "/a/", placement: [5] }] });
  assert.equal(read.scripts.length, 2);
  assert.deepEqual(read.problems.map((p) => p.message), [
    "runs on world info but is not prompt-only: world info only passes through prompt-only scripts (SillyTavern 2025; 2024 also ran it)",
  ]);
  assert.equal(describeScript(read.scripts[0]!), 'Strip status block from old messages: /<status>[\\s\\S]*?<\\/status>\\s*/g → "" (AI output; prompt only, min depth 2)');
});

test("a card's scripts run only once allowed; an answer holds for these scripts only, and goes with a deleted card", () => {
  const card = { regex_scripts: [statusScript] };
  assert.equal(cardScriptsState(noPermissions, "alice", {}), "none");
  assert.equal(cardScriptsState(noPermissions, "alice", card), "ask");
  const global = [{ scriptName: "g", findRegex: "/g/", placement: [2] }];
  assert.deepEqual(scriptsForChat({ global, cardId: "alice", extensions: card, permissions: noPermissions }).scripts.map((s) => s.scriptName), ["g"]);
  const allowed = answerCardScripts(noPermissions, "alice", card, true);
  assert.equal(cardScriptsState(allowed, "alice", card), "allowed");
  const chat = scriptsForChat({ global, cardId: "alice", extensions: card, permissions: allowed });
  assert.deepEqual(chat.scripts.map((s) => s.scriptName), ["g", "Strip status block from old messages"], "global first, then the card's");
  assert.equal(chat.cardScriptCount, 1);
  const changed = { regex_scripts: [{ ...statusScript, replaceString: "<evil>" }] };
  assert.equal(cardScriptsState(allowed, "alice", changed), "ask", "changed scripts are asked about again");
  const declined = answerCardScripts(allowed, "alice", card, false);
  assert.equal(cardScriptsState(declined, "alice", card), "declined");
  assert.deepEqual(forgetCardScripts(allowed, "alice"), noPermissions);
});

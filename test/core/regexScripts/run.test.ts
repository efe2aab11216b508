import { test } from "node:test";
import assert from "node:assert/strict";
import {
  applyRegexScripts, compilePattern, directRegexFinder, readRegexScript, RegexPlacement, RegexProblemLog, type RegexRunContext, type RegexScript,
} from "../../../src/core/regexScripts/index.ts";
import { expandMacros, type MacroEnv } from "../../../src/core/prompt/macros.ts";

function env(user = "Sam"): MacroEnv {
  return { char: "Alice", user, now: () => new Date(0), random: () => 0, chatId: "c", variables: {} };
}

function context(user?: string, log?: RegexProblemLog): RegexRunContext {
  const e = env(user);
  return { finder: directRegexFinder, expand: (t, char) => expandMacros(t, char === undefined ? e : { ...e, char }), ...(log && { report: log.report }) };
}

function script(fields: Record<string, unknown>): RegexScript {
  const { script } = readRegexScript({ scriptName: "s", placement: [2], replaceString: "", ...fields }, "test");
  assert.ok(script);
  return script;
}

const stored = (scripts: RegexScript[], text: string, placement: number = RegexPlacement.AI_OUTPUT, user?: string) =>
  applyRegexScripts(scripts, text, placement, {}, context(user));

test("B.7.1: a global AI-output script changes the stored reply; $1 is the capture group and /gi matches every case", () => {
  const s = script({ findRegex: "/(\\w+) smiles/gi", replaceString: "$1 grins" });
  assert.equal(stored([s], "Alice smiles. Bob SMILES."), "Alice grins. Bob grins.");
  assert.equal(stored([s], "Alice smiles.", RegexPlacement.USER_INPUT), "Alice smiles.", "not placed on user input");
});

test("B.7.2: {{match}} is the whole match, and trim strings are cut from it before it goes in", () => {
  const s = script({ findRegex: "/\\[OOC:.*?\\]/g", replaceString: "({{match}})", trimStrings: ["[OOC:", "]"] });
  assert.equal(stored([s], "[OOC: brb] hi"), "( brb) hi");
});

test("B.7.3: macros in the find pattern: none, raw, escaped", () => {
  const base = { findRegex: "/{{user}}/g", replaceString: "[you]" };
  assert.equal(stored([script({ ...base, substituteRegex: 1 })], "SamXB and Sam.B", 2, "Sam.B"), "[you] and [you]");
  assert.equal(stored([script({ ...base, substituteRegex: 2 })], "SamXB and Sam.B", 2, "Sam.B"), "SamXB and [you]");
  assert.equal(stored([script({ ...base, substituteRegex: 0 })], "SamXB and Sam.B", 2, "Sam.B"), "SamXB and Sam.B");
  assert.equal(stored([script({ ...base, substituteRegex: true })], "Sam.B", 2, "Sam.B"), "[you]", "SillyTavern 2024's boolean true is raw");
});

test("B.7.4 and B.7.5: without g only the first match; named groups; a group that did not match is empty", () => {
  assert.equal(stored([script({ findRegex: "/a/", replaceString: "b" })], "aaa"), "baa");
  assert.equal(stored([script({ findRegex: "/(?<who>\\w+) says/g", replaceString: "$<who>:" })], "Bob says hi"), "Bob: hi");
  assert.equal(stored([script({ findRegex: "/(x)|(y)/g", replaceString: "[$1$2$3]" })], "xy"), "[x][y]");
  assert.equal(stored([script({ findRegex: "/o/g", replaceString: "$& $$" })], "o"), "$& $$", "JS's own $& and $$ are not interpreted");
});

test("B.7.6 and B.7.7: prompt-only and display-only scripts leave the stored text alone and run only where asked, within their depths", () => {
  const promptOnly = script({ findRegex: "/<status>[\\s\\S]*?<\\/status>\\s*/g", promptOnly: true, minDepth: 2 });
  const text = "Hi.<status>hp 3</status>";
  assert.equal(stored([promptOnly], text), text, "stored as written");
  const prompt = (depth: number) => applyRegexScripts([promptOnly], text, 2, { isPrompt: true, depth }, context());
  assert.equal(prompt(0), text);
  assert.equal(prompt(1), text);
  assert.equal(prompt(2), "Hi.");
  assert.equal(applyRegexScripts([promptOnly], text, 2, { isMarkdown: true, depth: 5 }, context()), text, "not on the display");
  const displayOnly = script({ findRegex: "/\\bdamn\\b/gi", replaceString: "d***", markdownOnly: true });
  assert.equal(stored([displayOnly], "damn it"), "damn it");
  assert.equal(applyRegexScripts([displayOnly], "Damn it", 2, { isMarkdown: true }, context()), "d*** it");
  assert.equal(applyRegexScripts([displayOnly], "damn it", 2, { isPrompt: true }, context()), "damn it");
  const maxed = script({ findRegex: "/x/", replaceString: "y", promptOnly: true, maxDepth: 1 });
  assert.equal(applyRegexScripts([maxed], "x", 2, { isPrompt: true, depth: 2 }, context()), "x");
  assert.equal(applyRegexScripts([maxed], "x", 2, { isPrompt: true }, context()), "y", "without a depth the limits do not apply");
});

test("SillyTavern 2025: a script with neither flag runs only when the text is stored, not in the prompt or display", () => {
  const plain = script({ findRegex: "/a/g", replaceString: "b" });
  assert.equal(applyRegexScripts([plain], "aa", 2, { isPrompt: true }, context()), "aa");
  assert.equal(applyRegexScripts([plain], "aa", 2, { isMarkdown: true }, context()), "aa");
  const both = script({ findRegex: "/a/g", replaceString: "b", promptOnly: true, markdownOnly: true });
  assert.equal(applyRegexScripts([both], "aa", 2, { isPrompt: true }, context()), "bb");
  assert.equal(applyRegexScripts([both], "aa", 2, { isMarkdown: true }, context()), "bb");
  assert.equal(applyRegexScripts([both], "aa", 2, {}, context()), "aa");
});

test("B.7.8: trim strings take {{char}} as the message's author; the replacement's {{char}} is the chat's character", () => {
  const s = script({ findRegex: "/^(.*)$/", replaceString: "$1 ({{char}} nods)", trimStrings: ["{{char}}: "], markdownOnly: true });
  assert.equal(applyRegexScripts([s], "Bob: hi", 2, { isMarkdown: true, characterOverride: "Bob" }, context()), "hi (Alice nods)");
});

test("B.7.9 and B.7.10: world info and reasoning placements", () => {
  const wi = script({ findRegex: "/30/", replaceString: "thirty", placement: [5], promptOnly: true });
  assert.equal(applyRegexScripts([wi], "Alice is 30.", RegexPlacement.WORLD_INFO, { isPrompt: true }, context()), "Alice is thirty.");
  const reasoning = script({ findRegex: "/^Okay, so /", placement: [6] });
  assert.equal(stored([reasoning], "Okay, so the user…", RegexPlacement.REASONING), "the user…");
});

test("scripts run in order, each on the previous one's output; disabled and edit-shy scripts are skipped", () => {
  const a = script({ findRegex: "/cat/g", replaceString: "dog" });
  const b = script({ findRegex: "/dog/g", replaceString: "wolf" });
  assert.equal(stored([a, b], "cat"), "wolf");
  assert.equal(stored([{ ...a, disabled: true }, b], "cat"), "cat");
  assert.equal(applyRegexScripts([a], "cat", 2, { isEdit: true }, context()), "cat", "runOnEdit is off");
  assert.equal(applyRegexScripts([{ ...a, runOnEdit: true }], "cat", 2, { isEdit: true }, context()), "dog");
});

test("a pattern that does not compile, or that the finder refuses, leaves the text unchanged and is reported once", () => {
  const log = new RegexProblemLog();
  const broken = script({ scriptName: "broken", findRegex: "/(unclosed/g", replaceString: "x" });
  assert.equal(applyRegexScripts([broken], "(unclosed", 2, {}, context(undefined, log)), "(unclosed");
  applyRegexScripts([broken], "(unclosed", 2, {}, context(undefined, log));
  assert.deepEqual(log.take(), ['regex script "broken" skipped: its find pattern does not compile']);
  const refusing: RegexRunContext = { ...context(undefined, log), finder: { find: () => ({ refused: "stopped after 250 ms" }) } };
  assert.equal(applyRegexScripts([script({ scriptName: "slow", findRegex: "/a/" })], "a", 2, {}, refusing), "a");
  assert.deepEqual(log.take(), ['regex script "slow" skipped: stopped after 250 ms']);
});

test("regexFromString: /pattern/flags, bare patterns, and flags it does not know", () => {
  assert.deepEqual(compilePattern("/abc/gi"), { source: "abc", flags: "gi" });
  assert.deepEqual(compilePattern("abc"), { source: "abc", flags: "" });
  assert.deepEqual(compilePattern("/a/gg"), { source: "\\/a\\/gg", flags: "" }, "a repeated flag: the whole text is the pattern");
  assert.equal(compilePattern("/(/"), undefined);
  assert.deepEqual(compilePattern("/a/g\nsecond line"), { source: "a", flags: "g" }, "only the first line counts");
});

test("display: display-only scripts by the message's author and depth among the visible messages; hidden ones are shown as stored", async () => {
  const { displayMessage } = await import("../../../src/core/regexScripts/index.ts");
  const scripts = [
    script({ findRegex: "/damn/g", replaceString: "d***", markdownOnly: true, placement: [1, 2], maxDepth: 1 }),
    script({ findRegex: "/^(.*)$/", replaceString: "[$1]", markdownOnly: true, placement: [6] }),
  ];
  const run = (text: string, placement: number, call: Parameters<typeof applyRegexScripts>[3]) => applyRegexScripts(scripts, text, placement, call, context());
  const m = (id: string, role: "user" | "assistant", text: string, extra: object = {}) => ({ id, role, name: role === "user" ? "Sam" : "Alice", swipes: [{ text, sentAt: "", reasoning: { text: "think" } }], swipeIndex: 0, ...extra });
  const messages = [m("1", "assistant", "damn"), m("2", "user", "damn"), m("3", "user", "damn", { hidden: true }), m("4", "assistant", "damn")];
  assert.deepEqual([0, 1, 2, 3].map((i) => displayMessage(messages, i, run).text), ["damn", "d***", "damn", "d***"]);
  assert.equal(displayMessage(messages, 3, run).reasoning, "[think]");
  assert.equal(messages[3]!.swipes[0]!.text, "damn");
});

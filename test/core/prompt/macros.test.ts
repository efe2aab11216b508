import { test } from "node:test";
import assert from "node:assert/strict";
import { expandMacros, humanizeDuration, type MacroEnv } from "../../../src/core/prompt/macros.ts";

function env(overrides: Partial<MacroEnv> = {}): MacroEnv {
  return {
    char: "Seraphina",
    user: "Ann",
    persona: "A traveller named {{user}}.",
    description: "Guardian of {{user}}'s forest.",
    personality: "kind",
    scenario: "{{user}} wakes up.",
    mesExamples: "<START>\n{{char}}: Hi",
    lastMessage: "Where am I?",
    // Tuesday 24 November 2026, 15:05 UTC
    now: () => new Date("2026-11-24T15:05:00Z"),
    timeZone: "UTC",
    random: () => 0.5,
    chatId: "chat-1",
    variables: {},
    ...overrides,
  };
}

test("names: {{char}} {{user}} and legacy <USER> <BOT>", () => {
  assert.equal(expandMacros("{{char}} greets {{user}}; <BOT> and <USER>; {{Char}}", env()), "Seraphina greets Ann; Seraphina and Ann; Seraphina");
});

test("card fields expand, including the macros inside them", () => {
  const e = env();
  assert.equal(expandMacros("{{description}}", e), "Guardian of Ann's forest.");
  assert.equal(expandMacros("{{personality}}", e), "kind");
  assert.equal(expandMacros("{{scenario}}", e), "Ann wakes up.");
  assert.equal(expandMacros("{{persona}}", e), "A traveller named Ann.");
  assert.equal(expandMacros("{{mesExamples}}", e), "<START>\nSeraphina: Hi");
});

test("time, date and weekday come from the injected clock", () => {
  assert.equal(expandMacros("{{time}} on {{weekday}}, {{date}}", env()), "3:05 PM on Tuesday, November 24, 2026");
});

test("{{random}} in both spellings uses the injected randomness", () => {
  assert.equal(expandMacros("{{random:a,b,c}}", env({ random: () => 0 })), "a");
  assert.equal(expandMacros("{{random:a,b,c}}", env({ random: () => 0.99 })), "c");
  assert.equal(expandMacros("{{random::x, y::z}}", env({ random: () => 0.1 })), "x, y");
  assert.equal(expandMacros("{{random::x, y::z}}", env({ random: () => 0.9 })), "z");
});

test("{{pick}} is stable for a chat and place, whatever the randomness", () => {
  const text = "{{pick::red::green::blue::black::white}}";
  const first = expandMacros(text, env({ random: () => 0 }));
  assert.equal(expandMacros(text, env({ random: () => 0.99 })), first);
  const seen = new Set<string>();
  for (let i = 0; i < 40; i++) seen.add(expandMacros(text, env({ chatId: `chat-${i}` })));
  assert.ok(seen.size > 1, "different chats pick differently");
  assert.ok([...seen].every((v) => ["red", "green", "blue", "black", "white"].includes(v)));
});

test("{{roll}} rolls dice with the injected randomness", () => {
  assert.equal(expandMacros("{{roll:d20}}", env({ random: () => 0 })), "1");
  assert.equal(expandMacros("{{roll:d20}}", env({ random: () => 0.999 })), "20");
  assert.equal(expandMacros("{{roll:2d6+1}}", env({ random: () => 0.999 })), "13");
  assert.equal(expandMacros("{{roll 2d6+1}}", env({ random: () => 0 })), "3");
  assert.equal(expandMacros("{{roll:20}}", env({ random: () => 0.5 })), "11");
});

test("{{newline}}, {{trim}} and comments", () => {
  assert.equal(expandMacros("a{{newline}}b", env()), "a\nb");
  assert.equal(expandMacros("a\n\n{{trim}}\nb", env()), "ab");
  assert.equal(expandMacros("a{{// a note for the author }}b", env()), "ab");
});

test("{{lastMessage}} and {{idle_duration}}", () => {
  const e = env({ lastUserMessageAt: new Date("2026-11-24T13:00:00Z") });
  assert.equal(expandMacros("{{lastMessage}} after {{idle_duration}}", e), "Where am I? after 2 hours");
  assert.equal(humanizeDuration(10_000), "a few seconds");
  assert.equal(humanizeDuration(5 * 60_000), "5 minutes");
  assert.equal(humanizeDuration(3 * 86_400_000), "3 days");
});

test("{{setvar}} and {{getvar}} read and write the chat's variables in order", () => {
  const e = env({ variables: { mood: "calm" } });
  assert.equal(expandMacros("{{getvar::mood}}|{{setvar::mood::angry}}|{{getvar::mood}}|{{getvar::none}}", e), "calm||angry|");
  assert.deepEqual(e.variables, { mood: "angry" });
});

test("unknown macros are left as written", () => {
  assert.equal(expandMacros("{{unknown}} {{char}} {{roll:banana}} {{ }}", env()), "{{unknown}} Seraphina {{roll:banana}} {{ }}");
});

test("{{outlet::name}}: the outlet's text with its macros expanded; an unknown outlet, or none given, is empty", () => {
  const outlets = new Map([["scene", "{{setvar::seen::yes}}Rain over {{char}}."]]);
  const e = env({ outlets });
  assert.equal(expandMacros("<{{outlet::scene}}> <{{outlet::Scene}}> <{{outlet::moor}}>", e), "<Rain over Seraphina.> <> <>");
  assert.equal(e.variables.seen, "yes", "macros in outlet text run once, on the chat's variables");
  assert.equal(expandMacros("<{{outlet::scene}}>", env()), "<>", "where no lore was activated (a greeting on screen) it is empty too");
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { buildPrompt, getTemplate, withNames } from "../../../src/core/prompt/index.ts";
import type { ChatMessage } from "../../../src/core/chat/types.ts";
import type { LoreInsertion } from "../../../src/core/lorebook/insertion.ts";
import { explainReuse, reuseSummary, type ReuseFacts } from "../../../src/core/promptCache/explain.ts";
import { promptLayout, volatileMacros, type PromptLayout } from "../../../src/core/promptCache/layout.ts";
import { card, message, persona } from "../prompt/fixture.ts";

const chars = (s: string) => s.length;

function chat(turns: number): ChatMessage[] {
  const list: ChatMessage[] = [];
  for (let i = 0; i < turns; i++) {
    list.push(message(2 * i, "user", "Ann", `Question ${i}: what lies beyond the tree?`));
    list.push(message(2 * i + 1, "assistant", "Seraphina", `Answer ${i}: only moss and old stones.`));
  }
  return list;
}

interface Turn {
  messages: ChatMessage[];
  lore?: LoreInsertion[];
  template?: string;
  names?: boolean;
  description?: string;
  authorsNote?: string;
  random?: () => number;
}

function turn(t: Turn) {
  const template = t.names === false ? withNames(getTemplate(t.template ?? "chatml"), false) : getTemplate(t.template ?? "chatml");
  const character = card({ mes_example: "", ...(t.description && { description: t.description }) });
  const prompt = buildPrompt({
    character, persona, messages: t.messages, chatId: "c", ...(t.lore && { lore: t.lore }),
    ...(t.authorsNote && { authorsNote: { text: t.authorsNote, depth: 2, frequency: 1, role: "system" as const } }),
    settings: { template, contextSize: 4000, responseTokens: 100 },
    countTokens: chars,
    ...(t.random && { random: t.random }),
  });
  const layout = promptLayout({
    prompt, template: t.names === false ? `${template.name} (no names)` : template.name, messages: t.messages, ...(t.lore && { lore: t.lore }),
    loreTitles: new Map([["b/1", "Wolves"], ["b/2", "Old road"]]), sources: [character.description, t.authorsNote ?? ""],
  });
  return { prompt, layout };
}

/** Facts as the engine reports them when the two texts first differ at `char` (characters stand for tokens here). */
function facts(previous: PromptLayout, next: { prompt: { text: string; tokens: number } }, prevText: string, erased: ReuseFacts["erased"] = []): ReuseFacts {
  let i = 0;
  while (i < prevText.length && prevText[i] === next.prompt.text[i]) i++;
  return {
    source: "memory", promptTokens: next.prompt.tokens, reused: i, evaluated: next.prompt.tokens - i, previous,
    firstEvaluatedToken: i, firstEvaluatedChar: i, cachedChar: i, erased,
  };
}

const wolves: LoreInsertion = { entryId: "b/1", content: "Wolves hunt here.", position: "before_char", depth: 4, role: "system", order: 1 };

test("a turn that only adds messages processes nothing again", () => {
  const before = turn({ messages: chat(3).slice(0, 5) });
  const after = turn({ messages: chat(4).slice(0, 7) });
  const e = explainReuse(facts(before.layout, after, before.prompt.text + " Answer 2: moss."), after.prompt, after.layout);
  assert.equal(e.cause, "new-messages");
  assert.equal(e.reprocessed, 0);
  assert.ok(e.newTokens > 0 && e.newTokens >= e.evaluated - 40, `${e.newTokens} new, ${e.evaluated} evaluated`);
  assert.equal(reuseSummary(e), `${e.reused} reused · ${e.evaluated} evaluated`);
});

test("a block spliced into the middle is named by what came, and the summary counts it", () => {
  const wolvesDeep: LoreInsertion = { ...wolves, position: "at_depth", depth: 2 };
  const before = turn({ messages: chat(3) });
  const after = turn({ messages: chat(3), lore: [wolvesDeep] });
  const section = after.layout.sections.find((s) => /lore at depth 2/.test(s.label))!;
  const tokens = section.end - section.start;
  const e = explainReuse({
    ...facts(before.layout, after, before.prompt.text),
    reused: after.prompt.tokens - tokens - 1, evaluated: tokens + 1, firstEvaluatedToken: section.start, firstEvaluatedChar: section.start,
    inserted: [{ start: section.start, end: section.end, tokens, firstToken: section.start }],
  }, after.prompt, after.layout);
  assert.equal(e.cause, "lore");
  assert.deepEqual(e.inserted, [{ tokens, what: 'lore entry "Wolves" came (at depth 2)', at: section.start }]);
  assert.match(reuseSummary(e), new RegExp(` · ${tokens} evaluated in place · lore entry "Wolves" came \\(at depth 2\\)$`));
});

test("a lore entry that came is named, with where it went", () => {
  const before = turn({ messages: chat(3) });
  const after = turn({ messages: chat(3), lore: [wolves] });
  const e = explainReuse(facts(before.layout, after, before.prompt.text), after.prompt, after.layout);
  assert.equal(e.cause, "lore");
  assert.equal(e.reason, 'lore entry "Wolves" came (before character)');
  assert.ok(e.reprocessed > 0);
  const gone = explainReuse(facts(after.layout, before, after.prompt.text), before.prompt, before.layout);
  assert.equal(gone.reason, 'lore entry "Wolves" went (before character)');
  assert.match(reuseSummary(gone), /· lore entry "Wolves" went/);
});

test("depth lore and the author's note are said to move with the chat", () => {
  const deep = { ...wolves, position: "at_depth" as const, depth: 2 };
  const before = turn({ messages: chat(3).slice(0, 5), lore: [deep] });
  const after = turn({ messages: chat(4).slice(0, 7), lore: [deep] });
  const e = explainReuse(facts(before.layout, after, before.prompt.text), after.prompt, after.layout);
  assert.equal(e.cause, "depth-insertion");
  assert.match(e.reason, /lore at depth 2 moves with each new message/);
  const note1 = turn({ messages: chat(3).slice(0, 5), authorsNote: "Keep it short." });
  const note2 = turn({ messages: chat(4).slice(0, 7), authorsNote: "Keep it short." });
  const n = explainReuse(facts(note1.layout, note2, note1.prompt.text), note2.prompt, note2.layout);
  assert.equal(n.cause, "authors-note");
  assert.match(n.reason, /author's note at depth 2 moves with each new message/);
});

test("lore in SillyTavern's places is found: an example block of its own, the author's note's top, a depth injection it shares", () => {
  const road: LoreInsertion = { entryId: "b/2", content: "The old road runs north.", position: "before_examples", depth: 4, role: "system", order: 1 };
  const before = turn({ messages: chat(3) });
  const examples = turn({ messages: chat(3), lore: [road] });
  assert.ok(examples.prompt.sections.some((s) => s.kind === "examples" && s.text.includes("The old road")), "the entry is an example block");
  const e = explainReuse(facts(before.layout, examples, before.prompt.text), examples.prompt, examples.layout);
  assert.equal(e.cause, "lore");
  assert.equal(e.reason, 'lore entry "Old road" came (before examples)');
  const top = { ...wolves, position: "an_top" as const };
  const note = turn({ messages: chat(3), authorsNote: "Keep it short." });
  const noteWithLore = turn({ messages: chat(3), authorsNote: "Keep it short.", lore: [top] });
  assert.ok(noteWithLore.prompt.sections.some((s) => s.kind === "authors_note" && s.text.includes("Wolves hunt here.")));
  const n = explainReuse(facts(note.layout, noteWithLore, note.prompt.text), noteWithLore.prompt, noteWithLore.layout);
  assert.equal(n.reason, "lore entry \"Wolves\" came (author's note top)");
  const deep = { ...wolves, position: "at_depth" as const, depth: 2 };
  const shared = turn({ messages: chat(3), authorsNote: "Keep it short.", lore: [deep] });
  assert.ok(shared.prompt.sections.some((s) => s.label === "author's note + lore at depth 2 (system)"), shared.prompt.sections.map((s) => s.label).join(", "));
  const d = explainReuse(facts(note.layout, shared, note.prompt.text), shared.prompt, shared.layout);
  assert.equal(d.reason, 'lore entry "Wolves" came (at depth 2)');
});

test("lore that gave way with the examples is not in the prompt, and a shifted block names only the entries it held", () => {
  const road: LoreInsertion = { entryId: "b/2", content: "The old road runs north.", position: "before_examples", depth: 4, role: "system", order: 1 };
  const character = card({ mes_example: "" });
  const build = (lore: LoreInsertion[], contextSize: number) => {
    const prompt = buildPrompt({ character, persona, messages: chat(3), chatId: "c", lore, settings: { template: getTemplate("chatml"), contextSize, responseTokens: 100 }, countTokens: chars });
    return { prompt, layout: promptLayout({ prompt, template: "chatml", messages: chat(3), lore, loreTitles: new Map([["b/1", "Wolves"], ["b/2", "Old road"]]) }) };
  };
  const roomy = build([wolves], 4000);
  const tight = build([road], roomy.prompt.tokens + 100);
  assert.equal(tight.prompt.examplesDropped, true, "the examples gave way");
  assert.deepEqual(tight.layout.lore, [], "the entry before the examples went with them");
  const block = roomy.layout.sections.find((s) => s.label === "lore before character")!;
  const e = explainReuse({ ...facts(roomy.layout, tight, roomy.prompt.text), erased: [{ start: block.start, end: block.end, tokens: block.end - block.start }] }, tight.prompt, tight.layout);
  assert.deepEqual(e.shifted.map((x) => x.what), ['lore entry "Wolves" went (before character)']);
});

test("trimmed messages are named, and so are blocks shifted out of the cache", () => {
  const before = turn({ messages: chat(6) });
  const after = turn({ messages: chat(7).slice(4) });
  const e = explainReuse(facts(before.layout, after, before.prompt.text), after.prompt, after.layout);
  assert.equal(e.cause, "trimmed");
  assert.match(e.reason, /^message 1 \(user\) was trimmed to fit the context \(the history now starts at message 1 \(user\)\)$/);
  const first = before.layout.sections.find((s) => s.kind === "history")!;
  const fourth = before.layout.sections.filter((s) => s.kind === "history")[4]!;
  const shifted = explainReuse({ ...facts(before.layout, after, before.prompt.text), erased: [{ start: first.start, end: fourth.start, tokens: fourth.start - first.start }] }, after.prompt, after.layout);
  assert.deepEqual(shifted.shifted, [{ tokens: fourth.start - first.start, what: "4 trimmed messages (message 1 (user) to message 4 (assistant))" }]);
});

test("a template change, an edit and {{random}} are told apart", () => {
  const chatml = turn({ messages: chat(2) });
  const noNames = turn({ messages: chat(2), names: false });
  assert.equal(explainReuse(facts(chatml.layout, noNames, chatml.prompt.text), noNames.prompt, noNames.layout).reason, "the template changed (chatml → chatml (no names))");
  const edited = chat(2);
  edited[1] = message(1, "assistant", "Seraphina", "Answer 0: a river.");
  const after = turn({ messages: edited });
  const e = explainReuse(facts(chatml.layout, after, chatml.prompt.text), after.prompt, after.layout);
  assert.equal(e.cause, "edited");
  assert.equal(e.reason, "message 2 (assistant) changed (edited, swiped or continued)");
  const roll1 = turn({ messages: chat(2), description: "{{char}} rolls {{random:red,blue,green}}.", random: () => 0.1 });
  const roll2 = turn({ messages: chat(2), description: "{{char}} rolls {{random:red,blue,green}}.", random: () => 0.9 });
  const r = explainReuse(facts(roll1.layout, roll2, roll1.prompt.text), roll2.prompt, roll2.layout);
  assert.equal(r.cause, "macro");
  assert.equal(r.reason, "the description changed: the prompt uses {{random}}");
});

test("with nothing cached the turn says why", () => {
  const now = turn({ messages: chat(2) });
  const e = explainReuse({ source: "none", miss: "the saved state is from another model (a.gguf), not b.gguf", promptTokens: 300, reused: 0, evaluated: 300, firstEvaluatedToken: 0, firstEvaluatedChar: 0, cachedChar: 0, erased: [] }, now.prompt, now.layout);
  assert.equal(e.cause, "cold");
  assert.equal(e.reason, "the saved state is from another model (a.gguf), not b.gguf");
  assert.equal(e.reprocessed, 0);
});

test("macros whose value changes between turns are found in texts", () => {
  assert.deepEqual(volatileMacros("{{char}} at {{time}}, {{Random::a::b}} and {{roll:d6}}; {{pick::x::y}}"), ["{{time}}", "{{random}}", "{{roll}}"]);
});

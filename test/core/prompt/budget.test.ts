import { test } from "node:test";
import assert from "node:assert/strict";
import { buildPrompt, firstKeptMessage, getTemplate, PromptBudgetError } from "../../../src/core/prompt/index.ts";
import { trimmingNote } from "../../../src/core/prompt/trimmingNote.ts";
import type { ChatMessage } from "../../../src/core/chat/types.ts";
import { card, message, persona } from "./fixture.ts";

const chars = (s: string) => s.length;

test("history is trimmed down to a lower watermark, replayed from the chat's start", () => {
  const ten = (n: number) => new Array<number>(n).fill(10);
  assert.equal(firstKeptMessage({ messageTokens: ten(5), available: 50, freeFraction: 0.4 }), 0);
  // The 6th message overflows 50: drop to 30 (3 messages kept); then 4 more fit before the next trim.
  assert.equal(firstKeptMessage({ messageTokens: ten(6), available: 50, freeFraction: 0.4 }), 3);
  assert.equal(firstKeptMessage({ messageTokens: ten(8), available: 50, freeFraction: 0.4 }), 3);
  assert.equal(firstKeptMessage({ messageTokens: ten(9), available: 50, freeFraction: 0.4 }), 6);
  // 0 trims one message at a time.
  assert.equal(firstKeptMessage({ messageTokens: ten(8), available: 50, freeFraction: 0 }), 3);
  assert.equal(firstKeptMessage({ messageTokens: ten(9), available: 50, freeFraction: 0 }), 4);
  // A message bigger than the budget: keep the ones that must stay.
  assert.equal(firstKeptMessage({ messageTokens: [10, 500], available: 30, freeFraction: 0.3, keepLast: 1 }), 1);
});

function chat(turns: number): ChatMessage[] {
  const list: ChatMessage[] = [];
  for (let i = 0; i < turns; i++) {
    list.push(message(2 * i, "user", "Ann", `Question number ${i}: what lies beyond the ${i}th tree?`));
    list.push(message(2 * i + 1, "assistant", "Seraphina", `Answer ${i}: only moss, and the path goes on for ${i} miles.`));
  }
  return list;
}

function build(messages: ChatMessage[], trimFreeFraction?: number, pinExamples = false, contextSize = 1500) {
  return buildPrompt({
    character: card(),
    persona,
    messages,
    chatId: "c",
    settings: { template: getTemplate("chatml"), contextSize, responseTokens: 200, trimFreeFraction, pinExamples, systemPrompt: "Write the next reply." },
    countTokens: chars,
  });
}

test("a long chat fits a small context: oldest messages go, card and persona stay, examples go first", () => {
  const short = build(chat(2));
  assert.ok(short.examplesIncluded);
  assert.equal(short.droppedMessages, 0);
  const long = build(chat(40));
  assert.ok(long.tokens <= long.budget, `${long.tokens} <= ${long.budget}`);
  assert.ok(long.droppedMessages > 0);
  assert.equal(long.examplesIncluded, false);
  assert.equal(long.examplesDropped, true);
  assert.equal(short.examplesDropped, false);
  assert.equal(trimmingNote(short), null, "nothing to say when everything fit");
  assert.equal(trimmingNote(long), `${long.droppedMessages} oldest messages and the example messages left out (budget ${long.budget} tokens, the context minus the reply; history is cut in blocks to keep the KV cache warm)`);
  assert.ok(!long.text.includes("Hello, Ann."), "examples dropped");
  assert.ok(long.text.includes("Seraphina guards the forest.") && long.text.includes("Ann is a traveller."));
  assert.ok(long.text.includes("Answer 39:"), "the newest message stays");
  assert.ok(!long.text.includes("Question number 0:"), "the oldest message went");
  const pinned = build(chat(40), undefined, true);
  assert.ok(pinned.examplesIncluded && pinned.text.includes("Hello, Ann."));
  assert.ok(pinned.tokens <= pinned.budget);
});

/** Over consecutive turns, how often the previous prompt (less its reply prefix) starts the next one. */
function stableTurns(trimFreeFraction: number): { stable: number; turns: number } {
  let previous: string | undefined;
  let stable = 0;
  let turns = 0;
  for (let n = 30; n <= 90; n++) {
    const prompt = build(chat(n), trimFreeFraction, false, 3000);
    assert.ok(prompt.tokens <= prompt.budget);
    // The reply's line always follows the newest message.
    const reused = prompt.text.slice(0, prompt.text.lastIndexOf("\n<|im_start|>assistant\nSeraphina:"));
    if (previous !== undefined) {
      turns++;
      if (prompt.text.startsWith(previous)) stable++;
    }
    previous = reused;
  }
  return { stable, turns };
}

test("block trimming keeps the prompt's start stable across consecutive turns", () => {
  const blocks = stableTurns(0.3);
  const oneByOne = stableTurns(0);
  assert.ok(blocks.stable >= blocks.turns * 0.75, `blocks: ${blocks.stable}/${blocks.turns} turns extend the previous prompt`);
  assert.ok(oneByOne.stable <= oneByOne.turns * 0.25, `one by one: ${oneByOne.stable}/${oneByOne.turns}`);
});

test("a card too big for the context is a clear error", () => {
  assert.throws(
    () => buildPrompt({ character: card({ description: "x".repeat(2000) }), persona, messages: [], chatId: "c", settings: { template: getTemplate("plain"), contextSize: 1000, responseTokens: 200 }, countTokens: chars }),
    (error: unknown) => error instanceof PromptBudgetError && /needs \d+ tokens but only 800 fit/.test(error.message),
  );
});

test("a card too big for the context is advised a larger context only as far as the model allows", () => {
  const fail = (contextLimit: number, contextSize = 1000) => {
    try {
      buildPrompt({ character: card({ description: "x".repeat(2000) }), persona, messages: [], chatId: "c", settings: { template: getTemplate("plain"), contextSize, contextLimit, responseTokens: 200 }, countTokens: chars });
    } catch (error) {
      assert.ok(error instanceof PromptBudgetError);
      return error.message.slice(error.message.indexOf("): ") + 3);
    }
    assert.fail("the prompt fit");
  };
  assert.equal(fail(4096), "use a larger context (the model allows up to 4096) or shorten the card");
  assert.equal(fail(2048), "shorten the card, or use a model trained on a larger context (this one allows 2048)");
  assert.equal(fail(1000), "shorten the card, or use a model trained on a larger context (this one allows 1000)");
});

test("at-depth lore coming and going does not move the trimming point", () => {
  const lore = { entryId: "w", content: "Wolves roam the forest at night, hungry and bold.", position: "at_depth" as const, depth: 2, role: "system" as const, order: 1 };
  const starts = (withLore: boolean) => {
    const list: number[] = [];
    for (let n = 30; n <= 90; n++) {
      const prompt = buildPrompt({
        character: card(),
        persona,
        messages: chat(n),
        chatId: "c",
        lore: withLore && n % 2 === 0 ? [lore] : [],
        settings: { template: getTemplate("chatml"), contextSize: 3000, responseTokens: 200 },
        countTokens: chars,
      });
      assert.ok(prompt.tokens <= prompt.budget);
      list.push(prompt.droppedMessages);
    }
    return list;
  };
  const toggling = starts(true);
  assert.deepEqual(toggling, starts(false), "the same messages are kept whether or not the entry fired");
  const moves = toggling.filter((s, i) => i > 0 && s !== toggling[i - 1]).length;
  assert.ok(moves > 0 && moves <= 15, `trimming point moved ${moves} times in 60 turns`);
});

test("given the previous boundary, trimming holds it while the history from it fits, then frees a block", () => {
  const ten = (n: number) => new Array<number>(n).fill(10);
  // From message 3, 5 messages (50) still fit 50: held, where a replay would say the same or move.
  assert.equal(firstKeptMessage({ messageTokens: ten(8), available: 50, freeFraction: 0.4, previous: 3 }), 3);
  // The budget shrank (lore came): 50 > 45 and the boundary moves to the watermark (27): 2 messages kept.
  assert.equal(firstKeptMessage({ messageTokens: ten(8), available: 45, freeFraction: 0.4, previous: 3 }), 6);
  // The budget grew back: the boundary stays where it was (no re-evaluation of the whole history).
  assert.equal(firstKeptMessage({ messageTokens: ten(8), available: 60, freeFraction: 0.4, previous: 6 }), 6);
  // Far more room (messages deleted, a larger context): take older messages back up to the watermark.
  assert.equal(firstKeptMessage({ messageTokens: ten(8), available: 200, freeFraction: 0.4, previous: 6 }), 0);
  assert.equal(firstKeptMessage({ messageTokens: ten(20), available: 200, freeFraction: 0.4, previous: 18 }), 8);
  assert.equal(firstKeptMessage({ messageTokens: ten(20), available: 100, freeFraction: 0.4, previous: 18 }), 18);
  // With 0 free it is SillyTavern's rule: as many of the newest messages as fit.
  assert.equal(firstKeptMessage({ messageTokens: ten(9), available: 50, freeFraction: 0, previous: 2 }), 4);
  assert.equal(firstKeptMessage({ messageTokens: ten(9), available: 50, freeFraction: 0, previous: 6 }), 4);
  // The messages that must stay still win.
  assert.equal(firstKeptMessage({ messageTokens: [10, 500], available: 30, freeFraction: 0.3, keepLast: 1, previous: 0 }), 1);
});

test("the prompt names its first kept message, and the next prompt holds it while lore changes the budget", () => {
  const note = { entryId: "w", content: "Wolves roam the forest at night, hungry and bold. ".repeat(6), position: "at_depth" as const, depth: 2, role: "system" as const, order: 1 };
  let keptFrom: string | undefined;
  const boundaries: Array<string | undefined> = [];
  for (let n = 30; n <= 90; n++) {
    const prompt = buildPrompt({
      character: card(), persona, messages: chat(n), chatId: "c",
      // The entry comes and goes every other turn, sometimes twice as long.
      lore: n % 2 === 0 ? [n % 4 === 0 ? { ...note, content: note.content.repeat(2) } : note] : [],
      ...(keptFrom !== undefined && { keptFrom }),
      settings: { template: getTemplate("chatml"), contextSize: 3000, responseTokens: 200, insertionReserve: 0 },
      countTokens: chars,
    });
    assert.ok(prompt.tokens <= prompt.budget, `${prompt.tokens} <= ${prompt.budget}`);
    assert.equal(prompt.firstKeptMessageId, chat(n)[prompt.droppedMessages]!.id);
    keptFrom = prompt.firstKeptMessageId;
    boundaries.push(keptFrom);
  }
  const moves = boundaries.filter((b, i) => i > 0 && b !== boundaries[i - 1]).length;
  const replayed: number[] = [];
  for (let n = 30; n <= 90; n++) {
    const prompt = buildPrompt({
      character: card(), persona, messages: chat(n), chatId: "c",
      lore: n % 2 === 0 ? [n % 4 === 0 ? { ...note, content: note.content.repeat(2) } : note] : [],
      settings: { template: getTemplate("chatml"), contextSize: 3000, responseTokens: 200, insertionReserve: 0 },
      countTokens: chars,
    });
    replayed.push(prompt.droppedMessages);
  }
  const replayMoves = replayed.filter((b, i) => i > 0 && b !== replayed[i - 1]).length;
  // 60 turns of ~100 tokens against a ~2,000-token history budget that the entry shrinks by up to 600.
  assert.ok(moves > 0 && moves * 2 <= replayMoves, `held: the kept history's start moved ${moves} times in 60 turns; replayed: ${replayMoves}`);
});

test("a held boundary whose message was deleted falls back to the replay", () => {
  const messages = chat(40);
  const replay = buildPrompt({ character: card(), persona, messages, chatId: "c", settings: { template: getTemplate("chatml"), contextSize: 1500, responseTokens: 200 }, countTokens: chars });
  const held = buildPrompt({ character: card(), persona, messages, chatId: "c", keptFrom: "gone", settings: { template: getTemplate("chatml"), contextSize: 1500, responseTokens: 200 }, countTokens: chars });
  assert.equal(held.droppedMessages, replay.droppedMessages);
});

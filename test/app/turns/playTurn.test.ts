import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createChat, currentSwipe, sendUserMessage } from "../../../src/core/chat/operations.ts";
import type { Chat } from "../../../src/core/chat/types.ts";
import { resolveSamplers } from "../../../src/core/samplers/validate.ts";
import { loadModel, type LoadedModel } from "../../../src/engine/generation/loadModel.ts";
import { playChatTurn } from "../../../src/app/turns/playTurn.ts";
import { parseWorldInfo } from "../../../src/core/lorebook/worldInfo.ts";
import { card, persona } from "../../core/prompt/fixture.ts";
import { testEnv } from "../../support/chatFixtures.ts";
import { writeTinyChatModel } from "../../support/tinyGguf.ts";

let model: LoadedModel;

before(async () => {
  const dir = await mkdtemp(join(tmpdir(), "taproom-turns-"));
  model = await loadModel({ path: await writeTinyChatModel(join(dir, "tiny.gguf")), gpu: "cpu", threads: 1, contextSize: 1024 });
});

after(async () => {
  await model.unload();
});

test("through taproom's own prompt building, turn 2 and 3 evaluate about the new tokens, not the whole prompt", async () => {
  const env = testEnv();
  const character = card();
  let chat: Chat = createChat({ character, characterId: "s", env });
  const samplers = resolveSamplers({ temperature: 0, maxTokens: 20 });
  const figures: { prompt: number; evaluated: number; fresh: number }[] = [];
  for (const line of ["Where am I?", "Who are you?", "Can I stay?"]) {
    chat = sendUserMessage(chat, { text: line, name: persona.name, env });
    const played = await playChatTurn({ model, chat, character, persona, books: [], settings: { samplers }, mode: "reply", env });
    const history = played.turn.prompt.sections.filter((s) => s.kind === "history");
    const tail = played.turn.prompt.sections.filter((s) => s.kind === "post_history" || s.kind === "reply_prefix");
    // New since the last turn: the previous reply as the prompt writes it, the user's line, the tail.
    const fresh = history.slice(-2).reduce((n, s) => n + s.tokens, 0) + tail.reduce((n, s) => n + s.tokens, 0);
    figures.push({ prompt: played.turn.prompt.tokens, evaluated: played.turn.evaluatedPromptTokens!, fresh });
    chat = played.chat;
    assert.equal(currentSwipe(chat.messages.at(-1)!).text, "Hi, Bryn.");
  }
  assert.ok(figures[0]!.evaluated >= figures[0]!.prompt - 1, "turn 1 evaluates the whole prompt");
  for (const turn of figures.slice(1)) {
    assert.ok(turn.evaluated <= turn.fresh + 2, `evaluated ${turn.evaluated} of ${turn.prompt}, new ${turn.fresh}`);
    assert.ok(turn.evaluated < turn.prompt / 3, `evaluated ${turn.evaluated} of ${turn.prompt}`);
  }
});

test("a turn tells lore activation its generation type and character: triggers and character filters act on them", async () => {
  const env = testEnv();
  const character = { ...card(), tags: ["angel"] };
  const books = [parseWorldInfo({ entries: {
    "0": { uid: 0, key: [], constant: true, comment: "Swipes", content: "On a swipe.", triggers: ["swipe"] },
    "1": { uid: 1, key: [], constant: true, comment: "Not Seraphina", content: "Someone else.", characterFilter: { isExclude: true, names: ["Seraphina"], tags: [] } },
    "2": { uid: 2, key: ["wing", "feather"], constant: true, comment: "Angels", content: "Wings.", characterFilter: { isExclude: false, names: [], tags: ["angel"] } },
  } }, { file: "w.json", name: "W" })];
  const samplers = resolveSamplers({ temperature: 0, maxTokens: 4 });
  const chat = sendUserMessage(createChat({ character, characterId: "s", env }), { text: "Hello", name: persona.name, env });
  const reply = await playChatTurn({ model, chat, character, persona, books, settings: { samplers }, mode: "reply", env });
  assert.deepEqual(reply.lore.verdicts.map((v) => v.outcome), ["trigger_mismatch", "character_filtered", "constant"]);
  assert.ok(reply.turn.prompt.text.includes("Wings.") && !reply.turn.prompt.text.includes("On a swipe."));
  // The lore panel tells entries apart by book, number and keys, and states the budget from the same count.
  assert.deepEqual(reply.result.report!.lore.map((l) => [l.book, l.uid, l.keys]), [["W", 0, []], ["W", 1, []], ["W", 2, ["wing", "feather"]]]);
  assert.deepEqual(reply.result.report!.loreBudget, { used: reply.lore.tokensUsed, budget: reply.lore.budget });
  const swipe = await playChatTurn({ model, chat: reply.chat, character, persona, books, settings: { samplers }, mode: "swipe", env });
  // Equal orders: SillyTavern places the later entry first.
  assert.deepEqual(swipe.lore.insertions.map((i) => i.content), ["Wings.", "On a swipe."]);
  assert.ok(swipe.turn.prompt.text.includes("On a swipe."));
});

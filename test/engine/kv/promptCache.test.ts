// The KV cache on a real tiny model: reuse, context shift, saved states (model swap and damaged files), and the
// explanation of each turn's evaluation.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createChat, currentSwipe, sendUserMessage, type ChatEnv } from "../../../src/core/chat/operations.ts";
import type { Chat } from "../../../src/core/chat/types.ts";
import { parseWorldInfo } from "../../../src/core/lorebook/worldInfo.ts";
import type { Lorebook } from "../../../src/core/lorebook/model.ts";
import { resolveSamplers } from "../../../src/core/samplers/validate.ts";
import { loadModel, type LoadedModel } from "../../../src/engine/generation/loadModel.ts";
import { playChatTurn, type PlayedChatTurn } from "../../../src/app/turns/playTurn.ts";
import type { TurnSettings } from "../../../src/engine/chatTurn.ts";
import { KvStateStore } from "../../../src/store/kvStates.ts";
import type { PromptCacheOptions } from "../../../src/engine/kv/sequenceCache.ts";
import { LlamaContextSequence } from "node-llama-cpp";
import { card, persona } from "../../core/prompt/fixture.ts";
import { testEnv } from "../../support/chatFixtures.ts";
import { greedyReference, writeRandomModel, writeTinyChatModel } from "../../support/tinyGguf.ts";

let dir: string;
let tiny: string;
const samplers = resolveSamplers({ temperature: 0, maxTokens: 12 });
const character = card({ mes_example: "" });
const open = async (path = tiny, contextSize = 1024) => loadModel({ path, gpu: "cpu", threads: 1, contextSize });

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "taproom-kv-engine-"));
  tiny = await writeTinyChatModel(join(dir, "tiny.gguf"));
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function say(model: LoadedModel, chat: Chat, text: string, env: ChatEnv, books: Lorebook[] = [], prompts: Omit<TurnSettings, "samplers"> = {}): Promise<PlayedChatTurn> {
  const sent = sendUserMessage(chat, { text, name: persona.name, env });
  const played = await playChatTurn({ model, chat: sent, character, persona, books, settings: { samplers, ...prompts }, mode: "reply", env });
  // The bigram model's reply can be computed: every turn, cached or not, must give exactly it.
  assert.equal(currentSwipe(played.chat.messages.at(-1)!).text, greedyReference(played.turn.prompt.text, 12).trim());
  return played;
}

test("a turn reuses the cache and says it evaluated only its new messages", async () => {
  const model = await open();
  try {
    assert.equal(model.info.kvStrategy, "shift");
    assert.ok(model.info.reasons.some((r) => /^KV reuse: common prefix kept, blocks that went are erased/.test(r)), "the model panel says which reuse applies");
    const env = testEnv();
    let chat = createChat({ character, characterId: "s", env });
    const first = await say(model, chat, "Where am I?", env);
    assert.equal(first.turn.reuse?.cause, "cold");
    assert.equal(first.turn.reuse?.reason, "nothing cached for this prompt");
    chat = first.chat;
    const second = await say(model, chat, "Who are you?", env);
    const reuse = second.turn.reuse!;
    assert.equal(reuse.source, "memory");
    assert.equal(reuse.cause, "new-messages");
    assert.equal(reuse.reprocessed, 0);
    assert.ok(reuse.evaluated <= reuse.newTokens, `evaluated ${reuse.evaluated}, new ${reuse.newTokens}`);
    assert.equal(reuse.reused + reuse.evaluated, reuse.promptTokens);
    // The reply as stored ("Seraphina: " written back with a space) differs from the tokens generated right after the colon.
    assert.equal(reuse.section, "message 3 (assistant)");
  } finally {
    await model.unload();
  }
});

test("when the oldest messages are trimmed, their range is erased and the rest kept (context shift)", async () => {
  const run = async (contextShift: boolean) => {
    const model = await open(tiny, 512);
    model.usePromptCache({ contextShift });
    const env = testEnv();
    let chat = createChat({ character, characterId: "s", env });
    const turns: PlayedChatTurn[] = [];
    try {
      for (let i = 0; i < 24; i++) {
        // The user's post-history instructions close each prompt (SillyTavern's default context leaves out the card's).
        const played = await say(model, chat, `Line ${i}: is the fire still warm tonight?`, env, [], { postHistoryInstructions: "Reply as {{char}}." });
        turns.push(played);
        chat = played.chat;
      }
    } finally {
      await model.unload();
    }
    return turns;
  };
  const shifted = await run(true);
  const trims = shifted.filter((t, i) => i > 0 && t.turn.prompt.droppedMessages > shifted[i - 1]!.turn.prompt.droppedMessages);
  assert.ok(trims.length >= 2, `the chat outgrew the context ${trims.length} times`);
  for (const t of trims) {
    const reuse = t.turn.reuse!;
    // The trimmed messages, then the last prompt's tail, so the reply generated after it is kept too.
    assert.match(reuse.shifted[0]!.what, /^\d+ trimmed messages \(message \d+ \(\w+\) to message \d+ \(\w+\)\)$/, JSON.stringify(reuse));
    assert.deepEqual(reuse.shifted.slice(1).map((s) => s.what), ["post-history instructions"]);
    assert.equal(reuse.cause, "new-messages", reuse.reason);
    assert.ok(reuse.evaluated <= reuse.newTokens, `evaluated ${reuse.evaluated} of ${reuse.promptTokens}, new ${reuse.newTokens}`);
  }
  // Without the shift, the same turns evaluate everything after the prompt's unchanged start.
  const prefixOnly = await run(false);
  for (const t of trims) {
    const same = prefixOnly[shifted.indexOf(t)]!.turn.reuse!;
    assert.equal(same.cause, "trimmed");
    const history = t.turn.prompt.sections.filter((s) => s.kind === "history").reduce((n, s) => n + s.tokens, 0);
    assert.ok(same.evaluated >= history, `prefix only: ${same.evaluated} evaluated, the history alone is ${history}`);
    assert.ok(t.turn.reuse!.evaluated < history, `shifted: ${t.turn.reuse!.evaluated} evaluated`);
  }
});

test("the KV state is saved with the chat and a new process evaluates only the new message", async () => {
  const store = new KvStateStore({ dir: join(dir, "kv-saved") });
  const env = testEnv();
  let chat = createChat({ character, characterId: "s", env });
  const before = await open();
  before.usePromptCache({ storage: store });
  for (const line of ["Where am I?", "Who are you?"]) chat = (await say(before, chat, line, env)).chat;
  await before.unload();
  assert.equal(before.lastStateSave?.kept, true);
  assert.deepEqual((await store.list()).map((s) => s.chatId), [chat.id]);

  const after = await open();
  after.usePromptCache({ storage: store });
  try {
    const reuse = (await say(after, chat, "Can I stay?", env)).turn.reuse!;
    assert.equal(reuse.source, "saved");
    assert.equal(reuse.cause, "new-messages", reuse.reason);
    assert.ok(reuse.evaluated <= reuse.newTokens, `evaluated ${reuse.evaluated} of ${reuse.promptTokens}, new ${reuse.newTokens}`);
  } finally {
    await after.unload();
  }
});

test("a saved state is never loaded into another model, even one swapped in under the same file name", async () => {
  const store = new KvStateStore({ dir: join(dir, "kv-swap") });
  const path = join(dir, "swap.gguf");
  await copyFile(tiny, path);
  const env = testEnv();
  const first = await open(path);
  first.usePromptCache({ storage: store });
  const chat = (await say(first, createChat({ character, characterId: "s", env }), "Where am I?", env)).chat;
  await first.unload();

  await writeRandomModel(path, { layers: 2, embd: 64, ff: 64, heads: 2 });
  const other = await open(path);
  other.usePromptCache({ storage: store });
  try {
    const sent = sendUserMessage(chat, { text: "Who are you?", name: persona.name, env });
    const played = await playChatTurn({ model: other, chat: sent, character, persona, books: [], settings: { samplers }, mode: "reply", env });
    const reuse = played.turn.reuse!;
    assert.equal(reuse.cause, "cold");
    assert.match(reuse.reason, /^the saved state is from another model \(taproom-tiny\), not taproom-random$/);
    assert.equal(reuse.evaluated, reuse.promptTokens);
  } finally {
    await other.unload();
  }
});

test("a damaged state file is a cache miss that says so; the turn is evaluated afresh and correct", async () => {
  const store = new KvStateStore({ dir: join(dir, "kv-damaged") });
  const env = testEnv();
  const first = await open();
  first.usePromptCache({ storage: store });
  const chat = (await say(first, createChat({ character, characterId: "s", env }), "Where am I?", env)).chat;
  await first.unload();
  const file = (await readdir(store.dir)).find((n) => n.endsWith(".kv"))!;
  const bytes = await readFile(join(store.dir, file));
  for (let i = bytes.length / 2; i < bytes.length / 2 + 64; i++) bytes[i] = 0xa5;
  await writeFile(join(store.dir, file), bytes);

  const again = await open();
  again.usePromptCache({ storage: store });
  try {
    const reuse = (await say(again, chat, "Who are you?", env)).turn.reuse!;
    assert.equal(reuse.cause, "cold");
    assert.match(reuse.reason, /saved state of chat \S+ is damaged \(its checksum does not match\)/);
    assert.equal(reuse.evaluated, reuse.promptTokens);
    assert.deepEqual(await store.list(), [], "the damaged state was deleted");
  } finally {
    await again.unload();
  }
  assert.equal((await store.list()).length, 1, "the fresh state was saved in its place");
});

const cider = () => [parseWorldInfo({ entries: {
  "0": { uid: 0, key: ["cider"], comment: "Cider", content: "The inn's cider is famous.", position: 0 },
} }, { file: "w.json", name: "W" })];

/** Plays the messages as turns of a new chat on a fresh model with these cache options, up to the first turn `stop` accepts; that turn's reuse. */
async function playUntil(books: Lorebook[], cache: PromptCacheOptions, texts: string[], stop: (played: PlayedChatTurn) => boolean = () => false) {
  const model = await open();
  model.usePromptCache(cache);
  try {
    const env = testEnv();
    let chat = createChat({ character, characterId: "s", env });
    for (const [i, text] of texts.entries()) {
      const played = await say(model, chat, text, env, books);
      if (stop(played) || i === texts.length - 1) return played.turn.reuse!;
      chat = played.chat;
    }
    throw new Error("no messages");
  } finally {
    await model.unload();
  }
}

test("a lore entry that comes is named as the reason the prompt was evaluated again from there", async () => {
  const books = cider();
  const model = await open();
  try {
    const env = testEnv();
    let chat = createChat({ character, characterId: "s", env });
    chat = (await say(model, chat, "Where am I?", env, books)).chat;
    const played = await say(model, chat, "Is there cider?", env, books);
    const reuse = played.turn.reuse!;
    assert.equal(reuse.cause, "lore");
    assert.equal(reuse.reason, 'lore entry "Cider" came (before character)');
    assert.ok(reuse.reprocessed > 0 && reuse.evaluated > reuse.newTokens);
    assert.equal(reuse.section, "lore before character");
  } finally {
    await model.unload();
  }
});

test("a lore entry that went from before the character is erased from the cache and the rest kept", async () => {
  // Once the keyword is out of the scanned messages the entry goes.
  const texts = ["Is there cider?", "Where do I sleep?", "Is the road safe?", "Who keeps the inn?"];
  let gone = false;
  const run = (contextShift: boolean) => playUntil(cider(), { contextShift }, texts, (p) => (gone = !p.turn.prompt.text.includes("cider is famous")));
  const shifted = await run(true);
  assert.ok(gone, "the entry went");
  assert.equal(shifted.cause, "new-messages", shifted.reason);
  assert.equal(shifted.reprocessed, 0);
  assert.equal(shifted.shifted[0]?.what, 'lore entry "Cider" went (before character)');
  assert.ok(shifted.shifted[0]!.tokens > 0);
  assert.ok(shifted.evaluated <= shifted.newTokens, `evaluated ${shifted.evaluated}, new ${shifted.newTokens}`);
  // A prefix-only cache evaluates everything after the entry's place again.
  const prefixOnly = await run(false);
  assert.equal(prefixOnly.cause, "lore");
  assert.equal(prefixOnly.reason, 'lore entry "Cider" went (before character)');
  assert.ok(prefixOnly.evaluated > prefixOnly.newTokens + shifted.evaluated, `prefix only ${prefixOnly.evaluated}, shifted ${shifted.evaluated}`);
});

test("with splice on, a lore entry that comes is evaluated in its place and the messages after it are kept", async () => {
  const run = (splice: boolean) => playUntil(cider(), { splice }, ["Where am I?", "Where do I sleep?", "Is the road safe?", "Is there cider?"]);
  const spliced = await run(true);
  assert.equal(spliced.cause, "lore");
  assert.equal(spliced.inserted.length, 1);
  assert.equal(spliced.inserted[0]!.what, 'lore entry "Cider" came (before character)');
  assert.ok(spliced.reprocessed <= spliced.inserted[0]!.tokens, `only the entry is evaluated beyond the new tokens (${spliced.reprocessed} of ${spliced.inserted[0]!.tokens})`);
  const exact = await run(false);
  assert.deepEqual(exact.inserted, []);
  assert.ok(exact.evaluated > spliced.evaluated + 40, `without splice the history after the entry is evaluated again: ${exact.evaluated} vs ${spliced.evaluated}`);
});

test("with splice on, an entry at a depth that slides with the chat is moved, not evaluated again", async () => {
  const books = [parseWorldInfo({ entries: {
    "0": { uid: 0, key: [], constant: true, comment: "Weather", content: "Rain drums on the inn's roof all evening.", position: 4, depth: 2 },
  } }, { file: "w.json", name: "W" })];
  const run = (splice: boolean) => playUntil(books, { splice }, ["Where am I?", "Where do I sleep?", "Is the road safe?"]);
  const spliced = await run(true);
  assert.equal(spliced.cause, "new-messages", spliced.reason);
  assert.equal(spliced.reprocessed, 0);
  assert.ok(spliced.evaluated <= spliced.newTokens, `evaluated ${spliced.evaluated}, new ${spliced.newTokens}`);
  const exact = await run(false);
  assert.equal(exact.cause, "depth-insertion");
  assert.match(exact.reason, /moves with each new message \(it goes 2 messages from the end\)/);
  assert.ok(exact.reprocessed > 0);
});

test("when the cache cannot be rearranged, the turn is evaluated afresh, still correct, and says why", async () => {
  // Fault injection: the evaluation of the block to splice in fails once.
  const prototype = LlamaContextSequence.prototype;
  const original = prototype.evaluateWithoutGeneratingNewTokens;
  let failNext = false;
  prototype.evaluateWithoutGeneratingNewTokens = function (this: LlamaContextSequence, ...args: Parameters<typeof original>) {
    if (failNext) {
      failNext = false;
      return Promise.reject(new Error("decode failed"));
    }
    return original.apply(this, args);
  };
  try {
    let turns = 0;
    // `say` checks the reply against the model's exact reference, fallback or not.
    const reuse = await playUntil(cider(), { splice: true }, ["Where am I?", "Where do I sleep?", "Is the road safe?", "Is there cider?"], () => {
      failNext = ++turns === 3;
      return false;
    });
    assert.equal(failNext, false, "the splice tried to evaluate the entry that came");
    assert.equal(reuse.cause, "cold");
    assert.equal(reuse.reason, "the cache could not be rearranged (decode failed), so the prompt was evaluated afresh");
    assert.equal(reuse.evaluated, reuse.promptTokens);
  } finally {
    prototype.evaluateWithoutGeneratingNewTokens = original;
  }
});

test("going back to a chat after another one used the model loads its saved state instead of evaluating it again", async () => {
  const store = new KvStateStore({ dir: join(dir, "kv-switch") });
  const model = await open();
  model.usePromptCache({ storage: store });
  try {
    const env = testEnv();
    let a = (await say(model, createChat({ character, characterId: "s", env }), "Where am I?", env)).chat;
    const other = await say(model, createChat({ character: card({ mes_example: "", description: "Another glade entirely." }), characterId: "t", env }), "Hello?", env);
    assert.equal(other.turn.reuse!.source === "saved", false);
    assert.deepEqual((await store.list()).map((s) => s.chatId), [a.id], "the first chat's state was saved when the other took the model");
    const back = await say(model, a, "Who are you?", env);
    a = back.chat;
    assert.equal(back.turn.reuse!.source, "saved");
    assert.equal(back.turn.reuse!.cause, "new-messages");
    assert.ok(back.turn.reuse!.evaluated <= back.turn.reuse!.newTokens);
  } finally {
    await model.unload();
  }
});

import { test } from "node:test";
import assert from "node:assert/strict";
import {
  chatGreetings,
  addSwipe,
  applyTurn,
  appendAssistantReply,
  branchChat,
  ChatOperationError,
  continueReply,
  createChat,
  currentSwipe,
  deleteFrom,
  deleteMessage,
  deleteSwipe,
  editMessage,
  pickGreeting,
  renameChat,
  sendUserMessage,
  setDraft,
  setHidden,
  setLoreState,
  setVariables,
  swipe,
  updateSettings,
} from "../../../src/core/chat/operations.ts";
import type { Chat } from "../../../src/core/chat/types.ts";
import { testCharacter, testEnv } from "../../support/chatFixtures.ts";

function texts(chat: Chat): string[] {
  return chat.messages.map((m) => currentSwipe(m).text);
}

function started() {
  const env = testEnv();
  const chat = createChat({ character: testCharacter(), characterId: "seraphina.png", env });
  return { env, chat };
}

test("a new chat opens with the greeting, alternate greetings as its swipes", () => {
  const { chat } = started();
  assert.equal(chat.messages.length, 1);
  const greeting = chat.messages[0]!;
  assert.equal(greeting.role, "assistant");
  assert.equal(greeting.name, "Seraphina");
  assert.deepEqual(greeting.swipes.map((s) => s.text), ["Welcome to the glade, {{user}}.", "You wake by a fire.", "Rain taps on the leaves."]);
  assert.equal(greeting.swipeIndex, 0);
  assert.equal(chat.characterId, "seraphina.png");
  assert.deepEqual(chat.variables, {});
});

test("a chat can open on an alternate greeting, and another can be picked", () => {
  const env = testEnv();
  const chat = createChat({ character: testCharacter(), characterId: "s", env, greetingIndex: 2 });
  assert.deepEqual(texts(chat), ["Rain taps on the leaves."]);
  assert.deepEqual(texts(pickGreeting(chat, 1, env)), ["You wake by a fire."]);
  assert.throws(() => pickGreeting(chat, 3, env), /greeting 3 does not exist \(this card has 3\)/);
});

test("greeting numbers skip a blank first message, as the greeting list shows them", () => {
  const character = testCharacter({ first_mes: "  ", alternate_greetings: ["Fog again.", "", "Dawn."] });
  assert.deepEqual(chatGreetings(character), ["Fog again.", "Dawn."]);
  assert.deepEqual(texts(createChat({ character, characterId: "s", env: testEnv(), greetingIndex: 1 })), ["Dawn."]);
});

test("a card without greetings starts an empty chat", () => {
  const chat = createChat({ character: testCharacter({ first_mes: "", alternate_greetings: [] }), characterId: "s", env: testEnv() });
  assert.deepEqual(chat.messages, []);
});

test("send and reply append messages and never change the old chat", () => {
  const { env, chat } = started();
  const sent = sendUserMessage(chat, { text: "Hello", name: "Ann", env });
  const replied = appendAssistantReply(sent, { text: "Hi Ann", name: "Seraphina", env, generation: { model: "tiny", tokens: 3 } });
  assert.deepEqual(texts(replied), ["Welcome to the glade, {{user}}.", "Hello", "Hi Ann"]);
  assert.equal(replied.messages[1]!.role, "user");
  assert.equal(replied.messages[1]!.name, "Ann");
  assert.deepEqual(replied.messages[2]!.swipes[0]!.generation, { model: "tiny", tokens: 3 });
  assert.equal(chat.messages.length, 1, "the original chat is untouched");
  assert.equal(replied.messages[0], chat.messages[0], "unchanged messages keep their identity");
  assert.ok(replied.updatedAt > chat.updatedAt);
});

test("a turn applied records where its prompt's history began: a message id, null for none, left out unchanged", () => {
  const { env, chat } = started();
  const sent = sendUserMessage(chat, { text: "Hello", name: "Ann", env });
  const kept = applyTurn(sent, { mode: "reply", text: "Hi Ann", name: "Seraphina", env, keptFrom: sent.messages[1]!.id });
  assert.deepEqual([texts(kept).at(-1), kept.keptFrom], ["Hi Ann", sent.messages[1]!.id]);
  assert.equal(applyTurn(kept, { mode: "swipe", text: "Hello Ann", name: "Seraphina", env }).keptFrom, sent.messages[1]!.id);
  assert.equal("keptFrom" in applyTurn(kept, { mode: "continue", text: "!", name: "Seraphina", env, keptFrom: null }), false);
});

test("regenerate adds a swipe and shows it; swiping browses and asks for a new one past the end", () => {
  const { env, chat } = started();
  let c = appendAssistantReply(sendUserMessage(chat, { text: "Hi", name: "Ann", env }), { text: "one", name: "S", env });
  c = addSwipe(c, { text: "two", env, generation: { tokens: 1 } });
  assert.deepEqual(c.messages[2]!.swipes.map((s) => s.text), ["one", "two"]);
  assert.equal(c.messages[2]!.swipeIndex, 1);
  const left = swipe(c, "left", env);
  assert.equal(left.kind, "moved");
  assert.equal(currentSwipe(left.chat.messages[2]!).text, "one");
  assert.equal(swipe(left.chat, "left", env).kind, "unchanged");
  const right = swipe(left.chat, "right", env);
  assert.equal(currentSwipe(right.chat.messages[2]!).text, "two");
  const past = swipe(right.chat, "right", env);
  assert.equal(past.kind, "generate");
  assert.equal(past.chat, right.chat);
});

test("swiping needs a reply as the last message", () => {
  const { env, chat } = started();
  const sent = sendUserMessage(chat, { text: "Hi", name: "Ann", env });
  assert.throws(() => swipe(sent, "right", env), ChatOperationError);
  assert.throws(() => addSwipe(sent, { text: "x", env }), /the last message is not a reply/);
});

test("continue appends to the current swipe only", () => {
  const { env, chat } = started();
  let c = appendAssistantReply(sendUserMessage(chat, { text: "Hi", name: "Ann", env }), { text: "She smiles", name: "S", env });
  c = addSwipe(c, { text: "She frowns", env });
  c = continueReply(c, { text: " and nods.", env });
  assert.deepEqual(c.messages[2]!.swipes.map((s) => s.text), ["She smiles", "She frowns and nods."]);
});

test("impersonation becomes the draft, and sending clears it", () => {
  const { env, chat } = started();
  const drafted = setDraft(chat, "I bow.", env);
  assert.equal(drafted.draft, "I bow.");
  assert.equal(drafted.messages.length, 1, "a draft is not sent");
  const sent = sendUserMessage(drafted, { text: "I bow deeply.", name: "Ann", env });
  assert.equal(sent.draft, undefined);
  assert.equal("draft" in setDraft(drafted, "", env), false);
});

test("a typed draft keeps its text exactly; blank text clears it; the messages are untouched", () => {
  const { env, chat } = started();
  const drafted = setDraft(chat, "  Two lines,\nindented.  ", env);
  assert.equal(drafted.draft, "  Two lines,\nindented.  ");
  assert.equal(drafted.messages, chat.messages, "the messages keep their identity, so the store writes only the draft");
  assert.equal(drafted.settings, chat.settings);
  assert.equal("draft" in setDraft(drafted, " \n  ", env), false, "whitespace alone is no draft");
});

test("edit changes the current swipe of any message", () => {
  const { env, chat } = started();
  const c = sendUserMessage(chat, { text: "Hi", name: "Ann", env });
  const edited = editMessage(c, c.messages[1]!.id, "Hello there", env);
  assert.deepEqual(texts(edited), ["Welcome to the glade, {{user}}.", "Hello there"]);
  const greeting = editMessage(pickGreeting(c, 1, env), c.messages[0]!.id, "By the fire.", env);
  assert.deepEqual(greeting.messages[0]!.swipes.map((s) => s.text), ["Welcome to the glade, {{user}}.", "By the fire.", "Rain taps on the leaves."]);
  assert.throws(() => editMessage(c, "nope", "x", env), /message nope is not in chat/);
});

test("delete removes one message; delete-from-here removes it and everything after", () => {
  const { env, chat } = started();
  let c = sendUserMessage(chat, { text: "a", name: "Ann", env });
  c = appendAssistantReply(c, { text: "b", name: "S", env });
  c = sendUserMessage(c, { text: "c", name: "Ann", env });
  assert.deepEqual(texts(deleteMessage(c, c.messages[2]!.id, env)), ["Welcome to the glade, {{user}}.", "a", "c"]);
  assert.deepEqual(texts(deleteFrom(c, c.messages[2]!.id, env)), ["Welcome to the glade, {{user}}.", "a"]);
});

test("hide and unhide a message", () => {
  const { env, chat } = started();
  const c = sendUserMessage(chat, { text: "a", name: "Ann", env });
  const id = c.messages[1]!.id;
  const hidden = setHidden(c, id, true, env);
  assert.equal(hidden.messages[1]!.hidden, true);
  assert.equal("hidden" in setHidden(hidden, id, false, env).messages[1]!, false);
});

test("branch copies the chat up to a message under a new id and title", () => {
  const { env, chat } = started();
  let c = sendUserMessage(chat, { text: "a", name: "Ann", env });
  c = appendAssistantReply(c, { text: "b", name: "S", env });
  c = updateSettings(c, { presetName: "Creative" }, env);
  c = setVariables(c, { mood: "calm" }, env);
  c = setDraft(c, "unsent words", env);
  const branch = branchChat(c, c.messages[1]!.id, env);
  assert.equal(branch.draft, undefined, "the draft stays with the source chat");
  assert.notEqual(branch.id, c.id);
  assert.equal(branch.title, `${c.title} (branch)`);
  assert.deepEqual(texts(branch), ["Welcome to the glade, {{user}}.", "a"]);
  assert.equal(new Set([...branch.messages.map((m) => m.id), ...c.messages.map((m) => m.id)]).size, 5, "new message ids");
  assert.deepEqual(branch.settings, { presetName: "Creative" });
  assert.deepEqual(branch.variables, { mood: "calm" });
  assert.deepEqual(branch.extra, { branchedFrom: { chatId: c.id, messageId: c.messages[1]!.id } });
  branch.variables.mood = "changed";
  assert.equal(c.variables.mood, "calm", "the branch shares nothing with its source");
});

test("per-chat settings: set, change and remove", () => {
  const { env, chat } = started();
  let c = updateSettings(
    chat,
    {
      samplers: { temperature: 0.7 },
      presetName: "Creative",
      authorsNote: { text: "Keep it short.", depth: 4, frequency: 1, role: "system" },
      lorebooks: ["Forest"],
      instructTemplate: "ChatML",
      personaName: "Ann",
    },
    env,
  );
  c = updateSettings(c, { presetName: undefined, lorebooks: ["Forest", "Town"] }, env);
  assert.deepEqual(c.settings, {
    samplers: { temperature: 0.7 },
    authorsNote: { text: "Keep it short.", depth: 4, frequency: 1, role: "system" },
    lorebooks: ["Forest", "Town"],
    instructTemplate: "ChatML",
    personaName: "Ann",
  });
  assert.deepEqual(chat.settings, {});
});

test("lore state and variables are stored as given; rename trims and refuses empty", () => {
  const { env, chat } = started();
  const c = setLoreState(setVariables(chat, { x: "1" }, env), { sticky: { 3: 2 } }, env);
  assert.deepEqual(c.loreState, { sticky: { 3: 2 } });
  assert.deepEqual(c.variables, { x: "1" });
  assert.equal(renameChat(c, "  Forest walk ", env).title, "Forest walk");
  assert.throws(() => renameChat(c, "  ", env), /cannot be empty/);
});

test("deleting a swipe shows the next one, or the previous at the end; the only swipe cannot go", () => {
  const { env, chat } = started();
  let c = sendUserMessage(chat, { text: "Hello", name: "Ann", env });
  c = appendAssistantReply(c, { text: "One", name: "Seraphina", env });
  c = addSwipe(addSwipe(c, { text: "Two", env }), { text: "Three", env });
  const reply = c.messages.at(-1)!;
  const middle = swipe(c, "left", env).chat;
  const afterMiddle = deleteSwipe(middle, reply.id, env);
  assert.deepEqual(afterMiddle.messages.at(-1)!.swipes.map((s) => s.text), ["One", "Three"]);
  assert.equal(currentSwipe(afterMiddle.messages.at(-1)!).text, "Three");
  assert.equal(currentSwipe(deleteSwipe(c, reply.id, env).messages.at(-1)!).text, "Two");
  assert.throws(() => deleteSwipe(c, c.messages[1]!.id, env), /only swipe: delete the message instead/);
});

test("reasoning: a reply and each swipe keep their own, a continuation can grow it, a person's edit marks it", async () => {
  const { addSwipe, appendAssistantReply, continueReply, editReasoning, swipe } = await import("../../../src/core/chat/operations.ts");
  const env = testEnv();
  let chat = createChat({ character: testCharacter(), characterId: "s", env });
  chat = appendAssistantReply(chat, { text: "Hello!", name: "Seraphina", env, reasoning: { text: "Greet.", durationMs: 1200, type: "parsed" } });
  chat = addSwipe(chat, { text: "Hi.", env });
  const last = () => chat.messages.at(-1)!;
  assert.equal(last().swipes[1]!.reasoning, undefined, "a new swipe starts without reasoning");
  chat = swipe(chat, "left", env).chat;
  assert.equal(last().swipes[last().swipeIndex]!.reasoning?.text, "Greet.", "each swipe shows its own");
  chat = continueReply(chat, { text: " More.", env, reasoning: { text: "Greet. Then more.", type: "parsed" } });
  assert.equal(last().swipes[0]!.text, "Hello! More.");
  assert.equal(last().swipes[0]!.reasoning?.text, "Greet. Then more.");
  chat = editReasoning(chat, last().id, "Greet warmly.", env);
  assert.deepEqual(last().swipes[0]!.reasoning, { text: "Greet warmly.", type: "edited" });
  chat = editReasoning(chat, last().id, "", env);
  assert.deepEqual(last().swipes[0]!.reasoning, { text: "" }, "deleted: empty, its type and duration gone");
  const added = editReasoning(chat, chat.messages[0]!.id, "Open warmly.", env);
  assert.deepEqual(added.messages[0]!.swipes[added.messages[0]!.swipeIndex]!.reasoning, { text: "Open warmly.", type: "manual" });
});

test("a summary kept on the last message goes when that message is regenerated or edited", async () => {
  const { addSwipe, appendAssistantReply, editMessage } = await import("../../../src/core/chat/operations.ts");
  const env = testEnv();
  let chat = createChat({ character: testCharacter(), characterId: "s", env });
  chat = appendAssistantReply(chat, { text: "Hello!", name: "Seraphina", env });
  const withMemory = { ...chat, messages: chat.messages.map((m, i) => (i === chat.messages.length - 1 ? { ...m, memory: "sum" } : i === 0 ? { ...m, memory: "older" } : m)) };
  assert.equal(addSwipe(withMemory, { text: "Hi.", env }).messages.at(-1)!.memory, undefined);
  assert.equal(editMessage(withMemory, withMemory.messages.at(-1)!.id, "Hey.", env).messages.at(-1)!.memory, undefined);
  assert.equal(editMessage(withMemory, withMemory.messages[0]!.id, "Hey.", env).messages[0]!.memory, "older", "only the last message's");
});

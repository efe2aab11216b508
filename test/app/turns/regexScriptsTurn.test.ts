import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createChat, currentSwipe, sendUserMessage } from "../../../src/core/chat/operations.ts";
import type { Chat } from "../../../src/core/chat/types.ts";
import { regexRunner } from "../../../src/core/prompt/index.ts";
import { answerCardScripts, displayMessage, noPermissions, RegexProblemLog, scriptsForChat } from "../../../src/core/regexScripts/index.ts";
import { resolveSamplers } from "../../../src/core/samplers/validate.ts";
import { loadModel, type LoadedModel } from "../../../src/engine/generation/loadModel.ts";
import { playChatTurn } from "../../../src/app/turns/playTurn.ts";
import { BoundedRegexFinder } from "../../../src/engine/regex/boundedRegexFinder.ts";
import { card, persona } from "../../core/prompt/fixture.ts";
import { testEnv } from "../../support/chatFixtures.ts";
import { writeTinyChatModel } from "../../support/tinyGguf.ts";

let model: LoadedModel;
const finder = new BoundedRegexFinder();

before(async () => {
  const dir = await mkdtemp(join(tmpdir(), "taproom-regex-"));
  model = await loadModel({ path: await writeTinyChatModel(join(dir, "tiny.gguf")), gpu: "cpu", threads: 1, contextSize: 2048 });
});

after(async () => {
  await model.unload();
  finder.close();
});

/** A card as SillyTavern exports one with scripts: one changes what is stored, one the prompt, one the screen. */
const extensions = {
  regex_scripts: [
    { id: "1", scriptName: "Title", findRegex: "/Bryn/g", replaceString: "Bryn the {{user}}-friend", trimStrings: [], placement: [2], disabled: false, markdownOnly: false, promptOnly: false, runOnEdit: true, substituteRegex: 0, minDepth: null, maxDepth: null },
    { id: "2", scriptName: "Shorter prompt", findRegex: "/ the (\\w+)-friend/g", replaceString: "", trimStrings: [], placement: [2], disabled: false, markdownOnly: false, promptOnly: true, runOnEdit: false, substituteRegex: 0, minDepth: 1, maxDepth: null },
    { id: "3", scriptName: "Shout", findRegex: "/Hi/g", replaceString: "HI", trimStrings: [], placement: [2], disabled: false, markdownOnly: true, promptOnly: false, runOnEdit: false, substituteRegex: 0, minDepth: null, maxDepth: null },
  ],
};

test("a card's regex scripts, once allowed, change the stored reply, the prompt and the display, each as placed", async () => {
  const env = testEnv();
  const character = { ...card(), extensions };
  const samplers = resolveSamplers({ temperature: 0, maxTokens: 20 });
  const log = new RegexProblemLog();
  const refused = scriptsForChat({ global: [], cardId: "seraphina", extensions, permissions: noPermissions });
  assert.equal(refused.card, "ask");
  assert.deepEqual(refused.scripts, [], "not run before the person allows them");
  const allowed = scriptsForChat({ global: [], cardId: "seraphina", extensions, permissions: answerCardScripts(noPermissions, "seraphina", extensions, true) });
  const regex = { scripts: allowed.scripts, finder, report: log.report };

  let chat: Chat = sendUserMessage(createChat({ character, characterId: "seraphina", env }), { text: "Where am I?", name: persona.name, env });
  const first = await playChatTurn({ model, chat, character, persona, books: [], settings: { samplers }, mode: "reply", env, regex });
  chat = first.chat;
  assert.equal(currentSwipe(chat.messages.at(-1)!).text, "Hi, Bryn the Ann-friend.", "stored through the AI-output script, {{user}} expanded");

  chat = sendUserMessage(chat, { text: "Who are you?", name: persona.name, env });
  const second = await playChatTurn({ model, chat, character, persona, books: [], settings: { samplers }, mode: "reply", env, regex });
  assert.ok(second.turn.prompt.text.includes("Seraphina: Hi, Bryn.<|im_end|>"), "at depth 1 the prompt-only script shortened it");
  assert.equal(currentSwipe(second.chat.messages.at(-3)!).text, "Hi, Bryn the Ann-friend.", "the stored text is unchanged");

  const run = regexRunner({ character, persona, chatId: chat.id, regex });
  const shown = second.chat.messages.map((_, i) => displayMessage(second.chat.messages, i, run).text);
  assert.deepEqual(shown.slice(-3), ["HI, Bryn the Ann-friend.", "Who are you?", "HI, Bryn the Ann-friend."]);
  assert.deepEqual(log.take(), []);
});

test("without permission the same card's scripts do nothing", async () => {
  const env = testEnv();
  const character = { ...card(), extensions };
  const samplers = resolveSamplers({ temperature: 0, maxTokens: 20 });
  const { scripts } = scriptsForChat({ global: [], cardId: "seraphina", extensions, permissions: answerCardScripts(noPermissions, "seraphina", extensions, false) });
  const chat = sendUserMessage(createChat({ character, characterId: "seraphina", env }), { text: "Where am I?", name: persona.name, env });
  const played = await playChatTurn({ model, chat, character, persona, books: [], settings: { samplers }, mode: "reply", env, regex: { scripts, finder } });
  assert.equal(currentSwipe(played.chat.messages.at(-1)!).text, "Hi, Bryn.");
});

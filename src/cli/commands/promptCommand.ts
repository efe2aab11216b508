import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseChatJsonl } from "../../core/chat/jsonl.ts";
import { createChat, systemChatEnv } from "../../core/chat/operations.ts";
import type { Chat } from "../../core/chat/types.ts";
import { activateLoreForChat } from "../../core/lorebook/forChat.ts";
import { approximateTokenCount } from "../../core/prompt/approximateTokens.ts";
import { formatInspection, inspectPrompt } from "../../core/prompt/inspect.ts";
import { samplersForChat } from "../../core/samplers/presets.ts";
import { resolveSamplers } from "../../core/samplers/validate.ts";
import { buildTurnPrompt, type TurnModel } from "../../engine/chatTurn.ts";
import { loadTokenizer, type ModelTokenizer } from "../../engine/generation/loadTokenizer.ts";
import { CardLibrary } from "../../store/cards/library.ts";
import { ChatStore } from "../../store/chats/chatStore.ts";
import { booksForCharacter } from "../../store/lorebooks/booksForCharacter.ts";
import { dataDir, dataPaths } from "../../store/paths.ts";
import { PresetStore } from "../../store/presets/presetStore.ts";
import { SettingsStore } from "../../store/settings.ts";
import { sanitizeForTerminal } from "../../core/text/sanitize.ts";
import { parseCommandArgs, parseIntegerFlag } from "../args.ts";
import { UsageError, type CliCommand, type CliIO } from "../command.ts";
import { namesFlag } from "../namesFlag.ts";
import { promptHelp } from "./help.ts";

const options = {
  character: { type: "string" },
  chat: { type: "string" },
  model: { type: "string" },
  template: { type: "string" },
  names: { type: "string" },
  context: { type: "string" },
  "max-tokens": { type: "string" },
  json: { type: "boolean" },
} as const;

async function readChat(ref: string, io: CliIO, chatsDir: string): Promise<Chat> {
  if (ref.endsWith(".jsonl")) {
    const file = resolve(io.cwd, ref);
    return parseChatJsonl({ text: await readFile(file, "utf8"), file, env: systemChatEnv });
  }
  const store = await ChatStore.open({ dir: chatsDir });
  return (await store.open(ref)).chat;
}

async function run(argv: string[], io: CliIO): Promise<number> {
  const { values: v } = parseCommandArgs(argv, options, false);
  if (!v.character) throw new UsageError("--character FILE_OR_NAME is required");
  const paths = dataPaths(dataDir(io.env));
  const library = new CardLibrary({ dir: paths.characters, indexPath: `${paths.cache}/card-index.json` });
  const card = await library.resolve(v.character, io.cwd);
  const character = card.card.character;
  const chat = v.chat ? await readChat(v.chat, io, paths.chats) : createChat({ character, characterId: card.id ?? card.path, env: systemChatEnv });
  const settings = await SettingsStore.open({ path: paths.settings });
  const tokenizer: ModelTokenizer | undefined = v.model ? await loadTokenizer(v.model) : undefined;
  try {
    const contextSize = parseIntegerFlag("context", v.context) ?? Math.min(8192, tokenizer?.facts.trainContext || 8192);
    const model: Pick<TurnModel, "contextSize" | "chatTemplate" | "countTokens" | "ownTemplate"> = {
      contextSize,
      chatTemplate: tokenizer?.chatTemplate,
      ownTemplate: tokenizer?.ownTemplate,
      countTokens: tokenizer ? (t) => tokenizer.countTokens(t) : approximateTokenCount,
    };

    // The reply's reserve comes from the samplers the chat would generate with.
    const presetStore = await PresetStore.open({ root: paths.root });
    const forChat = samplersForChat({
      defaults: resolveSamplers(),
      presets: presetStore.list(),
      ...(settings.settings.defaultPreset !== undefined && { defaultPresetName: settings.settings.defaultPreset }),
      ...(chat.settings.presetName !== undefined && { chatPresetName: chat.settings.presetName }),
      ...(chat.settings.samplers && { chatOverrides: chat.settings.samplers }),
    });
    const maxTokens = parseIntegerFlag("max-tokens", v["max-tokens"]);
    const samplers = resolveSamplers(forChat, maxTokens === undefined ? {} : { maxTokens });
    const { books, tiers, warnings, problems } = await booksForCharacter(character, chat.settings.lorebooks, { env: io.env, globalBooks: settings.settings.globalLorebooks });
    for (const line of [...problems, ...warnings]) io.stderr.write(`${sanitizeForTerminal(line)}\n`);
    // SillyTavern's World Info budget is a share of the context left after the reply.
    const lore = activateLoreForChat({
      books, tiers, chat, character, personaName: settings.personaFor(chat.settings).name, generationType: "normal",
      contextSize: Math.max(1, model.contextSize - samplers.maxTokens), tokenize: (t) => model.countTokens(t), settings: settings.settings.worldInfo,
    });
    const { prompt, choice } = buildTurnPrompt({
      model,
      chat,
      character,
      persona: settings.personaFor(chat.settings),
      lore: lore.insertions,
      settings: { samplers, ...(v.template && { template: v.template }), ...namesFlag(v.names), ...settings.promptSettings(), templates: presetStore.templates() },
      mode: "reply",
    });
    const counter = tokenizer ? `${tokenizer.name} tokenizer` : "estimated: about 3.5 characters per token; pass --model for exact counts";
    const view = inspectPrompt(prompt, { template: choice.note, counter });
    io.stdout.write(v.json ? `${JSON.stringify({ ...view, text: prompt.text }, null, 2)}\n` : `${formatInspection(view)}\n`);
  } finally {
    await tokenizer?.close();
  }
  return 0;
}

export const promptCommand: CliCommand = {
  ...promptHelp,
  run,
};

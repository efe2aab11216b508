import { createChat, sendUserMessage, systemChatEnv } from "../../core/chat/operations.ts";
import type { Chat } from "../../core/chat/types.ts";
import type { SamplerSettings } from "../../core/samplers/types.ts";
import { resolveSamplers, SamplerRangeError } from "../../core/samplers/validate.ts";
import { samplersForChat } from "../../core/samplers/presets.ts";
import { loadModel } from "../../engine/generation/loadModel.ts";
import { playChatTurn } from "../../engine/playChatTurn.ts";
import type { GpuChoice } from "../../engine/runtime/llama.ts";
import { CardLibrary } from "../../store/cards/library.ts";
import { ChatStore, type ChatHandle } from "../../store/chats/chatStore.ts";
import { booksForCharacter } from "../../store/lorebooks/booksForCharacter.ts";
import { dataDir, dataPaths } from "../../store/paths.ts";
import { PresetStore } from "../../store/presets/presetStore.ts";
import { SettingsStore } from "../../store/settings.ts";
import { sanitizeForTerminal } from "../../core/text/sanitize.ts";
import { parseCommandArgs, parseIntegerFlag, parseNumberFlag } from "../args.ts";
import { UsageError, type CliCommand, type CliIO } from "../command.ts";
import { namesFlag } from "../namesFlag.ts";
import { promptCacheOptions } from "../../app/promptCache.ts";
import { reuseSummary } from "../../core/promptCache/explain.ts";
import { chatHelp } from "./help.ts";

const options = {
  model: { type: "string" },
  character: { type: "string" },
  message: { type: "string", short: "m" },
  chat: { type: "string" },
  "new-chat": { type: "string" },
  template: { type: "string" },
  names: { type: "string" },
  json: { type: "boolean" },
  "max-tokens": { type: "string" },
  temperature: { type: "string" },
  "top-p": { type: "string" },
  "min-p": { type: "string" },
  "top-k": { type: "string" },
  "repeat-penalty": { type: "string" },
  "repeat-last-n": { type: "string" },
  "frequency-penalty": { type: "string" },
  "presence-penalty": { type: "string" },
  seed: { type: "string" },
  preset: { type: "string" },
  gpu: { type: "string" },
  "gpu-layers": { type: "string" },
  context: { type: "string" },
  threads: { type: "string" },
} as const;

type Values = ReturnType<typeof parseCommandArgs<typeof options>>["values"];

const GPU_CHOICES = ["auto", "cuda", "vulkan", "metal", "cpu"];

export function parseGpuChoice(value: string | undefined): GpuChoice | undefined {
  if (value === undefined) return undefined;
  if (!GPU_CHOICES.includes(value)) throw new UsageError(`--gpu must be one of ${GPU_CHOICES.join(", ")}, got "${value}"`);
  return value as GpuChoice;
}

function samplerFlags(v: Values): Partial<SamplerSettings> {
  const flags: Partial<SamplerSettings> = {
    maxTokens: parseIntegerFlag("max-tokens", v["max-tokens"]),
    temperature: parseNumberFlag("temperature", v.temperature),
    topP: parseNumberFlag("top-p", v["top-p"]),
    minP: parseNumberFlag("min-p", v["min-p"]),
    topK: parseIntegerFlag("top-k", v["top-k"]),
    repeatPenalty: parseNumberFlag("repeat-penalty", v["repeat-penalty"]),
    repeatLastN: parseIntegerFlag("repeat-last-n", v["repeat-last-n"]),
    frequencyPenalty: parseNumberFlag("frequency-penalty", v["frequency-penalty"]),
    presencePenalty: parseNumberFlag("presence-penalty", v["presence-penalty"]),
    seed: parseIntegerFlag("seed", v.seed),
  };
  return Object.fromEntries(Object.entries(flags).filter(([, x]) => x !== undefined));
}

async function openChat(v: Values, store: () => Promise<ChatStore>, fresh: () => Chat): Promise<{ chat: Chat; handle?: ChatHandle }> {
  if (v.chat) {
    const handle = await (await store()).open(v.chat);
    return { chat: handle.chat, handle };
  }
  if (v["new-chat"]) {
    const chat = { ...fresh(), title: v["new-chat"] };
    const handle = await (await store()).create(chat);
    return { chat: handle.chat, handle };
  }
  return { chat: fresh() };
}

async function run(argv: string[], io: CliIO): Promise<number> {
  const { values: v } = parseCommandArgs(argv, options, false);
  if (!v.model) throw new UsageError("--model FILE is required");
  if (!v.message) throw new UsageError("--message TEXT is required");
  if (v.chat && v["new-chat"]) throw new UsageError("use either --chat or --new-chat, not both");
  if (!v.chat && !v.character) throw new UsageError("--character FILE_OR_NAME is required (or --chat NAME)");
  const flags = samplerFlags(v);
  const gpu = parseGpuChoice(v.gpu);
  const paths = dataPaths(dataDir(io.env));
  const settings = await SettingsStore.open({ path: paths.settings });
  let chatStore: ChatStore | undefined;
  const store = async () => (chatStore ??= await ChatStore.open({ dir: paths.chats }));

  const library = new CardLibrary({ dir: paths.characters, indexPath: `${paths.cache}/card-index.json` });
  // A saved chat names its card by id; a deleted card's chats go on with the card from the trash.
  const card = v.character ? await library.resolve(v.character, io.cwd) : await library.cardForChat((await store()).resolve(v.chat!).characterId, io.cwd);
  const character = card.card.character;
  const fresh = () => createChat({ character, characterId: card.id ?? card.path, env: systemChatEnv });
  const opened = await openChat(v, store, fresh);
  const persona = settings.personaFor(opened.chat.settings);
  const chat = sendUserMessage(opened.chat, { text: v.message, name: persona.name, env: systemChatEnv });

  const presetStore = await PresetStore.open({ root: paths.root });
  const presets = presetStore.list();
  let samplers: SamplerSettings;
  try {
    const forChat = samplersForChat({
      defaults: resolveSamplers(),
      presets,
      ...(settings.settings.defaultPreset !== undefined && { defaultPresetName: settings.settings.defaultPreset }),
      ...((v.preset ?? chat.settings.presetName) !== undefined && { chatPresetName: v.preset ?? chat.settings.presetName }),
      ...(chat.settings.samplers && { chatOverrides: chat.settings.samplers }),
    });
    samplers = resolveSamplers(forChat, flags);
  } catch (error) {
    if (error instanceof SamplerRangeError) throw new UsageError(error.message);
    throw error;
  }

  const { books, tiers, warnings, problems } = await booksForCharacter(character, chat.settings.lorebooks, { env: io.env, globalBooks: settings.settings.globalLorebooks });
  for (const line of [...problems, ...warnings]) io.stderr.write(`${sanitizeForTerminal(line)}\n`);
  const model = await loadModel({
    path: v.model,
    ...(gpu && { gpu }),
    ...(v["gpu-layers"] !== undefined && { gpuLayers: parseIntegerFlag("gpu-layers", v["gpu-layers"]) }),
    ...(v.context !== undefined && { contextSize: parseIntegerFlag("context", v.context) }),
    ...(v.threads !== undefined && { threads: parseIntegerFlag("threads", v.threads) }),
  });
  // A saved chat keeps its KV state, so the next `taproom chat --chat` evaluates only what is new.
  model.usePromptCache(promptCacheOptions(settings.settings, paths, opened.handle !== undefined));
  try {
    const played = await playChatTurn({
      model,
      chat,
      character,
      persona,
      books,
      bookTiers: tiers,
      loreSettings: settings.settings.worldInfo,
      settings: { samplers, ...(v.template && { template: v.template }), ...namesFlag(v.names), ...settings.promptSettings(), templates: presetStore.templates() },
      mode: "reply",
      env: systemChatEnv,
    });
    if (opened.handle) {
      await opened.handle.save(played.chat);
      await opened.handle.flush();
    }
    const g = played.turn.generation;
    if (v.json) {
      io.stdout.write(`${JSON.stringify({
        reply: played.turn.text,
        stopReason: g.stopReason,
        tokens: g.tokens,
        timings: { ...played.turn.timings, tokensPerSecond: played.turn.timings.tokensPerSecond ?? g.tokensPerSecond },
        cache: played.turn.reuse && { ...played.turn.reuse, summary: reuseSummary(played.turn.reuse) },
        template: played.turn.template.template.name,
        lore: played.lore.insertions.map((i) => i.entryId),
        plan: model.info,
        chat: opened.handle ? played.chat.title : undefined,
      }, (k, x) => (k === "facts" ? undefined : x), 2)}\n`);
    } else {
      io.stdout.write(`${played.turn.text}\n`);
    }
  } finally {
    await model.unload();
  }
  return 0;
}

export const chatCommand: CliCommand = {
  ...chatHelp,
  run,
};

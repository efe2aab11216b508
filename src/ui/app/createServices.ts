import type { TuiOptions } from "../../cli/commands/tuiCommand.ts";
import type { Character } from "../../core/cards/character.ts";
import { createChat, currentSwipe, systemChatEnv, updateSettings } from "../../core/chat/operations.ts";
import type { Persona } from "../../core/chat/persona.ts";
import type { Chat, ChatMessage } from "../../core/chat/types.ts";
import type { Lorebook } from "../../core/lorebook/model.ts";
import { samplersForChat } from "../../core/samplers/presets.ts";
import type { SamplerSettings } from "../../core/samplers/types.ts";
import { resolveSamplers } from "../../core/samplers/validate.ts";
import { loadModel, type LoadedModel } from "../../engine/generation/loadModel.ts";
import { playChatTurn } from "../../engine/playChatTurn.ts";
import { CardLibrary } from "../../store/cards/library.ts";
import { ChatStore, type ChatHandle } from "../../store/chats/chatStore.ts";
import type { LoreSettings } from "../../core/lorebook/activate.ts";
import { booksForCharacter } from "../../store/lorebooks/booksForCharacter.ts";
import { dataDir, dataPaths } from "../../store/paths.ts";
import { PresetStore } from "../../store/presets/presetStore.ts";
import { SettingsStore } from "../../store/settings.ts";
import type { AppServices, GenerateRequest, GenerateResult, TurnReport } from "./services.ts";

/** Generation was asked for but no model can serve it; the chat shows the reason. */
export class NoEngineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NoEngineError";
  }
}

/** Everything the app needs for one chat with one character: the real layers behind AppServices. */
export interface AppSession {
  services: AppServices;
  character: Character;
  persona: Persona;
  chatTitle: string;
  initialMessages: ChatMessage[];
  samplers: SamplerSettings;
  /** Shown when the chat opens: where things stand (no model, a book that is missing...). */
  notice: string | null;
  setModel(model: LoadedModel | null): void;
  close(): Promise<void>;
}

const DEFAULT_CHARACTER = "Brindle";

async function openChatFor(store: ChatStore, character: Character, characterId: string): Promise<ChatHandle> {
  const latest = store
    .list()
    .filter((entry) => entry.characterId === characterId)
    .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0];
  if (latest) return store.open(latest.id);
  return store.create(createChat({ character, characterId, env: systemChatEnv }));
}

/** Resolves the character, resumes its latest chat (or starts one from its greeting), and wires generation. */
export async function openAppSession(options: TuiOptions, env: NodeJS.ProcessEnv): Promise<AppSession> {
  const paths = dataPaths(dataDir(env));
  const settings = await SettingsStore.open({ path: paths.settings });
  const library = new CardLibrary({ dir: paths.characters, indexPath: `${paths.cache}/card-index.json` });
  const card = await library.resolve(options.character ?? settings.settings.lastCharacter ?? DEFAULT_CHARACTER);
  const character = card.card.character;
  const characterId = card.id ?? card.path;
  const store = await ChatStore.open({ dir: paths.chats });
  const handle = await openChatFor(store, character, characterId);
  let chat: Chat = handle.chat;
  const persona = settings.personaFor(chat.settings);
  const presets = (await PresetStore.open({ root: paths.root })).list();
  const samplers = samplersForChat({
    defaults: resolveSamplers(),
    presets,
    ...(settings.settings.defaultPreset !== undefined && { defaultPresetName: settings.settings.defaultPreset }),
    ...(chat.settings.presetName !== undefined && { chatPresetName: chat.settings.presetName }),
    ...(chat.settings.samplers && { chatOverrides: chat.settings.samplers }),
  });
  const { books, problems } = await booksForCharacter(character, chat.settings.lorebooks, { env, globalBooks: settings.settings.globalLorebooks });
  const loreSettings = settings.settings.worldInfo;
  await settings.update({ lastCharacter: characterId }).catch(() => {});
  let model: LoadedModel | null = null;
  let saveError: string | null = null;
  let lastTurn: TurnReport | null = null;

  const services: AppServices = {
    modelStatus: () => ({
      model: model?.name ?? null,
      backend: model ? `${model.info.backend}${model.info.backend === "cpu" ? "" : ` ${model.info.gpuLayers}/${model.info.totalLayers} layers`}` : "start with --model FILE",
      contextUsed: model?.contextUsed ?? 0,
      contextSize: model?.contextSize ?? 0,
    }),
    generate: (request) => {
      if (!model) throw new NoEngineError("no model loaded: start taproom with --model FILE (taproom models lists yours)");
      return generateWith(model, request, chat, character, persona, books, loreSettings, (next, report) => {
        chat = next;
        lastTurn = report;
      });
    },
    lastTurn: () => lastTurn,
    presets: () => presets,
    setPreset(name) {
      chat = updateSettings(chat, { presetName: name, samplers: undefined }, systemChatEnv);
      handle.save(chat).catch((error: Error) => (saveError = error.message));
    },
    setAuthorsNote(text) {
      const authorsNote = text ? { text, depth: 4, frequency: 1, role: "system" as const } : undefined;
      chat = updateSettings(chat, { authorsNote }, systemChatEnv);
      handle.save(chat).catch((error: Error) => (saveError = error.message));
    },
    saveMessages(messages) {
      if (messages === chat.messages) return;
      chat = { ...chat, messages, updatedAt: new Date().toISOString() };
      handle.save(chat).catch((error: Error) => (saveError = error.message));
    },
  };
  const notes = [...problems, ...(saveError ? [saveError] : [])];
  return {
    services,
    character,
    persona,
    chatTitle: chat.title,
    initialMessages: chat.messages,
    samplers,
    notice: notes.length ? notes.join("; ") : null,
    setModel: (next) => (model = next),
    async close() {
      await handle.flush();
      await model?.unload();
    },
  };
}

async function generateWith(
  model: LoadedModel,
  request: GenerateRequest,
  chat: Chat,
  character: Character,
  persona: Persona,
  books: Lorebook[],
  loreSettings: Partial<LoreSettings>,
  keep: (chat: Chat, report: TurnReport) => void,
): Promise<GenerateResult> {
  let streamed = "";
  const played = await playChatTurn({
    model,
    chat: { ...chat, messages: request.messages },
    character,
    persona,
    books,
    loreSettings,
    settings: { samplers: request.samplers },
    mode: request.mode,
    env: systemChatEnv,
    signal: request.signal,
    onText: (chunk) => request.onText((streamed += chunk)),
  });
  // Lore timers and {{setvar}} values belong to the chat; the messages are the screen's.
  const prompt = played.turn.prompt;
  keep(
    { ...chat, loreState: played.chat.loreState, variables: played.chat.variables },
    {
      template: played.turn.template.note,
      promptTokens: prompt.tokens,
      evaluatedTokens: played.turn.evaluatedPromptTokens ?? prompt.tokens,
      sections: prompt.sections.map(({ kind, label, tokens }) => ({ kind, label, tokens })),
      lore: played.lore.verdicts.map((v) => ({ title: v.comment, fired: v.fired, outcome: v.outcome, detail: v.detail, tokens: v.tokens })),
      plan: model.info.reasons,
    },
  );
  const last = request.messages.at(-1);
  const before = request.mode === "continue" && last ? currentSwipe(last).text : "";
  const text = played.turn.text.startsWith(before) ? played.turn.text.slice(before.length) : played.turn.text;
  const g = played.turn.generation;
  return { text, stopReason: g.stopReason ?? "eos", tokens: g.tokens ?? 0, tokensPerSecond: g.tokensPerSecond ?? 0 };
}

export async function loadModelForTui(options: TuiOptions & { model: string }): Promise<LoadedModel> {
  return loadModel({
    path: options.model,
    ...(options.gpu && { gpu: options.gpu }),
    ...(options.gpuLayers !== undefined && { gpuLayers: options.gpuLayers }),
    ...(options.contextSize !== undefined && { contextSize: options.contextSize }),
    ...(options.threads !== undefined && { threads: options.threads }),
  });
}

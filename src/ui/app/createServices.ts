import type { TuiOptions } from "../../cli/commands/tuiCommand.ts";
import type { Character } from "../../core/cards/character.ts";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { branchChat, createChat, currentSwipe, setDraft, systemChatEnv, updateSettings } from "../../core/chat/operations.ts";
import { setAuthorsNote, setInstructTemplate, setNamesInPrompt } from "../../core/chat/chatSettings.ts";
import { findPersona, type Persona } from "../../core/chat/persona.ts";
import type { Chat } from "../../core/chat/types.ts";
import type { Lorebook } from "../../core/lorebook/model.ts";
import { samplersForChat } from "../../core/samplers/presets.ts";
import { resolveSamplers } from "../../core/samplers/validate.ts";
import type { LoadedModel } from "../../engine/generation/loadModel.ts";
import { playChatTurn } from "../../engine/playChatTurn.ts";
import type { TurnSettings } from "../../engine/chatTurn.ts";
import { CardLibrary } from "../../store/cards/library.ts";
import { ChatStore, type ChatHandle } from "../../store/chats/chatStore.ts";
import type { LoreSettings } from "../../core/lorebook/activate.ts";
import { exportChat } from "../../store/chats/chatTransfer.ts";
import { editExternally } from "./externalEditor.ts";
import { booksForCharacter } from "../../store/lorebooks/booksForCharacter.ts";
import { listLorebooks } from "../../store/lorebooks/lorebookFiles.ts";
import { dataDir, dataPaths, type DataPaths } from "../../store/paths.ts";
import { PresetStore } from "../../store/presets/presetStore.ts";
import { SettingsStore } from "../../store/settings.ts";
import type { ChatServices, GenerateRequest, GenerateResult, TurnReport } from "./services.ts";
import type { AppServices, ChatTarget, OpenedChat } from "./appServices.ts";
import { createCardServices } from "./cardServices.ts";
import { createLorebookServices } from "./lorebookServices.ts";
import { createModelServices, type ModelServices } from "./modelServices.ts";
import { promptCacheOptions } from "../../app/promptCache.ts";

/** Generation was asked for but no model can serve it; the chat shows the reason. */
export class NoEngineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NoEngineError";
  }
}

/** A new chat was asked for with a card that is in the trash; its saved chats still open. */
export class CardDeletedError extends Error {
  constructor(readonly cardName: string, readonly cardId: string) {
    super(`${cardName} was deleted (its chats are kept and open from the home screen); u on the home screen or \`taproom card restore ${cardId}\` brings the card back`);
    this.name = "CardDeletedError";
  }
}

/** The app's real layers: library, chats, settings and the loaded model, shared by every screen. */
export interface AppRuntime {
  services: AppServices;
  model(): LoadedModel | null;
  close(): Promise<void>;
}

interface OpenChatState {
  services: ChatServices;
  handle: ChatHandle;
}

async function openChatHandle(store: ChatStore, character: Character, characterId: string, target: ChatTarget): Promise<ChatHandle> {
  if (target.chatId) return store.open(target.chatId);
  const latest = target.fresh || target.greetingIndex !== undefined
    ? undefined
    : store
        .list()
        .filter((entry) => entry.characterId === characterId)
        .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0];
  if (latest) return store.open(latest.id);
  const greeting = target.greetingIndex !== undefined ? { greetingIndex: target.greetingIndex } : {};
  return store.create(createChat({ character, characterId, env: systemChatEnv, ...greeting }));
}

function describeModel(model: LoadedModel | null): string {
  if (!model) return "no model loaded";
  const layers = model.info.backend === "cpu" ? "" : ` ${model.info.gpuLayers}/${model.info.totalLayers} layers`;
  return `${model.name} · ${model.info.backend}${layers} · ${model.contextSize} ctx`;
}

export async function createAppServices(options: TuiOptions, env: NodeJS.ProcessEnv): Promise<AppRuntime> {
  const paths = dataPaths(dataDir(env));
  const settings = await SettingsStore.open({ path: paths.settings });
  const library = new CardLibrary({ dir: paths.characters, indexPath: `${paths.cache}/card-index.json` });
  const store = await ChatStore.open({ dir: paths.chats });
  const models = createModelServices(options, env);
  let open: OpenChatState | null = null;

  const closeOpen = async () => {
    const closing = open;
    open = null;
    await closing?.handle.flush();
  };

  const services: AppServices = {
    async recentChats() {
      // The chat just left may still be saving (its draft, its last reply): list it as saved.
      await open?.handle.flush();
      await store.refresh();
      return store.list().sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
    },
    characters: () => library.list(),
    modelLine: () => describeModel(models.loaded()),
    cards: createCardServices(library),
    lorebooks: createLorebookServices({ env, cards: () => library.list(), cardLibrary: library }),
    models: models.services,
    async openChat(target) {
      await closeOpen();
      // A chat of a deleted card opens with the card from the trash.
      const card = await library.cardForChat(target.characterId);
      if (card.trashed && !target.chatId) throw new CardDeletedError(card.trashed.name, card.trashed.id);
      const characterId = card.id ?? card.path;
      const handle = await openChatHandle(store, card.card.character, characterId, target);
      const opened = await openChatSession({ handle, store, character: card.card.character, characterId, settings, paths, env, model: models.loaded, models: models.services });
      if (card.trashed) {
        const note = `${card.trashed.name}'s card is in the trash (u on the home screen restores it)`;
        opened.notice = opened.notice ? `${note}; ${opened.notice}` : note;
      }
      open = { services: opened.services, handle };
      await settings.update({ lastCharacter: characterId }).catch(() => {});
      return opened;
    },
  };
  return {
    services,
    model: models.loaded,
    async close() {
      await closeOpen();
      await store.flush();
      await models.close();
    },
  };
}

interface ChatSessionOptions {
  handle: ChatHandle;
  store: ChatStore;
  character: Character;
  characterId: string;
  settings: SettingsStore;
  paths: DataPaths;
  env: NodeJS.ProcessEnv;
  model(): LoadedModel | null;
  models: ModelServices;
}

/** One chat with one character on the real layers: generation with lore, every change saved. */
async function openChatSession(o: ChatSessionOptions): Promise<OpenedChat> {
  const { handle, character, settings } = o;
  let chat: Chat = handle.chat;
  // A name typed with /persona that is not in the settings is still who the user speaks as.
  const chosen = chat.settings.personaName;
  let persona: Persona =
    chosen !== undefined && !findPersona(settings.settings.personas, chosen) ? { name: chosen, description: "" } : settings.personaFor(chat.settings);
  const presetStore = await PresetStore.open({ root: o.paths.root });
  const presets = presetStore.list();
  const templates = presetStore.templates();
  const samplers = samplersForChat({
    defaults: resolveSamplers(),
    presets,
    ...(settings.settings.defaultPreset !== undefined && { defaultPresetName: settings.settings.defaultPreset }),
    ...(chat.settings.presetName !== undefined && { chatPresetName: chat.settings.presetName }),
    ...(chat.settings.samplers && { chatOverrides: chat.settings.samplers }),
  });
  const firstLoad = await booksForCharacter(character, chat.settings.lorebooks, { env: o.env, globalBooks: settings.settings.globalLorebooks });
  const loreSettings = settings.settings.worldInfo;
  const problems = firstLoad.problems;
  let books = firstLoad.books;
  let bookTiers = firstLoad.tiers;
  let available = (await listLorebooks({ env: o.env }).catch(() => [])).map((s) => s.book.name);
  let lastTurn: TurnReport | null = null;
  const saveListeners = new Set<(message: string) => void>();
  const save = (next: Chat) => {
    chat = next;
    handle.save(chat).catch((error: Error) => {
      for (const listener of saveListeners) listener(error.message);
    });
  };

  const services: ChatServices = {
    onSaveError(listener) {
      saveListeners.add(listener);
      return () => void saveListeners.delete(listener);
    },
    modelStatus: () => {
      const model = o.model();
      return {
        model: model?.name ?? null,
        backend: model ? `${model.info.backend}${model.info.backend === "cpu" ? "" : ` ${model.info.gpuLayers}/${model.info.totalLayers} layers`}` : "/model NAME loads one",
        contextUsed: model?.contextUsed ?? 0,
        contextSize: model?.contextSize ?? 0,
      };
    },
    modelLoad: o.models,
    generate: async (request) => {
      // A send while the model loads (taproom --model, the first seconds) is answered once it has.
      const pending = o.models.loading();
      if (pending) {
        const stopped = new Promise<void>((resolve) => request.signal.addEventListener("abort", () => resolve(), { once: true }));
        try {
          await Promise.race([pending.done, stopped]);
        } catch (error) {
          throw new NoEngineError(`${pending.name} did not load: ${(error as Error).message.split("\n")[0]}`);
        }
        // Ctrl+C while waiting: nothing was written, and the load goes on.
        if (request.signal.aborted) return { text: "", stopReason: "abort", tokens: 0, tokensPerSecond: 0 };
      }
      const model = o.model();
      if (!model) throw new NoEngineError("no model loaded: start taproom with --model FILE, or load one with /model NAME or from the model screen (Ctrl+O, then m)");
      // Chats' KV states are saved and reloaded (a restart, another chat in between) as the settings say.
      model.usePromptCache(promptCacheOptions(settings.settings, o.paths));
      return generateWith({ model, request, chat, character, persona, books, bookTiers, loreSettings, prompts: { ...settings.promptSettings(), templates } }, (state, report) => {
        // Onto the chat as it is now: a draft or setting saved during the turn stays.
        chat = { ...chat, ...state };
        lastTurn = report;
      });
    },
    lastTurn: () => lastTurn,
    modelDetails: () => o.models.details(),
    libraryModels: async () => (await o.models.library()).filter((m) => !m.error).map((m) => ({ name: m.name, path: m.paths[0]! })),
    loadModel: (path) => o.models.load(path),
    presets: () => presets,
    setPreset: (name) => save(updateSettings(chat, { presetName: name, samplers: undefined }, systemChatEnv)),
    lorebooks: () => ({ attached: chat.settings.lorebooks ?? [], inUse: books.map((b) => b.name), available }),
    async setLorebooks(names) {
      save(updateSettings(chat, { lorebooks: names.length ? names : undefined }, systemChatEnv));
      // The next turn reads `books`: reload them now, with the library as it is now.
      const loaded = await booksForCharacter(character, names, { env: o.env, globalBooks: settings.settings.globalLorebooks });
      books = loaded.books;
      bookTiers = loaded.tiers;
      available = (await listLorebooks({ env: o.env }).catch(() => [])).map((s) => s.book.name);
      return loaded.problems;
    },
    setSamplerOverrides: (change) => save(updateSettings(chat, { samplers: { ...chat.settings.samplers, ...change } }, systemChatEnv)),
    personas: () => settings.settings.personas.map((p) => p.name),
    setPersona(name) {
      persona = findPersona(settings.settings.personas, name) ?? { name, description: "" };
      save(updateSettings(chat, { personaName: persona.name }, systemChatEnv));
      return persona.name;
    },
    async branch(messageIndex) {
      const message = chat.messages[messageIndex];
      if (!message) throw new Error(`there is no message ${messageIndex + 1} to branch from`);
      const branched = branchChat(chat, message.id, systemChatEnv);
      await o.store.create(branched);
      return { characterId: o.characterId, chatId: branched.id };
    },
    async exportChat(path) {
      await handle.flush();
      const out = path ? resolve(path.replace(/^~(?=$|\/)/, homedir())) : join(o.paths.root, "exports", `${exportName(chat.title)}.jsonl`);
      await exportChat({ store: o.store, name: chat.id, format: "jsonl", out, userName: persona.name });
      return out;
    },
    editExternally: (text) => editExternally(text, { env: o.env, stdin: process.stdin }),
    instructTemplate: () => ({ name: chat.settings.instructTemplate ?? null, names: chat.settings.names }),
    setInstructTemplate(name) {
      const next = setInstructTemplate(chat, name, systemChatEnv, templates);
      save(next);
      return next.settings.instructTemplate ?? null;
    },
    setNamesInPrompt: (names) => save(setNamesInPrompt(chat, names, systemChatEnv)),
    setAuthorsNote(text) {
      // A new text keeps the note's depth, interval and role (one imported from SillyTavern included).
      save(setAuthorsNote(chat, { text }, systemChatEnv));
    },
    saveMessages(messages) {
      if (messages === chat.messages) return;
      save({ ...chat, messages, updatedAt: new Date().toISOString() });
    },
    saveDraft(text) {
      const next = setDraft(chat, text, systemChatEnv);
      if (next.draft !== chat.draft) save(next);
    },
  };
  // What reading the books repaired: one line here, each repair in `taproom lore list`.
  const repaired = firstLoad.warnings.length ? [`lorebooks: ${firstLoad.warnings.length} repair${firstLoad.warnings.length === 1 ? "" : "s"} on reading (${firstLoad.warnings[0]!.replace(/^[^:]*: /, "")}${firstLoad.warnings.length > 1 ? "; taproom lore list shows all" : ""})`] : [];
  const notes = [...problems, ...repaired];
  return {
    chatId: chat.id,
    chatTitle: chat.title,
    characterId: o.characterId,
    characterName: character.name,
    personaName: persona.name,
    initialMessages: chat.messages,
    ...(chat.draft !== undefined && { draft: chat.draft }),
    samplers,
    presetName: chat.settings.presetName ?? null,
    notice: notes.length ? notes.join("; ") : null,
    services,
  };
}

/** A chat title as a file name: letters, digits, dashes; never a path. */
function exportName(title: string): string {
  return title.replace(/[^\p{L}\p{N}]+/gu, "-").replace(/^-+|-+$/g, "").slice(0, 80) || "chat";
}

/** What one generation works from: the chat as it stood and everything around it. */
interface TurnInputs {
  model: LoadedModel;
  request: GenerateRequest;
  chat: Chat;
  character: Character;
  persona: Persona;
  books: Lorebook[];
  bookTiers: number[];
  loreSettings: Partial<LoreSettings>;
  /** The user's own system prompt and post-history instructions (settings.json). */
  prompts: Omit<TurnSettings, "samplers">;
}

async function generateWith(inputs: TurnInputs, keep: (state: Pick<Chat, "loreState" | "variables" | "keptFrom">, report: TurnReport) => void): Promise<GenerateResult> {
  const { model, request, chat, character, persona, books, bookTiers, loreSettings, prompts } = inputs;
  let streamed = "";
  const played = await playChatTurn({
    model,
    chat: { ...chat, messages: request.messages },
    character,
    persona,
    books,
    bookTiers,
    loreSettings,
    settings: { samplers: request.samplers, ...prompts },
    mode: request.mode,
    env: systemChatEnv,
    signal: request.signal,
    onText: (chunk) => request.onText((streamed += chunk)),
  });
  // Lore timers and {{setvar}} values belong to the chat; the messages are the screen's.
  const prompt = played.turn.prompt;
  keep(
    { loreState: played.chat.loreState, variables: played.chat.variables, keptFrom: played.chat.keptFrom },
    {
      template: played.turn.template.note,
      promptTokens: played.turn.timings.promptTokens,
      evaluatedTokens: played.turn.timings.evaluatedPromptTokens,
      ...(played.turn.timings.promptMs !== undefined && { promptMs: played.turn.timings.promptMs }),
      ...(played.turn.generation.tokensPerSecond !== undefined && { tokensPerSecond: played.turn.generation.tokensPerSecond }),
      sections: prompt.sections.map(({ kind, label, tokens, text }) => ({ kind, label, tokens, text })),
      fit: { budget: prompt.budget, droppedMessages: prompt.droppedMessages, examplesDropped: prompt.examplesDropped },
      lore: played.lore.verdicts.map((v) => ({ title: v.comment, fired: v.fired, outcome: v.outcome, detail: v.detail, tokens: v.tokens })),
      plan: model.info.reasons,
      ...(played.turn.reuse && { reuse: played.turn.reuse }),
    },
  );
  const last = request.messages.at(-1);
  const before = request.mode === "continue" && last ? currentSwipe(last).text : "";
  const text = played.turn.text.startsWith(before) ? played.turn.text.slice(before.length) : played.turn.text;
  const g = played.turn.generation;
  return { text, stopReason: g.stopReason ?? "eos", tokens: g.tokens ?? 0, tokensPerSecond: g.tokensPerSecond ?? 0 };
}

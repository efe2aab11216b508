/**
 * The application: one object made from the data directory and the machine, holding
 * every service the surfaces use (the TUI, the headless commands, later a server).
 * Surfaces never construct stores or engine objects; they call these. Making an App is
 * cheap: nothing is read until a service is used, and llama.cpp only loads with a model.
 */
import { CardLibrary } from "../store/cards/library.ts";
import { ChatStore } from "../store/chats/chatStore.ts";
import { GroupStore } from "../store/groups/groupStore.ts";
import { readKeybindingSettings } from "../store/keybindingSettings.ts";
import { dataDir, dataPaths, type DataPaths } from "../store/paths.ts";
import { PresetStore } from "../store/presets/presetStore.ts";
import { SettingsStore } from "../store/settings.ts";
import type { ChatEnv } from "../core/chat/operations.ts";
import type { RegexMatcher } from "../core/lorebook/regexAnswers.ts";
import { sharedRegexMatcher } from "../engine/lore/regexWorker.ts";
import type { ChatLockOptions } from "../store/chats/chatStore.ts";
import { createChatsService, type ChatsService } from "./chats/chats.ts";
import { createGroupsService, type GroupsService } from "./groups/groups.ts";
import { createLibraryService, type LibraryService } from "./library.ts";
import { createLoreService, type LoreService } from "./lore.ts";
import { createBackendService, type BackendService } from "./backends.ts";
import { createModelRuntime, type MachineFacts, type ModelService } from "./models.ts";
import type { RuntimeOptions } from "./options.ts";
import { createPersonaService, type PersonaService } from "./personas.ts";
import { createPresetService, type PresetService } from "./presets.ts";
import { createRegexService, type RegexService } from "./regexScripts.ts";

export interface AppOptions {
  /** The environment: where the data directory is (TAPROOM_HOME...), HF_TOKEN, the editor. */
  env: NodeJS.ProcessEnv;
  /** The data directory; by default the one the environment names (see store/paths.ts). */
  dataDir?: string;
  /** Where typed relative paths start; default the process's. */
  cwd?: string;
  /** What `~` in a typed path is; default the user's home. */
  home?: string;
  /** How models load: the command line's wishes (the planner decides the rest). */
  runtime?: RuntimeOptions;
  /** This machine; by default probed (through llama.cpp) whenever it is needed. */
  machine?: () => Promise<MachineFacts>;
  /** Where new ids and timestamps come from (tests pass fixed ones). */
  chatEnv?: ChatEnv;
  /** The bundled sample lorebooks (tests point elsewhere). */
  lorebookSamplesDir?: string;
  /** Where users' regex keys run; by default the process's worker, stopped past its time limit. */
  regexMatcher?: RegexMatcher;
  /**
   * Who this surface is to another taproom writing the same chat, and how long it waits
   * for one that holds the chat (then refused with ChatBusyError naming the holder).
   */
  chatLock?: ChatLockOptions;
}

export interface App {
  readonly paths: DataPaths;
  /** Character cards: list, import, edit, export, lint, trash. */
  library: LibraryService;
  /** Saved chats, and each open chat as a session: its changes and its turns. */
  chats: ChatsService;
  /** Groups of characters: their definitions, SillyTavern import and export (their chats open through `chats`). */
  groups: GroupsService;
  /** Lorebooks: the user's, the samples, the books inside cards. */
  lore: LoreService;
  personas: PersonaService;
  presets: PresetService;
  /** Global regex scripts, and the answers about cards' own. */
  regex: RegexService;
  /** The machine, the model library, the loaded model, downloads, tokenizers. */
  models: ModelService;
  /** A remote server (KoboldCpp, llama.cpp, OpenAI-compatible, Ollama, Tabby, vLLM) that chats use instead of the embedded model. */
  backends: BackendService;
  /** The raw `keybindings` of settings.json (the TUI checks it); undefined when absent. */
  keybindings(): Promise<unknown>;
  /** Finishes what is under way: open chats' turns and saves, then unloads the model. */
  close(): Promise<void>;
}

/** Opens a store once, on first use, and hands the same one to every caller. */
function once<T>(open: () => Promise<T>): (() => Promise<T>) & { ifOpened(): Promise<T> | undefined } {
  let opened: Promise<T> | undefined;
  const get = () => {
    opened ??= open();
    // A failed open (a corrupt file the person then fixes) is tried again next time.
    opened.catch(() => (opened = undefined));
    return opened;
  };
  return Object.assign(get, { ifOpened: () => opened });
}

export function createApp(options: AppOptions): App {
  const root = options.dataDir ?? dataDir(options.env);
  const paths = dataPaths(root);
  // Stores that find the data directory through the environment see this one.
  const env = { ...options.env, TAPROOM_HOME: root };
  const cwd = options.cwd ?? process.cwd();
  const regexMatcher = options.regexMatcher ?? sharedRegexMatcher();
  const settings = once(() => SettingsStore.open({ path: paths.settings }));
  const presetStore = once(() => PresetStore.open({ root }));
  const chatStore = once(() => ChatStore.open({ dir: paths.chats }));
  const groupStore = once(() => GroupStore.open({ dir: paths.groups }));
  // The one card library of the process: its index is shared by every service that reads cards.
  const cards = new CardLibrary({ dir: paths.characters, indexPath: `${paths.cache}/card-index.json` });
  const library = createLibraryService(cards, { cwd, ...(options.home && { home: options.home }) });
  const lore = createLoreService({
    env,
    cardLibrary: cards,
    cwd,
    ...(options.lorebookSamplesDir && { samplesDir: options.lorebookSamplesDir }),
    settings: async () => (await settings()).settings,
    regexMatcher,
  });
  const runtime = options.runtime ?? {};
  // One engine at a time: connecting a server unloads the model, loading a model disconnects the server.
  const backends = createBackendService({
    settings, secretsPath: paths.secrets, onConnected: () => models.service.unload(), findModel: (typed) => models.service.find(typed),
  });
  let chatsOpen: { flushAll(): Promise<void> } | undefined;
  const models = createModelRuntime({
    root,
    modelsDir: runtime.modelsDir ?? paths.models,
    runtime,
    env,
    cwd,
    remember: { read: async () => (await settings()).settings.lastModel, write: async (lastModel) => void (await (await settings()).update({ lastModel })) },
    ...(options.machine && { machine: options.machine }),
    beforeLoad: async () => {
      await backends.disconnect({ forget: true });
      await chatsOpen?.flushAll();
    },
    remote: () => backends.current(),
  });
  const personas = createPersonaService(settings);
  const presets = createPresetService({ store: presetStore, defaultPreset: async () => (await settings()).settings.defaultPreset, cwd });
  const chats = createChatsService({
    root,
    paths,
    cwd,
    ...(options.chatEnv && { env: options.chatEnv }),
    store: chatStore,
    groups: groupStore,
    settings,
    presets: presetStore,
    library,
    lore,
    personas,
    models,
    regexMatcher,
    ...(options.chatLock && { lock: options.chatLock }),
    backends,
  });
  chatsOpen = chats;
  return {
    paths,
    library,
    chats: chats.service,
    groups: createGroupsService({ cwd, ...(options.chatEnv && { env: options.chatEnv }), groups: groupStore, store: chatStore, library }),
    lore,
    personas,
    presets,
    regex: createRegexService({ settings, library, cwd }),
    models: models.service,
    backends,
    keybindings: () => readKeybindingSettings(paths.settings),
    async close() {
      await chats.closeAll();
      // Only a store that was opened has anything to write.
      await (await chatStore.ifOpened()?.catch(() => undefined))?.flush();
      await models.close();
      await backends.disconnect();
    },
  };
}

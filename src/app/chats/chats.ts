/**
 * The saved chats: listing, opening one as a ChatSession (the card, persona, samplers
 * and books it uses, and the engine for its turns), import, export, rename, delete.
 */
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import type { Character } from "../../core/cards/character.ts";
import { parseChatJsonl } from "../../core/chat/jsonl.ts";
import { createChat, systemChatEnv, type ChatEnv } from "../../core/chat/operations.ts";
import type { Chat } from "../../core/chat/types.ts";
import type { SettingsStore } from "../../store/settings.ts";
import type { ChatHandle, ChatIndexEntry, ChatLockOptions, ChatStore } from "../../store/chats/chatStore.ts";
import type { RegexMatcher } from "../../core/lorebook/regexAnswers.ts";
import { exportChat, importChatJsonl, writeChatExport, type ChatExportFormat } from "../../store/chats/chatTransfer.ts";
import type { PresetStore } from "../../store/presets/presetStore.ts";
import type { DataPaths } from "../../store/paths.ts";
import type { LibraryService } from "../library.ts";
import type { LoreService } from "../lore.ts";
import type { ModelRuntime } from "../models.ts";
import type { BackendService } from "../backends.ts";
import type { PersonaService } from "../personas.ts";
import { promptCacheOptions } from "../promptCache.ts";
import { runTurn, type TurnResult } from "../turns/playTurn.ts";
import type { GroupStore } from "../../store/groups/groupStore.ts";
import { groupIdOf, openGroupChat } from "../groups/groupChats.ts";
import { activateLoreForChat } from "../../core/lorebook/forChat.ts";
import { withRegexAnswers } from "../../core/lorebook/regexAnswers.ts";
import { summarizeChat, type SummarizeResult } from "../../engine/summarize.ts";
import type { TurnModel } from "../../engine/chatTurn.ts";
import { answerCardRegex, chatRoleplay } from "./roleplay.ts";
import { createChatSession, type ChatSession, type ChatTarget, type SessionSummary, type SessionTurn } from "./session.ts";

export type { ChatExportFormat, ChatIndexEntry };
export { AmbiguousChatNameError, ChatChangedError, ChatLockedError, ChatNotFoundError } from "../../store/chats/chatStore.ts";

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

export interface ChatsService {
  /** Saved chats, most recently used first; chats still closing are saved first. */
  list(): Promise<ChatIndexEntry[]>;
  /**
   * Opens a chat as a session. A session of the same chat still open is closed first
   * (its turn finished and saved), so two never write one chat.
   */
  open(target: ChatTarget): Promise<ChatSession>;
  /** Imports a SillyTavern JSONL chat (read and checked whole first). */
  /** A file imported before comes back as the chat it made, `alreadyImported`. */
  import(file: string, options?: { character?: string; title?: string }): Promise<Chat & { alreadyImported?: true }>;
  export(name: string, format: ChatExportFormat, out: string): Promise<{ chat: Chat; out: string }>;
  rename(name: string, title: string): Promise<Chat>;
  /** Moves a chat's files to the trash folder. */
  remove(name: string): Promise<{ entry: ChatIndexEntry; trash: string }>;
}

export interface ChatsServiceOptions {
  root: string;
  /** The data directory's folders: chats' KV states are kept in its cache. */
  paths: DataPaths;
  cwd: string;
  env?: ChatEnv;
  store(): Promise<ChatStore>;
  /** The groups, for opening a group's chats. */
  groups(): Promise<GroupStore>;
  settings(): Promise<SettingsStore>;
  presets(): Promise<PresetStore>;
  library: LibraryService;
  lore: LoreService;
  personas: PersonaService;
  models: ModelRuntime;
  regexMatcher: RegexMatcher;
  /** How an opened chat is held against other taproom processes (see store/chats/chatLock.ts). */
  lock?: ChatLockOptions;
  backends: BackendService;
}

const DEFAULT_LOCK: ChatLockOptions = { purpose: "taproom", waitMs: 30_000 };

/** A chat title as a file name: letters, digits, dashes; never a path. */
function exportName(title: string): string {
  return title.replace(/[^\p{L}\p{N}]+/gu, "-").replace(/^-+|-+$/g, "").slice(0, 80) || "chat";
}

const stoppedWhileLoading: TurnResult = {
  text: "", generation: { stopReason: "abort", tokens: 0 }, report: null, template: "", loreEntries: [],
  timings: { promptTokens: 0, evaluatedPromptTokens: 0, reusedPromptTokens: 0 },
};

/** The service, and closing every chat still open at exit (their turns finish and their saves land). */
export function createChatsService(options: ChatsServiceOptions): { service: ChatsService; closeAll(): Promise<void>; flushAll(): Promise<void> } {
  const env = options.env ?? systemChatEnv;
  const { library, lore, models } = options;
  /** Open sessions by chat id, with how each closes. */
  const open = new Map<string, { session: ChatSession; handle: ChatHandle; closing?: Promise<void> }>();
  const lock = options.lock ?? DEFAULT_LOCK;
  // Closed: the turn finished, the last save written, then the chat's lock let go for other processes.
  const settle = (id: string) => {
    const entry = open.get(id);
    if (!entry) return Promise.resolve();
    entry.closing ??= entry.session.close().finally(() => entry.handle.close()).finally(() => open.get(id) === entry && open.delete(id));
    return entry.closing;
  };

  // The engine for a session's turns: waits for a model still loading, then runs. A saved
  // chat's KV state is kept (a restart, another chat in between) as the settings say.
  const runFor = (persist: boolean) => async (turn: SessionTurn): Promise<TurnResult> => {
    const engine = await engineFor(turn.signal, persist);
    if (!engine) return stoppedWhileLoading;
    return runTurn({ ...turn, model: engine.model, plan: engine.plan, regexMatcher: options.regexMatcher });
  };

  // A summary is written by the chat's model, on the chat's cached prompt (see engine/summarize.ts).
  const summarizeFor = (persist: boolean) => async (request: SessionSummary): Promise<SummarizeResult> => {
    const engine = await engineFor(request.signal, persist);
    if (!engine) return { written: false, due: { due: false, messagesSince: 0, wordsSince: 0, reason: "stopped" }, reason: "stopped while the model was loading" };
    const { model } = engine;
    const lore = await withRegexAnswers((regex) => activateLoreForChat({
      books: request.books, tiers: request.bookTiers, chat: request.chat, character: request.character, personaName: request.persona.name, generationType: "quiet",
      contextSize: Math.max(1, model.contextSize - request.settings.samplers.maxTokens), tokenize: (t) => model.countTokens(t), settings: request.loreSettings, regex,
    }), options.regexMatcher);
    return summarizeChat({ ...request, model, lore: lore.insertions });
  };

  /** What writes the chat's text: the connected backend, else the loaded model once one still loading is there; undefined when stopped while waiting. */
  async function engineFor(signal: AbortSignal | undefined, persist: boolean): Promise<{ model: TurnModel; plan: string[] } | undefined> {
    const connecting = options.backends.connecting();
    if (connecting) {
      const stopped = new Promise<undefined>((done) => signal?.addEventListener("abort", () => done(undefined), { once: true }));
      try {
        const remote = await Promise.race([connecting.done, stopped]);
        if (!remote) return undefined;
      } catch (error) {
        throw new NoEngineError(`could not connect to the server: ${(error as Error).message.split("\n")[0]} (the model screen, Ctrl+O then m, connects again or loads a local model)`);
      }
    }
    const remote = options.backends.current();
    if (remote) return { model: remote, plan: remote.notes };
    const pending = models.service.loading();
    if (pending) {
      const stopped = new Promise<void>((done) => signal?.addEventListener("abort", () => done(), { once: true }));
      try {
        await Promise.race([pending.done, stopped]);
      } catch (error) {
        throw new NoEngineError(`${pending.name} did not load: ${(error as Error).message.split("\n")[0]}`);
      }
      // Stopped while waiting: nothing was written, and the load goes on.
      if (signal?.aborted) return undefined;
    }
    const model = models.loaded();
    if (!model) throw new NoEngineError("no model loaded: start taproom with --model FILE, or load one with /model NAME or from the model screen (Ctrl+O, then m)");
    model.usePromptCache(promptCacheOptions((await options.settings()).settings, options.paths, persist));
    return { model, plan: model.info.reasons };
  }

  async function chatFor(store: ChatStore, character: Character, characterId: string, target: ChatTarget): Promise<{ chat: Chat; handle?: ChatHandle }> {
    // A chat never written is read and left alone; one that is written is held (one writer per chat) and read after.
    const opened = (handle: ChatHandle) => (target.unsaved ? { chat: handle.chat } : { chat: handle.chat, handle });
    const openSaved = async (id: string) => {
      // This process's own session of the chat finishes and saves first: the read sees its last message.
      await settle(id);
      return opened(await store.open(id, target.unsaved ? {} : { lock }));
    };
    if (target.chatId) return openSaved(store.resolve(target.chatId).id);
    const greeting = target.greetingIndex !== undefined ? { greetingIndex: target.greetingIndex } : {};
    const fresh = () => createChat({ character, characterId, env, ...greeting, ...(target.title !== undefined && { title: target.title }) });
    if (target.unsaved) return { chat: fresh() };
    const latest = target.fresh || target.greetingIndex !== undefined || target.title !== undefined
      ? undefined
      : store.list().filter((entry) => entry.characterId === characterId).sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0];
    return latest ? openSaved(latest.id) : opened(await store.create(fresh(), { lock }));
  }

  const exportPath = (current: Chat, path: string | undefined) =>
    path ? resolve(options.cwd, path.replace(/^~(?=$|\/)/, homedir())) : join(options.root, "exports", `${exportName(current.title)}.jsonl`);

  /** A group's chat: its session plays the group's turns (app/groups). */
  async function openGroup(target: ChatTarget, groupId: string): Promise<ChatSession> {
    const store = await options.store();
    const named = target.chatId !== undefined ? store.resolve(target.chatId) : undefined;
    // This process's sessions of the group's chats finish and let go first: the open below holds the chat.
    if (named) await settle(named.id);
    await Promise.all([...open].filter(([, entry]) => entry.session.chat().groupId === groupId).map(([id]) => settle(id)));
    const { session, handle } = await openGroupChat({ ...target, ...(named && { chatId: named.id }) }, groupId, {
      env, store: options.store, groups: options.groups, settings: options.settings, presets: options.presets,
      library, lore, personas: options.personas, run: runFor, summarize: summarizeFor, exportPath, regexMatcher: options.regexMatcher, lock,
    });
    if (!handle) return session;
    const id = session.chat().id;
    open.set(id, { session, handle });
    return { ...session, close: () => settle(id) };
  }

  async function openChat(target: ChatTarget): Promise<ChatSession> {
    const named = target.chatId !== undefined && !target.file ? (await options.store()).resolve(target.chatId) : undefined;
    const groupId = groupIdOf(target) ?? named?.groupId;
    if (groupId !== undefined) return openGroup(target, groupId);
    const opening: { handle?: ChatHandle } = {};
    try {
      return await openSession(target, opening);
    } catch (error) {
      // The chat was held for a session that never opened: other writers may have it.
      await opening.handle?.close();
      throw error;
    }
  }

  async function openSession(target: ChatTarget, opening: { handle?: ChatHandle }): Promise<ChatSession> {
    let handle: ChatHandle | undefined;
    let chat: Chat;
    let card;
    if (target.file) {
      if (!target.characterId) throw new Error("a chat file opens with its character");
      card = await library.cardForChat(target.characterId);
      const file = resolve(options.cwd, target.file);
      chat = parseChatJsonl({ text: await readFile(file, "utf8"), file, env });
    } else {
      const store = await options.store();
      const named = target.chatId !== undefined ? store.resolve(target.chatId) : undefined;
      const characterId = target.characterId ?? named?.characterId;
      if (characterId === undefined) throw new Error("name the chat or the character to open");
      // A chat of a deleted card opens with the card from the trash.
      card = await library.cardForChat(characterId);
      if (card.trashed && !named) throw new CardDeletedError(card.trashed.name, card.trashed.id);
      ({ chat, handle } = await chatFor(store, card.card.character, card.id ?? card.path, target));
      opening.handle = handle;
    }
    const character = card.card.character;
    const characterId = card.id ?? card.path;
    const [settings, presetStore, persona, books, available] = await Promise.all([
      options.settings(),
      options.presets(),
      options.personas.forChat(chat.settings),
      lore.forChat(character, chat.settings.lorebooks),
      lore.names().catch(() => []),
    ]);
    // What reading the books repaired: one line here, each repair in `taproom lore list`.
    const { warnings } = books;
    const repaired = warnings.length
      ? [`lorebooks: ${warnings.length} repair${warnings.length === 1 ? "" : "s"} on reading (${warnings[0]!.replace(/^[^:]*: /, "")}${warnings.length > 1 ? "; taproom lore list shows all" : ""})`]
      : [];
    const notes = [...books.problems, ...repaired];
    if (card.trashed) notes.unshift(`${card.trashed.name}'s card is in the trash (u on the home screen restores it)`);
    const held = handle;
    const session = createChatSession({
      chat,
      character,
      characterId,
      persona,
      notice: notes.length ? notes.join("; ") : null,
      bookNotes: [...books.problems, ...warnings],
      env,
      ...(held && { save: (next: Chat) => held.save(next) }),
      flush: async () => held?.flush(),
      presets: presetStore.list(),
      defaultPreset: settings.settings.defaultPreset,
      personas: () => settings.personas,
      books: books.books,
      bookTiers: books.tiers,
      loadBooks: (names) => lore.forChat(character, names),
      available,
      availableBooks: () => lore.names(),
      loreSettings: settings.settings.worldInfo,
      prompts: { ...settings.promptSettings(), templates: presetStore.templates() },
      run: runFor(held !== undefined),
      roleplay: chatRoleplay(settings, { id: characterId, extensions: character.extensions }),
      answerCardScripts: (allow) => answerCardRegex(settings, { id: characterId, extensions: character.extensions }, allow),
      summarize: summarizeFor(held !== undefined),
      create: async (branched) => (await options.store()).create(branched),
      regexMatcher: options.regexMatcher,
      async exportChat(current, userName, path) {
        const out = exportPath(current, path);
        await writeChatExport(current, { format: "jsonl", out, userName });
        return out;
      },
    });
    if (!held) return session;
    const id = chat.id;
    open.set(id, { session, handle: held });
    await settings.update({ lastCharacter: characterId }).catch(() => {});
    // Closing through the service: the chat stops being open, and the next open of it waits for this.
    return { ...session, close: () => settle(id) };
  }

  const service: ChatsService = {
    async list() {
      // A chat just left may still be saving (its draft, its last reply): list it as saved.
      await Promise.all([...open.values()].map(({ session }) => session.flush()));
      const store = await options.store();
      await store.refresh();
      return store.list().sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
    },
    open: openChat,
    async import(file, { character, title } = {}) {
      return importChatJsonl({
        store: await options.store(),
        file: resolve(options.cwd, file),
        ...(character !== undefined && { characterName: character }),
        ...(title !== undefined && { title }),
      });
    },
    async export(name, format, out) {
      const path = resolve(options.cwd, out);
      const chat = await exportChat({ store: await options.store(), name, format, out: path });
      return { chat, out: path };
    },
    rename: async (name, title) => (await options.store()).rename(name, title),
    async remove(name) {
      const store = await options.store();
      const entry = store.resolve(name);
      return { entry, trash: await store.delete(entry.id) };
    },
  };
  return {
    service,
    closeAll: async () => void (await Promise.all([...open.keys()].map(settle))),
    flushAll: async () => void (await Promise.all([...open.values()].map(({ session }) => session.flush()))),
  };
}

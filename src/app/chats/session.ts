/**
 * One open chat: the chat as it stands, who speaks in it, its samplers and books, and
 * every change to it. Each change is one core/chat operation, saved at once; a turn
 * (play) sends the person's message, builds the prompt, generates, applies the text
 * with core/chat's applyTurn and saves, and hands back the chat it made. The TUI, the
 * headless command and a server all change chats through here.
 */
import type { Character } from "../../core/cards/character.ts";
import { setAuthorsNote, setInstructTemplate, setNamesInPrompt } from "../../core/chat/chatSettings.ts";
import {
  applyTurn, branchChat, ChatOperationError, deleteMessage, editMessage, sendUserMessage, setDraft, swipe, updateSettings, type ChatEnv,
} from "../../core/chat/operations.ts";
import { findPersona, type Persona } from "../../core/chat/persona.ts";
import type { Chat, Reasoning } from "../../core/chat/types.ts";
import { latestMemory, memoryPrompts, setMemory, summaryDue } from "../../core/memory/index.ts";
import { displayMessage, type Displayed } from "../../core/regexScripts/display.ts";
import type { CardScriptsState } from "../../core/regexScripts/permission.ts";
import type { ExtensionPrompt, PromptRegex } from "../../core/prompt/types.ts";
import { regexRunner } from "../../core/prompt/build.ts";
import type { SummarizeResult } from "../../engine/summarize.ts";
import type { MemorySettings } from "../../core/memory/settings.ts";
import type { LoreSettings } from "../../core/lorebook/activate.ts";
import type { Lorebook } from "../../core/lorebook/model.ts";
import { activateLoreForChat } from "../../core/lorebook/forChat.ts";
import { withRegexAnswers, type RegexMatcher } from "../../core/lorebook/regexAnswers.ts";
import { sharedRegexMatcher } from "../../engine/lore/regexWorker.ts";
import { turnText, type TurnMode } from "../../core/prompt/turn.ts";
import type { BuiltPrompt, GroupPromptContext, TemplateChoice } from "../../core/prompt/index.ts";
import type { ChosenSpeaker } from "../../core/group/activation.ts";
import { samplersForChat, type SamplerPreset } from "../../core/samplers/presets.ts";
import type { SamplerSettings } from "../../core/samplers/types.ts";
import { resolveSamplers } from "../../core/samplers/validate.ts";
import { notAppliedNotice } from "../../core/samplers/notApplied.ts";
import { buildTurnPrompt, type TurnModel, type TurnSettings, type TurnTimings } from "../../engine/chatTurn.ts";
import type { TurnReport, TurnResult } from "../turns/playTurn.ts";
import type { GroupChatControls, GroupTurnSummary } from "../groups/groupTypes.ts";
import type { ChatRoleplay } from "./roleplay.ts";

/** Which chat to open: a saved one, the character's latest (a new one when `fresh`), or a chat file to read. */
export interface ChatTarget {
  /** The character: a library id or name, or a card file. Found from the chat when only chatId is given. */
  characterId?: string;
  /** A saved chat by id, title, or the start of one that names only one. */
  chatId?: string;
  /** A new chat even where the character has one. */
  fresh?: boolean;
  /** For a new chat: which greeting opens it (0 = first message; see chatGreetings). */
  greetingIndex?: number;
  /** A new chat's title. */
  title?: string;
  /** Never written: a new chat for one headless reply, or a saved chat read for a prompt preview. */
  unsaved?: boolean;
  /** A SillyTavern JSONL chat file, read and never written. */
  file?: string;
  /** A group's chat (its id): the group's open chat, or `chatId`, or a new one when `fresh`. */
  groupId?: string;
}

export interface ChatLorebooks {
  /** Attached to this chat (ChatSettings.lorebooks). */
  attached: string[];
  /** Every book the next turn scans: the card's own, its world book, the attached ones. */
  inUse: string[];
  /** Names of the books in the library (the user's and the samples). */
  available: string[];
}

/** One turn asked for. Everything but the mode is optional. */
export interface TurnRequest {
  mode: TurnMode;
  /** For a reply: the person's message, sent first. Without it the character replies to the chat as it stands. */
  text?: string;
  signal?: AbortSignal;
  /** The message being written, whole, each time more arrives (for continue: the message with its new end). */
  onText?(text: string): void;
  /** The reply's reasoning, whole, each time more arrives (never part of `onText`'s text). */
  onReasoning?(reasoning: string): void;
  /** An automatic summary update starts after the reply (the reply is already saved). */
  onSummary?(): void;
  /** Leave the automatic summary update for later (default: run it when due). */
  skipSummary?: boolean;
  /** For this turn only (taproom chat's flags): another preset, samplers over the chat's, another template or name prefixes. */
  preset?: string;
  samplers?: Partial<SamplerSettings>;
  template?: string;
  names?: boolean;
  /** A group chat: the member asked to speak (a name, its start, or an avatar key), muted or not. */
  speaker?: string;
  /** A group chat: a member starts writing; `chat` holds what the turn has written so far. */
  onSpeaker?(speaker: ChosenSpeaker, chat: Chat): void;
}

export interface TurnOutcome {
  /** The chat with the turn applied and saved: show this one. */
  chat: Chat;
  /** The text the turn wrote: the reply, the whole continued message, or the impersonated line (now the chat's draft). */
  text: string;
  /** What the model thought before the reply, kept apart from `text`. */
  reasoning?: Reasoning;
  /** The automatic summary update that ran after the turn, if one was due. */
  summary?: SummaryOutcome;
  stopReason: NonNullable<TurnResult["generation"]["stopReason"]>;
  tokens: number;
  tokensPerSecond: number;
  timings: TurnTimings;
  /** The instruct template used, by name. */
  template: string;
  loreEntries: string[];
  /** What was sent and why (null when nothing was: stopped while the model loaded). */
  report: TurnReport | null;
  /** A group chat's turn: who was chosen and why, and each member's reply (the fields above are the last one's). */
  group?: GroupTurnSummary;
}

/** What one turn needs from the engine, in the session's words (see chats.ts for the real one). */
export interface SessionTurn {
  chat: Chat;
  character: Character;
  persona: Persona;
  books: Lorebook[];
  /** Each book's tier (0 the chat's, 1 the character's, 2 global): SillyTavern's budget order. */
  bookTiers: number[];
  loreSettings: Partial<LoreSettings>;
  settings: TurnSettings;
  mode: TurnMode;
  /** A group chat's turn: `character` is the member speaking. */
  group?: GroupPromptContext;
  signal?: AbortSignal;
  onText?: (chunk: string) => void;
  onReasoning?: (chunk: string) => void;
  regex: PromptRegex;
  extensionPrompts: ExtensionPrompt[];
}

/** One summary request, in the session's words (chats.ts runs it on the loaded model). */
export interface SessionSummary {
  chat: Chat;
  character: Character;
  persona: Persona;
  books: Lorebook[];
  bookTiers: number[];
  loreSettings: Partial<LoreSettings>;
  settings: TurnSettings;
  memory: MemorySettings;
  regex: PromptRegex;
  force: boolean;
  signal?: AbortSignal;
  onText?: (text: string) => void;
}

/** What a summary update did: the new summary (saved), or why there is none. */
export interface SummaryOutcome {
  written: boolean;
  /** The summary written, or the reason nothing was. */
  text: string;
  chat: Chat;
}

/** What a session's own way of playing turns (a group's, app/groups) works with. */
export interface SessionTurnContext {
  /** The chat as it stands now (a draft or a setting saved during the turn included). */
  chat(): Chat;
  persona(): Persona;
  books(): { books: Lorebook[]; tiers: number[] };
  loreSettings: Partial<LoreSettings>;
  /** The samplers and prompt settings this request asks for. */
  settings(request: TurnRequest): TurnSettings;
  /** Shows and saves the chat. */
  save(chat: Chat): void;
  run(turn: SessionTurn): Promise<TurnResult>;
  /** The chat's regex scripts, and the blocks (its summary) the prompt for `chat` carries. */
  regex(): PromptRegex;
  extensionPrompts(chat: Chat): ExtensionPrompt[];
  /** Records what the last generation sent, for the prompt and lore panels. */
  report(report: TurnReport): void;
}

/** A message change was asked for while a turn is being written: the turn would overwrite it. */
export class ChatBusyError extends Error {
  constructor() {
    super("a reply is being written to this chat: let it finish or stop it first");
    this.name = "ChatBusyError";
  }
}

/** The prompt a turn would send now, without generating (taproom prompt). */
export interface PromptPreview {
  prompt: BuiltPrompt;
  choice: TemplateChoice;
  samplers: SamplerSettings;
}

export interface ChatSession {
  readonly characterId: string;
  readonly character: Character;
  /** Shown when the chat opens: a lorebook that is missing, a card in the trash, what reading the books repaired. */
  readonly notice: string | null;
  /** Loading the chat's books as it opened: each book missing or unreadable, and each repair, one line each (taproom chat prints them). */
  readonly bookNotes: string[];
  /** A group chat: its members, muting them (asking one to speak is play's `speaker`). */
  readonly group?: GroupChatControls;
  /** The chat as it stands. */
  chat(): Chat;
  persona(): Persona;
  /** The samplers the next turn uses: defaults, the chat's preset, its own overrides. */
  samplers(): SamplerSettings;
  presetName(): string | null;

  /** One turn; rejects (and changes nothing) when it fails. Stopped by the signal, it keeps what was written. */
  play(request: TurnRequest): Promise<TurnOutcome>;
  /** A turn is being written. */
  busy(): boolean;
  /** The last turn's prompt and lore, or null before the first one. */
  lastTurn(): TurnReport | null;
  /** The prompt the next reply would be built from (exact with a model's tokenizer, estimated without). */
  preview(options: { model: Pick<TurnModel, "contextSize" | "trainContext" | "chatTemplate" | "countTokens" | "ownTemplate">; template?: string; names?: boolean; maxTokens?: number }): Promise<PromptPreview>;

  /** The chat's reasoning, summary and regex settings, and whether the card's scripts run. */
  roleplay(): ChatRoleplay;
  /** Records the person's answer about the card's regex scripts (kept for the card); returns the state now. */
  allowCardScripts(allow: boolean): Promise<CardScriptsState>;
  /** What the screen shows of a message: its text and reasoning through the display-only scripts. */
  display(index: number): Displayed;
  /** The summary in use ("" when none) and the message holding it. */
  summary(): { text: string; index: number };
  /** Replaces the summary in use with the person's text (written as a new summary, as SillyTavern's edit box does). */
  setSummary(text: string): Chat;
  /** Writes the summary now with the loaded model (/summarize), whatever the interval says. */
  summarize(options?: { signal?: AbortSignal; onText?: (text: string) => void }): Promise<SummaryOutcome>;

  /** Shows the last reply's previous or next swipe (at the ends, nothing changes: a new swipe is play("swipe")). */
  swipe(direction: -1 | 1): Chat;
  /** Rewrites the text a message shows (its current swipe). */
  edit(messageId: string, text: string): Chat;
  remove(messageId: string): Chat;
  /** The text typed and not sent; blank text clears it. */
  setDraft(text: string): void;
  /** Sets (or, with empty text, removes) the author's note, keeping its depth, interval and role. */
  setAuthorsNote(text: string): void;
  presets(): SamplerPreset[];
  /** Picks a preset for the chat (its own overrides are dropped); returns the samplers now. */
  setPreset(name: string): SamplerSettings;
  /** Merges into the chat's own sampler overrides; returns the samplers now. */
  setSamplers(change: Partial<SamplerSettings>): SamplerSettings;
  /** Names of the saved personas. */
  personas(): string[];
  /** Who the person speaks as from now on (a saved persona, or any name); returns the name used. */
  setPersona(name: string): string;
  lorebooks(): ChatLorebooks;
  /** Attaches exactly these books; the next turn uses them. Resolves with the books that could not be loaded. */
  setLorebooks(names: string[]): Promise<string[]>;
  /** The chat's instruct template (null: the model's own) and name-prefix choice. */
  instructTemplate(): { name: string | null; names: boolean | undefined };
  /** Sets the prompt template ("auto" for the model's own; a shipped or an imported one); throws UnknownTemplateError. */
  setInstructTemplate(name: string): string | null;
  setNamesInPrompt(names: boolean | undefined): void;
  /** A new saved chat holding the messages up to and including this index; the original stays. */
  branch(messageIndex: number): Promise<ChatTarget>;
  /** Writes the chat as SillyTavern JSONL (to `path`, else the exports folder); returns the file. */
  exportTo(path?: string): Promise<string>;
  /** Calls back with the reason whenever a save fails; returns the unsubscribe. */
  onSaveError(listener: (message: string) => void): () => void;
  /** Waits for the saves asked for so far (the chat list shows the chat as saved). */
  flush(): Promise<void>;
  /** Waits for a turn being written (stopped by its signal) and the last save. Changes after it are still saved. */
  close(): Promise<void>;
}

export interface ChatSessionDeps {
  chat: Chat;
  character: Character;
  characterId: string;
  persona: Persona;
  notice: string | null;
  bookNotes: string[];
  env: ChatEnv;
  /** Writes the chat; absent for a chat that is never saved. */
  save?(chat: Chat): Promise<unknown>;
  flush(): Promise<void>;
  presets: SamplerPreset[];
  defaultPreset: string | undefined;
  personas: () => Persona[];
  books: Lorebook[];
  /** Parallel to `books`: each one's tier (see SessionTurn). */
  bookTiers: number[];
  loadBooks(names: string[] | undefined): Promise<{ books: Lorebook[]; tiers: number[]; problems: string[] }>;
  /** The library's book names as the chat opens, and how to read them again. */
  available: string[];
  availableBooks(): Promise<string[]>;
  loreSettings: Partial<LoreSettings>;
  /** The user's prompt settings (settings.json) and imported prompt templates. */
  prompts: Omit<TurnSettings, "samplers">;
  /** The engine: one turn's lore, prompt and generation (waits for a model still loading). */
  run(turn: SessionTurn): Promise<TurnResult>;
  /** Plays turns another way than one character's reply (a group's: see app/groups). */
  playTurn?(request: TurnRequest, context: SessionTurnContext): Promise<TurnOutcome>;
  /** The chat's roleplay settings as it opens, and how an answer about the card's scripts is kept. */
  roleplay: ChatRoleplay;
  answerCardScripts(allow: boolean): Promise<ChatRoleplay>;
  /** A summary request on the loaded model. */
  summarize(request: SessionSummary): Promise<SummarizeResult>;
  /** Saves a new chat (a branch). */
  create(chat: Chat): Promise<unknown>;
  /** Writes a chat export; `path` absent: into the exports folder. Returns the file. */
  exportChat(chat: Chat, userName: string, path?: string): Promise<string>;
  /** Where regex keys run for the preview (turns run them in `run`): the process's worker by default. */
  regexMatcher?: RegexMatcher;
}

export function createChatSession(deps: ChatSessionDeps): ChatSession {
  const { character, env } = deps;
  let chat = deps.chat;
  let persona = deps.persona;
  let books = deps.books;
  let bookTiers = deps.bookTiers;
  let available = deps.available;
  let lastTurn: TurnReport | null = null;
  let roleplay = deps.roleplay;
  let turn: Promise<unknown> | null = null;
  let saving: Promise<unknown> = Promise.resolve();
  const saveListeners = new Set<(message: string) => void>();

  const samplersOf = (c: Chat, one: { preset?: string; samplers?: Partial<SamplerSettings> } = {}): SamplerSettings =>
    resolveSamplers(
      samplersForChat({
        defaults: resolveSamplers(),
        presets: deps.presets,
        ...(deps.defaultPreset !== undefined && { defaultPresetName: deps.defaultPreset }),
        ...((one.preset ?? c.settings.presetName) !== undefined && { chatPresetName: one.preset ?? c.settings.presetName }),
        ...(c.settings.samplers && { chatOverrides: c.settings.samplers }),
      }),
      one.samplers,
    );
  let samplers = samplersOf(chat);

  const save = (next: Chat): Chat => {
    chat = next;
    if (deps.save) {
      saving = deps.save(chat).catch((error: Error) => {
        for (const listener of saveListeners) listener(error.message);
      });
    }
    return chat;
  };
  /** A change to the messages: refused while a turn writes, since the turn's result would replace it. */
  const changeMessages = (change: (c: Chat) => Chat): Chat => {
    if (turn) throw new ChatBusyError();
    return save(change(chat));
  };
  const turnSettings = (request: Pick<TurnRequest, "template" | "names">, turnSamplers: SamplerSettings): TurnSettings => ({
    samplers: turnSamplers,
    ...deps.prompts,
    reasoning: roleplay.reasoning,
    ...(request.template !== undefined && { template: request.template }),
    ...(request.names !== undefined && { names: request.names }),
  });

  const context: SessionTurnContext = {
    chat: () => chat,
    persona: () => persona,
    books: () => ({ books, tiers: bookTiers }),
    loreSettings: deps.loreSettings,
    settings: (request) => turnSettings(request, samplersOf(chat, request)),
    save: (next) => void save(next),
    run: (t) => deps.run(t),
    regex: () => roleplay.regex,
    extensionPrompts: (c) => memoryPrompts(c.messages, roleplay.memory),
    report: (report) => void (lastTurn = report),
  };

  async function playOwn(request: TurnRequest, own: NonNullable<ChatSessionDeps["playTurn"]>): Promise<TurnOutcome> {
    const running = own(request, context);
    turn = running;
    try {
      return await running;
    } finally {
      turn = null;
    }
  }

  async function play(request: TurnRequest): Promise<TurnOutcome> {
    if (turn) throw new ChatBusyError();
    if (deps.playTurn) return playOwn(request, deps.playTurn);
    const { mode } = request;
    const start = chat;
    const sent = request.text !== undefined ? sendUserMessage(start, { text: request.text, name: persona.name, env }) : start;
    const turnSamplers = samplersOf(start, request);
    const speaker = mode === "impersonate" ? persona.name : character.name;
    const continued = mode === "continue" ? sent.messages.at(-1) : undefined;
    let generated = "";
    let thought = mode === "continue" ? (continued?.swipes[continued.swipeIndex]?.reasoning?.text ?? "") : "";
    const running = deps.run({
      chat: sent, character, persona, books, bookTiers, loreSettings: deps.loreSettings, settings: turnSettings(request, turnSamplers), mode,
      regex: roleplay.regex, extensionPrompts: memoryPrompts(sent.messages, roleplay.memory),
      ...(request.signal && { signal: request.signal }),
      onText: (chunk) => request.onText?.(turnText(mode, (generated += chunk), speaker, continued)),
      onReasoning: (chunk) => request.onReasoning?.((thought += chunk)),
    });
    turn = running;
    let result: TurnResult;
    try {
      result = await running;
    } finally {
      turn = null;
    }
    if (result.report) lastTurn = result.report;
    // Onto the chat as it is now: a draft or a setting saved during the turn stays; only a
    // draft that was the text just sent goes.
    let base: Chat = { ...chat, messages: sent.messages };
    if (request.text !== undefined && chat.draft === start.draft) base = setDraft(base, "", env);
    const g = result.generation;
    const nothing = g.stopReason === "abort" && result.text.trim() === "" && mode !== "impersonate";
    // Stopped before a word was written: the chat keeps the sent message, and no empty reply.
    const next = nothing ? base : applyTurn(base, { ...result, mode, name: speaker, env });
    save(next);
    const last = next.messages.at(-1);
    const shown = last?.swipes[last.swipeIndex];
    const text = mode === "impersonate" ? result.text : nothing || !last ? "" : (shown?.text ?? "");
    const reasoning = mode !== "impersonate" && !nothing ? shown?.reasoning : undefined;
    // SillyTavern updates the summary once a reply is in (its MESSAGE_RECEIVED), when enough was written since the last.
    const autoSummary = mode !== "impersonate" && g.stopReason !== "abort" && !request.skipSummary && summaryDue(next.messages, roleplay.memory).due;
    let summary: SummaryOutcome | undefined;
    if (autoSummary) {
      request.onSummary?.();
      summary = await runSummary(false, { ...(request.signal && { signal: request.signal }) }).catch((error: Error) => ({ written: false, text: `the summary was not updated: ${error.message}`, chat }));
    }
    return {
      chat: summary?.chat ?? next,
      text,
      ...(reasoning && { reasoning }),
      ...(summary && { summary }),
      stopReason: g.stopReason ?? "eos",
      tokens: g.tokens ?? 0,
      tokensPerSecond: g.tokensPerSecond ?? 0,
      timings: result.timings,
      template: result.template,
      loreEntries: result.loreEntries,
      report: result.report,
    };
  }

  async function runSummary(force: boolean, options: { signal?: AbortSignal; onText?: (text: string) => void }): Promise<SummaryOutcome> {
    if (turn) throw new ChatBusyError();
    const start = chat;
    const running = deps.summarize({
      chat: start, character, persona, books, bookTiers, loreSettings: deps.loreSettings, settings: turnSettings({}, samplers),
      memory: roleplay.memory, regex: roleplay.regex, force, ...options,
    });
    turn = running;
    let result: SummarizeResult;
    try {
      result = await running;
    } finally {
      turn = null;
    }
    if (!result.written) return { written: false, text: result.reason, chat };
    // Onto the chat as it is now (a draft typed meanwhile stays); the messages are the ones summed up.
    return { written: true, text: result.summary, chat: save(setMemory({ ...chat, messages: start.messages }, result.summary, env, result.index)) };
  }

  return {
    characterId: deps.characterId,
    character,
    // Said once, when the chat opens: what of its samplers the built-in engine cannot apply.
    notice: [deps.notice, notAppliedNotice(samplers)].filter(Boolean).join("; ") || null,
    bookNotes: deps.bookNotes,
    chat: () => chat,
    persona: () => persona,
    samplers: () => samplers,
    presetName: () => chat.settings.presetName ?? null,
    play,
    busy: () => turn !== null,
    lastTurn: () => lastTurn,
    roleplay: () => roleplay,
    async allowCardScripts(allow) {
      roleplay = await deps.answerCardScripts(allow);
      return roleplay.cardScripts;
    },
    display(index) {
      const run = regexRunner({ character, persona, chatId: chat.id, variables: chat.variables, regex: roleplay.regex });
      return displayMessage(chat.messages, index, run);
    },
    summary: () => latestMemory(chat.messages),
    setSummary: (text) => changeMessages((c) => setMemory(c, text.trim(), env)),
    summarize: (options = {}) => runSummary(true, options),
    async preview(options) {
      const previewSamplers = samplersOf(chat, options.maxTokens === undefined ? {} : { samplers: { maxTokens: options.maxTokens } });
      // SillyTavern's World Info budget is a share of the context left after the reply.
      const lore = await withRegexAnswers((regex) => activateLoreForChat({
        books, tiers: bookTiers, chat, character, personaName: persona.name, generationType: "normal",
        contextSize: Math.max(1, options.model.contextSize - previewSamplers.maxTokens), tokenize: (t) => options.model.countTokens(t),
        settings: deps.loreSettings, regex,
      }), deps.regexMatcher ?? sharedRegexMatcher());
      const { prompt, choice } = buildTurnPrompt({
        model: options.model,
        chat,
        character,
        persona,
        lore: lore.insertions,
        settings: turnSettings(options, previewSamplers),
        mode: "reply",
        regex: roleplay.regex,
        extensionPrompts: memoryPrompts(chat.messages, roleplay.memory),
      });
      return { prompt, choice, samplers: previewSamplers };
    },
    swipe(direction) {
      const last = chat.messages.at(-1);
      if (!last || last.role !== "assistant") return chat;
      const moved = swipe(chat, direction === -1 ? "left" : "right", env);
      return moved.kind === "moved" ? changeMessages(() => moved.chat) : chat;
    },
    edit: (messageId, text) => changeMessages((c) => editMessage(c, messageId, text, env)),
    remove: (messageId) => changeMessages((c) => deleteMessage(c, messageId, env)),
    setDraft(text) {
      const next = setDraft(chat, text, env);
      if (next.draft !== chat.draft) save(next);
    },
    // A new text keeps the note's depth, interval and role (one imported from SillyTavern included).
    setAuthorsNote: (text) => void save(setAuthorsNote(chat, { text }, env)),
    presets: () => deps.presets,
    setPreset(name) {
      const next = updateSettings(chat, { presetName: name, samplers: undefined }, env);
      samplers = samplersOf(next);
      save(next);
      return samplers;
    },
    setSamplers(change) {
      const next = updateSettings(chat, { samplers: { ...chat.settings.samplers, ...change } }, env);
      samplers = samplersOf(next);
      save(next);
      return samplers;
    },
    personas: () => deps.personas().map((p) => p.name),
    setPersona(name) {
      persona = findPersona(deps.personas(), name) ?? { name, description: "" };
      save(updateSettings(chat, { personaName: persona.name }, env));
      return persona.name;
    },
    lorebooks: () => ({ attached: chat.settings.lorebooks ?? [], inUse: books.map((b) => b.name), available }),
    async setLorebooks(names) {
      save(updateSettings(chat, { lorebooks: names.length ? names : undefined }, env));
      // The next turn reads `books`: reload them now, with the library as it is now.
      const loaded = await deps.loadBooks(names);
      books = loaded.books;
      bookTiers = loaded.tiers;
      available = await deps.availableBooks().catch(() => available);
      return loaded.problems;
    },
    instructTemplate: () => ({ name: chat.settings.instructTemplate ?? null, names: chat.settings.names }),
    setInstructTemplate(name) {
      const next = save(setInstructTemplate(chat, name, env, deps.prompts.templates));
      return next.settings.instructTemplate ?? null;
    },
    setNamesInPrompt: (names) => void save(setNamesInPrompt(chat, names, env)),
    async branch(messageIndex) {
      const message = chat.messages[messageIndex];
      if (!message) throw new ChatOperationError(`there is no message ${messageIndex + 1} to branch from`);
      const branched = branchChat(chat, message.id, env);
      await deps.create(branched);
      return { characterId: deps.characterId, chatId: branched.id };
    },
    async exportTo(path) {
      await saving;
      return deps.exportChat(chat, persona.name, path);
    },
    onSaveError(listener) {
      saveListeners.add(listener);
      return () => void saveListeners.delete(listener);
    },
    async flush() {
      await saving;
      await deps.flush();
    },
    async close() {
      await turn?.catch(() => {});
      await saving;
      await deps.flush();
    },
  };
}

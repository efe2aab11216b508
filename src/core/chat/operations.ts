/**
 * Every chat operation as a pure function: Chat in, new Chat out. Messages that an
 * operation does not touch keep their identity, which the store relies on to write
 * only what changed and a React reducer relies on to skip re-rendering.
 */
import type { Character } from "../cards/character.ts";
import { withoutStaleMemory } from "../memory/summary.ts";
import type { Chat, ChatMessage, ChatSettings, GenerationInfo, Reasoning, Swipe } from "./types.ts";

/** Where new ids and timestamps come from; tests pass deterministic ones. */
export interface ChatEnv {
  newId: () => string;
  now: () => string;
}

export const systemChatEnv: ChatEnv = {
  newId: () => globalThis.crypto.randomUUID().slice(0, 8),
  now: () => new Date().toISOString(),
};

/** An operation that cannot apply to this chat (unknown message, nothing to swipe). */
export class ChatOperationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ChatOperationError";
  }
}

export interface CreateChatOptions {
  character: Character;
  /** Library id or file of the character. */
  characterId: string;
  env: ChatEnv;
  title?: string;
  /** Which of chatGreetings(character) opens the chat (0 when absent). */
  greetingIndex?: number;
  settings?: ChatSettings;
}

/** The greetings a chat can open with: first_mes, then the alternates, blank ones left out. */
export function chatGreetings(character: Character): string[] {
  return [character.first_mes, ...character.alternate_greetings].filter((g) => g.trim() !== "");
}

/** A new chat that opens with the card's greeting; alternate greetings are its swipes. */
export function createChat(options: CreateChatOptions): Chat {
  const { character, env } = options;
  const now = env.now();
  const greetings = chatGreetings(character);
  const messages: ChatMessage[] = [];
  if (greetings.length > 0) {
    const index = clampIndex(options.greetingIndex ?? 0, greetings.length);
    messages.push({
      id: env.newId(),
      role: "assistant",
      name: character.name,
      swipes: greetings.map((text) => ({ text, sentAt: now })),
      swipeIndex: index,
      extra: { greeting: true },
    });
  }
  return {
    id: env.newId(),
    title: options.title ?? `${character.name} ${now.slice(0, 16).replace("T", " ")}`,
    characterId: options.characterId,
    characterName: character.name,
    createdAt: now,
    updatedAt: now,
    messages,
    settings: options.settings ?? {},
    variables: {},
  };
}

/** Shows another of the card's greetings as the opening message. */
export function pickGreeting(chat: Chat, index: number, env: ChatEnv): Chat {
  const first = chat.messages[0];
  if (!first || first.extra?.greeting !== true) throw new ChatOperationError("this chat has no greeting to pick");
  if (index < 0 || index >= first.swipes.length) {
    throw new ChatOperationError(`greeting ${index} does not exist (this card has ${first.swipes.length})`);
  }
  return replaceMessage(chat, 0, { ...first, swipeIndex: index }, env);
}

export interface NewMessage {
  text: string;
  name: string;
  env: ChatEnv;
  generation?: GenerationInfo;
  /** What the model thought before this reply (kept apart from the text). */
  reasoning?: Reasoning;
}

export function sendUserMessage(chat: Chat, message: NewMessage): Chat {
  const sent = appendMessage(chat, "user", message);
  return sent.draft === undefined ? sent : withoutDraft(sent);
}

export function appendAssistantReply(chat: Chat, message: NewMessage): Chat {
  return appendMessage(chat, "assistant", message);
}

export function appendSystemMessage(chat: Chat, message: NewMessage): Chat {
  return appendMessage(chat, "system", message);
}

export interface SwipeText {
  text: string;
  env: ChatEnv;
  generation?: GenerationInfo;
  /** A new swipe's own reasoning; for continue, the reasoning as it stands now (a block left open grew). */
  reasoning?: Reasoning;
}

/** A regenerated reply: a new swipe on the last message, shown at once. */
export function addSwipe(chat: Chat, swipe: SwipeText): Chat {
  const index = lastReplyIndex(chat);
  const last = chat.messages[index]!;
  const added: Swipe = { text: swipe.text, sentAt: swipe.env.now(), ...(swipe.generation && { generation: swipe.generation }), ...(swipe.reasoning && { reasoning: swipe.reasoning }) };
  return replaceMessage(chat, index, { ...last, swipes: [...last.swipes, added], swipeIndex: last.swipes.length }, swipe.env);
}

export type SwipeResult =
  | { kind: "moved"; chat: Chat }
  /** Swiped right past the last swipe: the caller generates one and calls addSwipe. */
  | { kind: "generate"; chat: Chat }
  /** Swiped left at the first swipe: nothing changes. */
  | { kind: "unchanged"; chat: Chat };

export function swipe(chat: Chat, direction: "left" | "right", env: ChatEnv): SwipeResult {
  const index = lastReplyIndex(chat);
  const last = chat.messages[index]!;
  const target = last.swipeIndex + (direction === "left" ? -1 : 1);
  if (target < 0) return { kind: "unchanged", chat };
  if (target >= last.swipes.length) return { kind: "generate", chat };
  return { kind: "moved", chat: replaceMessage(chat, index, { ...last, swipeIndex: target }, env) };
}

/** Continue: generated text appended to the current swipe of the last message. */
export function continueReply(chat: Chat, more: SwipeText): Chat {
  const index = chat.messages.length - 1;
  const last = chat.messages[index];
  if (!last) throw new ChatOperationError("nothing to continue: the chat is empty");
  const current = currentSwipe(last);
  const generation = more.generation ?? current.generation;
  const swipes = last.swipes.map((s, i) =>
    i === last.swipeIndex ? { ...s, text: s.text + more.text, ...(generation && { generation }), ...(more.reasoning && { reasoning: more.reasoning }) } : s,
  );
  return replaceMessage(chat, index, { ...last, swipes }, more.env);
}

/**
 * Text typed or impersonated and not sent yet is the chat's draft, back in the input
 * when the chat reopens. Blank text clears it: there is nothing to give back.
 */
export function setDraft(chat: Chat, text: string, env: ChatEnv): Chat {
  if (text.trim() === "") return withoutDraft({ ...chat, updatedAt: env.now() });
  return { ...chat, draft: text, updatedAt: env.now() };
}

/** Edits the text the message currently shows (its current swipe). */
export function editMessage(chat: Chat, messageId: string, text: string, env: ChatEnv): Chat {
  const index = indexOf(chat, messageId);
  return replaceMessage(chat, index, withShownText(chat.messages[index]!, text), env);
}

/** The message with the swipe it shows rewritten; its other swipes are kept. */
export function withShownText(message: ChatMessage, text: string): ChatMessage {
  return { ...message, swipes: message.swipes.map((s, i) => (i === message.swipeIndex ? { ...s, text } : s)) };
}

/**
 * Sets the reasoning of the swipe a message shows, as a person edits it: "edited" when
 * the model's reasoning was changed, "manual" when there was none; empty text deletes it
 * (SillyTavern keeps an empty reasoning and drops its type and duration).
 */
export function editReasoning(chat: Chat, messageId: string, text: string, env: ChatEnv): Chat {
  const index = indexOf(chat, messageId);
  const message = chat.messages[index]!;
  const old = currentSwipe(message).reasoning;
  let reasoning: Reasoning | undefined;
  if (text.trim() === "") {
    const { type: _type, durationMs: _duration, ...kept } = old ?? { text: "" };
    reasoning = old ? { ...kept, text: "" } : undefined;
  }
  else reasoning = { ...old, text, type: old?.type ? "edited" : "manual" };
  if (!reasoning) return chat;
  const swipes = message.swipes.map((s, i) => (i === message.swipeIndex ? { ...s, reasoning } : s));
  return replaceMessage(chat, index, { ...message, swipes }, env);
}

/** Removes the swipe a message shows; the next one (or the previous, at the end) shows instead. */
export function deleteSwipe(chat: Chat, messageId: string, env: ChatEnv): Chat {
  const index = indexOf(chat, messageId);
  const message = chat.messages[index]!;
  if (message.swipes.length < 2) throw new ChatOperationError("this is the message's only swipe: delete the message instead");
  const swipes = message.swipes.filter((_, i) => i !== message.swipeIndex);
  return replaceMessage(chat, index, { ...message, swipes, swipeIndex: Math.min(message.swipeIndex, swipes.length - 1) }, env);
}

export function deleteMessage(chat: Chat, messageId: string, env: ChatEnv): Chat {
  const index = indexOf(chat, messageId);
  return { ...chat, messages: chat.messages.filter((_, i) => i !== index), updatedAt: env.now() };
}

/** Deletes the message and every message after it. */
export function deleteFrom(chat: Chat, messageId: string, env: ChatEnv): Chat {
  const index = indexOf(chat, messageId);
  return { ...chat, messages: chat.messages.slice(0, index), updatedAt: env.now() };
}

/** A hidden message stays in the chat and on screen but is left out of prompts. */
export function setHidden(chat: Chat, messageId: string, hidden: boolean, env: ChatEnv): Chat {
  const index = indexOf(chat, messageId);
  const { hidden: _old, ...rest } = chat.messages[index]!;
  return replaceMessage(chat, index, hidden ? { ...rest, hidden: true } : rest, env);
}

/** A new chat holding copies of the messages up to and including this one. */
export function branchChat(chat: Chat, messageId: string, env: ChatEnv): Chat {
  const index = indexOf(chat, messageId);
  const now = env.now();
  const { draft: _draft, ...rest } = chat;
  return {
    ...structuredClone(rest),
    id: env.newId(),
    title: `${chat.title} (branch)`,
    createdAt: now,
    updatedAt: now,
    messages: structuredClone(chat.messages.slice(0, index + 1)).map((m) => ({ ...m, id: env.newId() })),
    extra: { ...structuredClone(chat.extra ?? {}), branchedFrom: { chatId: chat.id, messageId } },
  };
}

export function renameChat(chat: Chat, title: string, env: ChatEnv): Chat {
  const trimmed = title.trim();
  if (trimmed === "") throw new ChatOperationError("a chat title cannot be empty");
  return { ...chat, title: trimmed, updatedAt: env.now() };
}

/**
 * Changes per-chat settings. A key set to undefined is removed (back to the
 * default); keys not named stay as they are.
 */
export function updateSettings(chat: Chat, patch: Partial<ChatSettings>, env: ChatEnv): Chat {
  const settings: ChatSettings = { ...chat.settings };
  for (const [key, value] of Object.entries(patch) as [keyof ChatSettings, unknown][]) {
    if (value === undefined) delete settings[key];
    else (settings as Record<string, unknown>)[key] = value;
  }
  return { ...chat, settings, updatedAt: env.now() };
}

/** Records where the last prompt's kept history began (core/prompt/budget.ts holds it there next turn). */
export function setKeptFrom(chat: Chat, keptFrom: string | undefined): Chat {
  if (chat.keptFrom === keptFrom) return chat;
  const { keptFrom: _old, ...rest } = chat;
  return keptFrom === undefined ? rest : { ...rest, keptFrom };
}

/** Stores the lorebook timed-effect state as core/lorebook hands it over (opaque here). */
export function setLoreState(chat: Chat, loreState: unknown, env: ChatEnv): Chat {
  return { ...chat, loreState, updatedAt: env.now() };
}

export function setVariables(chat: Chat, variables: Record<string, string>, env: ChatEnv): Chat {
  return { ...chat, variables: { ...variables }, updatedAt: env.now() };
}

/** What one turn wrote, as a chat change: see applyTurn. */
export interface TurnWritten {
  /** reply: a new message; swipe: a new swipe of the last reply; continue: more of the last message; impersonate: the person's next line. */
  mode: "reply" | "swipe" | "continue" | "impersonate";
  /** The new text: the reply, the words added to the continued message, the impersonated line. */
  text: string;
  /** Who speaks a new reply (the character's name). */
  name: string;
  env: ChatEnv;
  generation?: GenerationInfo;
  /** The reasoning kept apart from the text (for continue: the message's reasoning as it now stands). */
  reasoning?: Reasoning;
  /** Lore timers and {{setvar}} values after the turn (core/lorebook and core/prompt hand them over). */
  loreState?: unknown;
  variables?: Record<string, string>;
  /** Where the turn's prompt kept history from (setKeptFrom): null, no message; absent, unchanged. */
  keptFrom?: string | null;
}

/**
 * A finished turn applied to the chat: every surface (the app, the headless command, a
 * server) stores a turn's text through here. A reply becomes a message, a swipe a new
 * swipe of the last reply, a continuation more text on the last message, an
 * impersonation the chat's draft (it waits, unsent, in the input).
 */
export function applyTurn(chat: Chat, turn: TurnWritten): Chat {
  const { env, generation } = turn;
  const text = { text: turn.text, env, ...(generation && { generation }), ...(turn.reasoning && { reasoning: turn.reasoning }) };
  let next: Chat;
  if (turn.mode === "reply") next = appendAssistantReply(chat, { ...text, name: turn.name });
  else if (turn.mode === "swipe") next = addSwipe(chat, text);
  else if (turn.mode === "continue") next = continueReply(chat, text);
  else next = setDraft(chat, turn.text, env);
  if (turn.loreState !== undefined) next = setLoreState(next, turn.loreState, env);
  if (turn.variables !== undefined) next = setVariables(next, turn.variables, env);
  if (turn.keptFrom !== undefined) next = setKeptFrom(next, turn.keptFrom ?? undefined);
  return next;
}

export function currentSwipe(message: ChatMessage): Swipe {
  return message.swipes[message.swipeIndex] ?? message.swipes[0] ?? { text: "", sentAt: "" };
}

function appendMessage(chat: Chat, role: ChatMessage["role"], message: NewMessage): Chat {
  const now = message.env.now();
  const swipe: Swipe = { text: message.text, sentAt: now, ...(message.generation && { generation: message.generation }), ...(message.reasoning && { reasoning: message.reasoning }) };
  const added: ChatMessage = { id: message.env.newId(), role, name: message.name, swipes: [swipe], swipeIndex: 0 };
  return { ...chat, messages: [...chat.messages, added], updatedAt: now };
}

function replaceMessage(chat: Chat, index: number, message: ChatMessage, env: ChatEnv): Chat {
  const messages = chat.messages.slice();
  // A summary kept on the last message summed up text that just changed (SillyTavern drops it too).
  messages[index] = index === messages.length - 1 ? withoutStaleMemory(message, chat.messages[index]!) : message;
  return { ...chat, messages, updatedAt: env.now() };
}

function lastReplyIndex(chat: Chat): number {
  const index = chat.messages.length - 1;
  const last = chat.messages[index];
  if (!last || last.role !== "assistant") throw new ChatOperationError("nothing to swipe: the last message is not a reply");
  return index;
}

function indexOf(chat: Chat, messageId: string): number {
  const index = chat.messages.findIndex((m) => m.id === messageId);
  if (index < 0) throw new ChatOperationError(`message ${messageId} is not in chat "${chat.title}"`);
  return index;
}

function withoutDraft(chat: Chat): Chat {
  const { draft: _draft, ...rest } = chat;
  return rest;
}

function clampIndex(index: number, length: number): number {
  return Math.min(Math.max(0, Math.trunc(index)), length - 1);
}

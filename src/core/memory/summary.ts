/**
 * Where the running summary lives and when it is due, as SillyTavern's Summarize
 * extension (memory/index.js) does it: each summary is kept on a message (extra.memory),
 * the one in use is the newest, the very last message left out; a new one is written
 * on the message before the last; an update is due once enough messages (or words) came
 * after the message holding the last one.
 */
import type { Chat, ChatMessage } from "../chat/types.ts";
import type { MemorySettings } from "./settings.ts";

const shownText = (m: ChatMessage) => m.swipes[m.swipeIndex]?.text ?? "";

/** getLatestMemoryFromChat: the newest summary, the very last message left out; "" and -1 when none. */
export function latestMemory(messages: readonly ChatMessage[]): { text: string; index: number } {
  for (let i = messages.length - 2; i >= 0; i--) {
    const memory = messages[i]!.memory;
    if (memory) return { text: memory, index: i };
  }
  return { text: "", index: -1 };
}

/** The message a new summary is written on: the one before the last (the first when there is one). */
export function memoryTarget(messages: readonly ChatMessage[]): number {
  return Math.max(0, messages.length - 2);
}

/** setMemoryContext(value, saveToMessage): the summary written on a message (the one before the last by default). */
export function setMemory(chat: Chat, text: string, env: { now: () => string }, index?: number): Chat {
  if (chat.messages.length === 0) return chat;
  const at = index === undefined ? memoryTarget(chat.messages) : Math.min(Math.max(0, index), chat.messages.length - 1);
  const messages = chat.messages.slice();
  messages[at] = { ...messages[at]!, memory: text };
  return { ...chat, messages, updatedAt: env.now() };
}

/** "Restore previous": the summary in use is taken off its message, so the one before it is in use again. */
export function restorePreviousMemory(chat: Chat, env: { now: () => string }): Chat {
  const { index } = latestMemory(chat.messages);
  if (index < 0) return chat;
  const messages = chat.messages.slice();
  const { memory: _dropped, ...rest } = messages[index]!;
  messages[index] = rest;
  return { ...chat, messages, updatedAt: env.now() };
}

/**
 * A summary stored on the last message is dropped when that message's text changes
 * (regenerated, edited, swiped): it summed up a reply that is no longer there.
 */
export function withoutStaleMemory(message: ChatMessage, before: ChatMessage): ChatMessage {
  if (message.memory === undefined || shownText(message) === shownText(before)) return message;
  const { memory: _dropped, ...rest } = message;
  return rest;
}

/** extractAllWords: ST counts \b\w+\b runs. */
export function countWords(text: string): number {
  return text.match(/\b\w+\b/g)?.length ?? 0;
}

export interface SummaryDue {
  due: boolean;
  /** Messages since the one holding the last summary (the last one included). */
  messagesSince: number;
  wordsSince: number;
  /** Why, or why not, in words. */
  reason: string;
}

/**
 * getSummaryPromptForNow's test: due when promptInterval messages (or promptForceWords
 * words) were written since the message holding the last summary. `force` (/summarize)
 * ignores the interval; automatic updates also need them enabled and not frozen.
 */
export function summaryDue(messages: readonly ChatMessage[], settings: MemorySettings, options: { force?: boolean } = {}): SummaryDue {
  let messagesSince = 0;
  let wordsSince = 0;
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]!.memory) break;
    messagesSince++;
    wordsSince += countWords(shownText(messages[i]!));
  }
  const counts = { messagesSince, wordsSince };
  if (messages.length === 0) return { due: false, ...counts, reason: "the chat is empty" };
  if (options.force) return { due: true, ...counts, reason: "asked for" };
  if (!settings.enabled) return { due: false, ...counts, reason: "automatic summaries are off" };
  if (settings.memoryFrozen) return { due: false, ...counts, reason: "the summary is frozen" };
  if (settings.promptInterval === 0) return { due: false, ...counts, reason: "the update interval is 0" };
  if (messages.length < settings.promptInterval) return { due: false, ...counts, reason: `the chat has fewer than ${settings.promptInterval} messages` };
  if (messagesSince >= settings.promptInterval) return { due: true, ...counts, reason: `${messagesSince} messages since the last summary` };
  if (settings.promptForceWords > 0 && wordsSince >= settings.promptForceWords) return { due: true, ...counts, reason: `${wordsSince} words since the last summary` };
  return { due: false, ...counts, reason: `${messagesSince} of ${settings.promptInterval} messages since the last summary` };
}

/** formatMemoryValue: the summary in its template ({{summary}} its trimmed text); "" puts nothing in. */
export function formatMemory(summary: string, template: string, expand: (text: string) => string = (t) => t): string {
  const text = summary.trim();
  if (!text) return "";
  if (!template) return `Summary: ${text}`;
  return expand(template.replace(/\{\{summary\}\}/gi, () => text));
}

/** The instruction with {{words}} put in (other macros are the prompt's). */
export function summaryInstruction(settings: MemorySettings): string {
  return settings.prompt.replace(/\{\{words\}\}/gi, String(settings.promptWords));
}

/**
 * getRawSummaryPrompt: the latest summary, then the messages after the one holding it
 * (the very last left out, system and empty ones skipped) as "Name:\ntext", joined by
 * blank lines, as many as fit `fits` and maxMessagesPerRequest allow. `lastUsed` is the
 * index of the last message taken (-1: none fitted), where the summary will be written.
 */
export function rawSummaryText(messages: readonly ChatMessage[], settings: MemorySettings, fits: (textWithInstruction: string) => boolean): { text: string; lastUsed: number } {
  const latest = latestMemory(messages);
  const buffer: string[] = [];
  const compose = (withInstruction: boolean) => [...(withInstruction ? [summaryInstruction(settings)] : []), ...(latest.text ? [latest.text] : []), buffer.join("\n\n")].join("\n\n").trim();
  let lastUsed = -1;
  for (let i = latest.index + 1; i < messages.length - 1; i++) {
    const m = messages[i]!;
    const text = shownText(m);
    if (m.hidden || m.role === "system" || !text) continue;
    buffer.push(`${m.name}:\n${text}`);
    if (!fits(compose(true))) {
      buffer.pop();
      break;
    }
    lastUsed = i;
    if (settings.maxMessagesPerRequest > 0 && buffer.length >= settings.maxMessagesPerRequest) break;
  }
  return { text: compose(false), lastUsed };
}

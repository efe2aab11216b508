/** Moving chats in and out: SillyTavern JSONL both ways, taproom JSON out. */
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { writeFileAtomic } from "../atomicWrite.ts";
import { formatChatJsonl, parseChatJsonl } from "../../core/chat/jsonl.ts";
import { systemChatEnv, type ChatEnv } from "../../core/chat/operations.ts";
import type { Chat } from "../../core/chat/types.ts";
import type { ChatStore } from "./chatStore.ts";

export interface ImportChatOptions {
  store: ChatStore;
  file: string;
  /** Overrides the file's character_name (and is the character id). */
  characterName?: string;
  title?: string;
  env?: ChatEnv;
}

/** Reads and checks the whole file before saving anything: a bad file changes nothing, and one imported before is not copied again. */
export async function importChatJsonl(options: ImportChatOptions): Promise<Chat & { alreadyImported?: true }> {
  const text = await readFile(options.file, "utf8");
  const chat = parseChatJsonl({
    text,
    file: options.file,
    env: options.env ?? systemChatEnv,
    title: options.title ?? basename(options.file).replace(/\.jsonl$/i, ""),
    ...(options.characterName !== undefined && { characterName: options.characterName, characterId: options.characterName }),
  });
  const existing = await sameChat(options.store, chat);
  if (existing) return { ...existing, alreadyImported: true };
  await options.store.create(chat);
  return chat;
}

/** The chat already in the store with the same character and messages: a file imported twice is not copied twice. */
async function sameChat(store: ChatStore, chat: Chat): Promise<Chat | undefined> {
  const content = (c: Chat) => JSON.stringify(c.messages.map((m) => [m.role, m.name, m.swipeIndex, m.swipes.map((s) => s.text)]));
  const wanted = content(chat);
  for (const entry of store.list()) {
    if (entry.characterId !== chat.characterId || entry.messageCount !== chat.messages.length || entry.groupId !== undefined) continue;
    const handle = await store.open(entry.id);
    const stored = handle.chat;
    await handle.close();
    if (content(stored) === wanted) return stored;
  }
  return undefined;
}

export type ChatExportFormat = "jsonl" | "json";

export interface ExportChatOptions {
  store: ChatStore;
  name: string;
  format: ChatExportFormat;
  out: string;
  /** The persona name written as user_name in JSONL. */
  userName?: string;
}

export async function exportChat(options: ExportChatOptions): Promise<Chat> {
  const { chat } = await options.store.open(options.name);
  await writeChatExport(chat, options);
  return chat;
}

/** Writes a chat already in hand (the one open on screen) to a file, atomically. */
export async function writeChatExport(chat: Chat, options: { format: ChatExportFormat; out: string; userName?: string }): Promise<void> {
  const text = options.format === "jsonl" ? formatChatJsonl(chat, options.userName) : `${JSON.stringify(chat, null, 2)}\n`;
  await writeFileAtomic(options.out, text);
}

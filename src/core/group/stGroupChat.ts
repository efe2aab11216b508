/**
 * SillyTavern's group chat JSONL <-> Chat. A file that starts with a header line (an
 * object with its own `chat_metadata`, SillyTavern 2025) keeps it; one without (2024)
 * gets the metadata its group file held. Messages go through core/chat's JSONL codec, so
 * every key SillyTavern wrote (original_avatar, force_avatar, extra.gen_id, is_group)
 * comes back on export.
 */
import { chatMessageRecord, chatMetadataOf, ChatFormatError, parseChatJsonl } from "../chat/jsonl.ts";
import type { ChatEnv } from "../chat/operations.ts";
import type { Chat } from "../chat/types.ts";
import { groupCharacterId } from "./greetings.ts";
import type { Group } from "./types.ts";

/** What a group chat header's names hold: SillyTavern writes "unused" there. */
const UNUSED = "unused";

export interface ParseGroupChatOptions {
  text: string;
  /** Named in errors. */
  file: string;
  env: ChatEnv;
  group: Pick<Group, "id" | "name">;
  /** The chat's SillyTavern name (its file name without .jsonl): the chat's title. */
  name: string;
  /** Metadata from a 2024 group file, for a chat file without a header. */
  metadata?: Record<string, unknown>;
}

/** Whether a parsed first line is a header: an object with its own chat_metadata (SillyTavern's test). */
export function isGroupChatHeader(line: unknown): boolean {
  return typeof line === "object" && line !== null && !Array.isArray(line) && Object.hasOwn(line, "chat_metadata");
}

export function parseStGroupChat(options: ParseGroupChatOptions): Chat {
  const first = options.text.split(/\r?\n/).find((l) => l.trim() !== "");
  let hasHeader = false;
  if (first !== undefined) {
    try {
      hasHeader = isGroupChatHeader(JSON.parse(first));
    } catch {
      throw new ChatFormatError(options.file, options.text.split(/\r?\n/).indexOf(first) + 1, "not valid JSON");
    }
  }
  const chat = parseChatJsonl({
    text: options.text,
    file: options.file,
    env: options.env,
    title: options.name,
    characterId: groupCharacterId(options.group.id),
    characterName: options.group.name,
    ...(!hasHeader && { header: { chat_metadata: options.metadata ?? {}, user_name: UNUSED, character_name: UNUSED } }),
  });
  const settings = { ...chat.settings };
  if (settings.personaName === UNUSED) delete settings.personaName;
  return { ...chat, settings, groupId: options.group.id };
}

export interface FormatGroupChatOptions {
  /** SillyTavern 2024's shape: no header line (the metadata goes into the group file). */
  legacy?: boolean;
}

/** The chat as SillyTavern writes a group chat: lines joined by newlines, no newline at the end. */
export function formatStGroupChat(chat: Chat, options: FormatGroupChatOptions = {}): string {
  const lines = chat.messages.map(chatMessageRecord);
  if (!options.legacy) lines.unshift(groupChatHeader(chat));
  return lines.map((l) => JSON.stringify(l)).join("\n");
}

/** The header SillyTavern 2025 writes: the chat's metadata and two unused names; keys it had besides are kept. */
export function groupChatHeader(chat: Chat): Record<string, unknown> {
  const extra = chat.extra ?? {};
  const kept = Object.fromEntries(Object.entries(extra).filter(([k]) => !["chat_metadata", "branchedFrom", "user_name", "character_name"].includes(k)));
  return { chat_metadata: chatMetadataOf(chat), user_name: UNUSED, character_name: UNUSED, ...kept };
}

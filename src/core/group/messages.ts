/**
 * Group chat messages in SillyTavern's terms. A reply keeps its speaker in the fields
 * SillyTavern gives it (core/chat/jsonl.ts keeps them in `extra` and writes them back):
 * `name` (the speaker's name then), `original_avatar` (the member's avatar key: what ties
 * the message to the member), `force_avatar` (the thumbnail address SillyTavern shows and
 * renames by) and `extra.gen_id` (the turn that wrote it).
 */
import type { ChatMessage } from "../chat/types.ts";

/** The message's speaker as an avatar key, when it carries one. */
export function speakerKey(message: ChatMessage): string | undefined {
  const key = message.extra?.original_avatar;
  return typeof key === "string" && key !== "" ? key : undefined;
}

/** SillyTavern's is_system: a hidden message, or a system one (narrator, notices). */
export function isSystemMessage(message: ChatMessage): boolean {
  if (message.hidden) return true;
  return message.role === "system" && message.extra?.is_system !== false;
}

/** SillyTavern's `/sys` narrator messages (extra.type "narrator"), which taproom reads as system messages. */
export function isNarratorMessage(message: ChatMessage): boolean {
  if (message.role === "system") return true;
  const st = message.extra?.extra as Record<string, unknown> | undefined;
  return st?.type === "narrator";
}

export function messageText(message: ChatMessage): string {
  return message.swipes[message.swipeIndex]?.text ?? "";
}

/** The batch a reply belongs to (SillyTavern's extra.gen_id), when it has one. */
export function generationBatch(message: ChatMessage): number | undefined {
  const st = message.extra?.extra as Record<string, unknown> | undefined;
  return typeof st?.gen_id === "number" ? st.gen_id : undefined;
}

/** SillyTavern's thumbnail address for a member's avatar, as group messages carry it. */
export function thumbnailAddress(key: string): string {
  return key === "none" ? "img/ai4.png" : `/thumbnail?type=avatar&file=${encodeURIComponent(key)}`;
}

/** The fields a group reply or greeting carries beside its text, in SillyTavern's shape. */
export function speakerFields(key: string, batch: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const st = (extra.extra as Record<string, unknown> | undefined) ?? {};
  return { ...extra, original_avatar: key, force_avatar: thumbnailAddress(key), extra: { ...st, gen_id: batch } };
}

/** The message marked as written by this member in this batch. */
export function withSpeaker(message: ChatMessage, key: string, batch: number): ChatMessage {
  return { ...message, extra: speakerFields(key, batch, message.extra) };
}

/**
 * A new group chat and the greetings it opens with: one per member in list order, muted
 * ones too, each picked at random from the card's greetings (SillyTavern's getGroupChat
 * and getFirstCharacterMessage). The others are not kept as swipes, as in SillyTavern.
 */
import type { Character } from "../cards/character.ts";
import type { ChatEnv } from "../chat/operations.ts";
import type { Chat, ChatMessage } from "../chat/types.ts";
import type { MemberExpand } from "./macros.ts";
import { speakerFields } from "./messages.ts";
import type { Group, MemberCard } from "./types.ts";

/**
 * The greetings a member may open a group chat with: the first message, the alternates,
 * and (taproom's reading of the V3 spec, which SillyTavern stores but never uses) the
 * card's group-only greetings and the GroupGreetings extension's `extensions.group_greetings`.
 */
export function groupGreetingPool(character: Character): string[] {
  const extension = character.extensions["group_greetings"];
  const fromExtension = Array.isArray(extension) ? extension.filter((g): g is string => typeof g === "string") : [];
  return [character.first_mes, ...character.alternate_greetings, ...(character.group_only_greetings ?? []), ...fromExtension].filter((g) => g !== "");
}

export interface GroupGreetingsInput {
  /** Every member with a card, in list order, muted ones too. */
  members: Pick<MemberCard, "key" | "name" | "character">[];
  expand: MemberExpand;
  /** Two draws per member: the greeting, then its batch id. */
  random: () => number;
  env: ChatEnv;
}

export function groupGreetings(input: GroupGreetingsInput): ChatMessage[] {
  const now = input.env.now();
  const ms = Date.parse(now);
  const out: ChatMessage[] = [];
  for (const member of input.members) {
    const pool = groupGreetingPool(member.character);
    const picked = pool[Math.floor(input.random() * pool.length)] ?? "";
    const batch = ms * input.random() * 1e6;
    const text = picked ? input.expand(picked.trim(), member.name) : "";
    if (!text) continue;
    out.push({
      id: input.env.newId(), role: "assistant", name: member.name,
      swipes: [{ text, sentAt: now }], swipeIndex: 0,
      extra: speakerFields(member.key, batch),
    });
  }
  return out;
}

export interface CreateGroupChatInput extends GroupGreetingsInput {
  group: Pick<Group, "id" | "name">;
  title?: string;
}

/** A new chat for the group, named as SillyTavern names chats (its local date and time), with the greetings. */
export function createGroupChat(input: CreateGroupChatInput): Chat {
  const now = input.env.now();
  const messages = groupGreetings({ ...input, env: { ...input.env, now: () => now } });
  return {
    id: input.env.newId(),
    title: input.title ?? humanizedDateTime(new Date(now)),
    characterId: groupCharacterId(input.group.id),
    characterName: input.group.name,
    groupId: input.group.id,
    createdAt: now,
    updatedAt: now,
    messages,
    settings: {},
    variables: {},
  };
}

/** What a group chat holds where a chat with one character holds the card's id. */
export function groupCharacterId(groupId: string): string {
  return `group:${groupId}`;
}

/** SillyTavern's humanizedDateTime: `2024-09-28@01h02m36s` in local time. */
export function humanizedDateTime(date: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())}@${p(date.getHours())}h${p(date.getMinutes())}m${p(date.getSeconds())}s`;
}

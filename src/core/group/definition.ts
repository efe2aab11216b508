/**
 * Making and changing a group: each change a pure function, Group in, Group out, with
 * SillyTavern's defaults (/api/groups/create and the client's createGroup).
 */
import { ACTIVATION_STRATEGIES, GENERATION_MODES, type Group } from "./types.ts";

/** A group setting given a value it cannot take. */
export class GroupSettingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GroupSettingError";
  }
}

export interface NewGroupInput {
  /** SillyTavern's id: the creation time in milliseconds, as text. */
  id: string;
  /** Blank: "Group: " and the members' names, as SillyTavern names an unnamed group. */
  name?: string;
  /** The members in list order: each one's avatar key, library card id and name. */
  members: { key: string; cardId: string; name: string }[];
  activationStrategy?: number;
  generationMode?: number;
  allowSelfResponses?: boolean;
  /** The group's first chat; none yet when absent (its first open makes one). */
  chatId?: string;
}

export function newGroup(input: NewGroupInput): Group {
  if (input.members.length === 0) throw new GroupSettingError("a group needs at least one member");
  const keys = input.members.map((m) => m.key);
  if (new Set(keys).size !== keys.length) throw new GroupSettingError("a character can be in a group only once");
  const name = input.name?.trim() || `Group: ${input.members.map((m) => m.name).join(", ")}`;
  return {
    id: input.id,
    name,
    members: keys,
    muted: [],
    activationStrategy: input.activationStrategy ?? 0,
    generationMode: input.generationMode ?? 0,
    joinPrefix: "",
    joinSuffix: "",
    allowSelfResponses: input.allowSelfResponses ?? false,
    autoModeDelay: 5,
    chatId: input.chatId ?? "",
    chats: input.chatId ? [input.chatId] : [],
    cards: Object.fromEntries(input.members.map((m) => [m.key, m.cardId])),
    extra: { avatar_url: "img/ai4.png", fav: false, hideMutedSprites: false },
  };
}

/** `natural`, `list`, `manual`, `pooled`, or SillyTavern's number for one. */
export function parseActivationStrategy(text: string): number {
  const index = ACTIVATION_STRATEGIES.indexOf(text.trim().toLowerCase() as (typeof ACTIVATION_STRATEGIES)[number]);
  if (index >= 0) return index;
  if (/^[0-3]$/.test(text.trim())) return Number(text.trim());
  throw new GroupSettingError(`the strategy must be one of ${ACTIVATION_STRATEGIES.join(", ")}, got "${text}"`);
}

/** `swap`, `join`, `join-muted`, or SillyTavern's number for one. */
export function parseGenerationMode(text: string): number {
  const index = GENERATION_MODES.indexOf(text.trim().toLowerCase() as (typeof GENERATION_MODES)[number]);
  if (index >= 0) return index;
  if (/^[0-2]$/.test(text.trim())) return Number(text.trim());
  throw new GroupSettingError(`the card mode must be one of ${GENERATION_MODES.join(", ")}, got "${text}"`);
}

export function setMuted(group: Group, key: string, muted: boolean): Group {
  if (!group.members.includes(key)) throw new GroupSettingError(`${key} is not a member of ${group.name}`);
  const rest = group.muted.filter((k) => k !== key);
  return { ...group, muted: muted ? [...rest, key] : rest };
}

/** Adds a member at the end of the list (SillyTavern's list puts new ones first; taproom appends, so the order people typed stays). */
export function addMember(group: Group, member: { key: string; cardId: string }): Group {
  if (group.members.includes(member.key)) throw new GroupSettingError(`${member.key} is already in ${group.name}`);
  return { ...group, members: [...group.members, member.key], cards: { ...group.cards, [member.key]: member.cardId } };
}

export function removeMember(group: Group, key: string): Group {
  if (!group.members.includes(key)) throw new GroupSettingError(`${key} is not a member of ${group.name}`);
  if (group.members.length === 1) throw new GroupSettingError("a group needs at least one member: delete the group instead");
  const { [key]: _card, ...cards } = group.cards;
  return { ...group, members: group.members.filter((k) => k !== key), muted: group.muted.filter((k) => k !== key), cards };
}

/** The chat becomes the group's open chat (added to its chats when new). */
export function openChat(group: Group, chatId: string): Group {
  return { ...group, chatId, chats: group.chats.includes(chatId) ? group.chats : [...group.chats, chatId] };
}

/** The chat leaves the group; when it was the open one, the last remaining opens ("" when none is left). */
export function dropChat(group: Group, chatId: string): Group {
  const chats = group.chats.filter((c) => c !== chatId);
  return { ...group, chats, chatId: group.chatId === chatId ? (chats.at(-1) ?? "") : group.chatId };
}

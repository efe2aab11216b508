/**
 * A group chat's definition as taproom keeps it: SillyTavern's group JSON
 * (public/scripts/group-chats.js, src/endpoints/groups.js) in taproom's words. Members
 * are avatar keys, SillyTavern's character file names ("Alice.png"), so a group moves
 * between the two programs without renaming anyone.
 */
import type { Character } from "../cards/character.ts";

/** SillyTavern's `activation_strategy` numbers, by index. */
export const ACTIVATION_STRATEGIES = ["natural", "list", "manual", "pooled"] as const;
export type ActivationStrategy = (typeof ACTIVATION_STRATEGIES)[number];

/** SillyTavern's `generation_mode` numbers, by index: swap one card, join all (muted out), join all (muted in). */
export const GENERATION_MODES = ["swap", "join", "join-muted"] as const;
export type GenerationMode = (typeof GENERATION_MODES)[number];

export interface Group {
  /** SillyTavern's id (the creation time in milliseconds, as text); also the file name. */
  id: string;
  name: string;
  /** Members by avatar key, in list order: the order of LIST activation, joined cards and greetings. */
  members: string[];
  /** Muted members (SillyTavern's disabled_members): never chosen by a strategy, still speak when asked. */
  muted: string[];
  /** SillyTavern's number (0 natural, 1 list, 2 manual, 3 pooled); any other is kept as read. */
  activationStrategy: number;
  /** 0 swap, 1 join without muted members, 2 join with them; any other truthy number joins, as in SillyTavern. */
  generationMode: number;
  /** Join modes: text before and after each member's part of a joined field (`<FIELDNAME>` and macros expand). */
  joinPrefix: string;
  joinSuffix: string;
  /** Natural order only: the member who spoke last may be chosen again at once. */
  allowSelfResponses: boolean;
  /** Seconds between turns of SillyTavern's auto mode; kept for the round trip. */
  autoModeDelay: number;
  /** The chat open now (a taproom chat id; "" when none), and every chat of the group. */
  chatId: string;
  chats: string[];
  /** Which library card each avatar key stands for, found when the member was added or the group imported. */
  cards: Record<string, string>;
  /** SillyTavern keys taproom does not use (avatar_url, fav, hideMutedSprites, an extension's own), kept for export. */
  extra: Record<string, unknown>;
}

/** A member whose card is in the library, as the group's turns use it. */
export interface MemberCard {
  key: string;
  name: string;
  character: Character;
  muted: boolean;
  /** The card's talkativeness as written (SillyTavern reads it loosely; see talkativenessOf). */
  talkativeness?: unknown;
}

export function activationStrategyName(value: number): ActivationStrategy | undefined {
  return ACTIVATION_STRATEGIES[value];
}

export function generationModeName(value: number): GenerationMode {
  if (!value) return "swap";
  return GENERATION_MODES[value] ?? "join";
}

export function isJoinMode(group: Pick<Group, "generationMode">): boolean {
  return Boolean(group.generationMode);
}

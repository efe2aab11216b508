/**
 * A group's members as cards of the library: each avatar key to the card remembered for
 * it (or found by SillyTavern's file name), a member whose card is gone listed apart.
 */
import { basename } from "node:path";
import { cardForKey, type LibraryCardRef } from "../../core/group/members.ts";
import type { Group, MemberCard } from "../../core/group/types.ts";
import type { CardSummary, LibraryService } from "../library.ts";

export interface ResolvedMembers {
  /** Members with cards, in list order. */
  members: MemberCard[];
  /** Avatar keys whose cards are not in the library (they sit out every turn). */
  missing: string[];
  /** The group with every card found remembered (save it when it changed). */
  group: Group;
}

export function cardRefs(cards: readonly CardSummary[]): LibraryCardRef[] {
  return cards.map((c) => ({ id: c.id, name: c.name, file: basename(c.path) }));
}

export async function resolveMembers(group: Group, library: LibraryService): Promise<ResolvedMembers> {
  const refs = cardRefs((await library.list()).cards);
  const members: MemberCard[] = [];
  const missing: string[] = [];
  const cards = { ...group.cards };
  for (const key of group.members) {
    const id = cardForKey(key, refs, group.cards[key])?.id ?? group.cards[key];
    // A remembered card that is in the trash still speaks: its chats outlive it, as one-to-one chats do.
    const loaded = id === undefined ? undefined : await library.cardForChat(id).catch(() => undefined);
    if (!loaded || id === undefined) {
      missing.push(key);
      continue;
    }
    cards[key] = id;
    const { character } = loaded.card;
    const talkativeness = character.extensions["talkativeness"] ?? loaded.card.extraTop["talkativeness"];
    members.push({ key, name: character.name, character, muted: group.muted.includes(key), talkativeness });
  }
  return { members, missing, group: { ...group, cards } };
}

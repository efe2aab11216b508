/**
 * One member's part of a group turn: what its prompt is built from (its card or the
 * joined cards, the group's names) and how its reply is marked as its own.
 */
import type { Character } from "../cards/character.ts";
import type { Persona } from "../chat/persona.ts";
import type { Chat } from "../chat/types.ts";
import type { GroupPromptContext } from "../prompt/types.ts";
import { groupCard } from "./cards.ts";
import { memberMacros } from "./macros.ts";
import { withSpeaker } from "./messages.ts";
import type { Group, MemberCard } from "./types.ts";

export interface SpeakerPromptInput {
  group: Pick<Group, "generationMode" | "joinPrefix" | "joinSuffix">;
  /** Members with cards, in list order. */
  members: MemberCard[];
  /** The speaker's avatar key. */
  speaker: string;
  chat: Chat;
  persona: Persona;
  now?: () => Date;
  random?: () => number;
}

export interface SpeakerPrompt {
  /** The card the turn is written from: the speaker's own. */
  character: Character;
  group: GroupPromptContext;
}

export function speakerPrompt(input: SpeakerPromptInput): SpeakerPrompt {
  const { chat } = input;
  const metadata = chat.extra?.chat_metadata as Record<string, unknown> | undefined;
  const examples = metadata?.mes_example;
  const expand = memberMacros({
    persona: input.persona, members: input.members, chatId: chat.id, variables: chat.variables,
    ...(input.now && { now: input.now }), ...(input.random && { random: input.random }),
  });
  const card = groupCard({
    group: input.group, members: input.members, speaker: input.speaker, expand,
    ...(chat.settings.scenario && { scenarioOverride: chat.settings.scenario }),
    ...(typeof examples === "string" && { examplesOverride: examples }),
  });
  return {
    character: card.character,
    group: {
      members: input.members.map((m) => m.name),
      unmuted: input.members.filter((m) => !m.muted).map((m) => m.name),
      ...(card.joined && { joined: card.joined }),
      ...(card.characterNotes && { characterNotes: card.characterNotes }),
    },
  };
}

/** The chat with its last message marked as the member's reply in this turn's batch. */
export function markLastReply(chat: Chat, key: string, batch: number): Chat {
  const last = chat.messages.at(-1);
  if (!last || last.role !== "assistant") return chat;
  return { ...chat, messages: [...chat.messages.slice(0, -1), withSpeaker(last, key, batch)] };
}

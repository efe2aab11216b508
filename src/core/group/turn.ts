/**
 * One group turn, as SillyTavern's generateGroupWrapper runs it: choose who speaks, send
 * the person's message, then let each chosen member write in order, every reply seeing
 * the ones before it, each saved as that member's. Writing a reply (prompt, lore, the
 * model) is the caller's `write`; this module stays pure.
 */
import type { Character } from "../cards/character.ts";
import { applyTurn, currentSwipe, sendUserMessage, type ChatEnv, type TurnWritten } from "../chat/operations.ts";
import type { Persona } from "../chat/persona.ts";
import type { Chat } from "../chat/types.ts";
import type { GroupPromptContext } from "../prompt/types.ts";
import type { TurnMode } from "../prompt/turn.ts";
import { chooseSpeakers, type ChosenSpeaker, type SpeakerChoice, type TurnKind } from "./activation.ts";
import { markLastReply, speakerPrompt } from "./speaker.ts";
import type { Group, MemberCard } from "./types.ts";

export interface GroupTurnRequest {
  kind: TurnKind;
  /** What the person typed: sent first, and what natural order looks for names in. */
  text?: string;
  /** The avatar key of the member asked to speak. */
  force?: string;
  /** A turn nobody typed for (auto mode). */
  auto?: boolean;
}

/** What `write` is asked to do: one member's reply to the chat as it stands. */
export interface MemberTurn {
  chat: Chat;
  speaker: ChosenSpeaker;
  /** The speaker's card, and the group's part of the prompt. */
  character: Character;
  group: GroupPromptContext;
  mode: TurnMode;
}

/** What `write` hands back: the new text (for continue, only what was added) and what the chat keeps of it. */
export type MemberTurnWritten = Omit<TurnWritten, "mode" | "name" | "env">;

export interface GroupTurnReply<R> {
  speaker: ChosenSpeaker;
  /** The reply as saved; "" when the model wrote nothing (then nothing was saved). */
  text: string;
  saved: boolean;
  /** Whatever `write` returned, for the caller's report. */
  result: R;
}

export interface GroupTurnOutcome<R> {
  /** The chat with the person's message and every reply saved in it. */
  chat: Chat;
  choice: SpeakerChoice;
  replies: GroupTurnReply<R>[];
  /** Stopped by the signal: the members after the one writing did not speak. */
  stopped: boolean;
}

export interface GroupTurnInput<R extends MemberTurnWritten> {
  group: Group;
  /** Members with cards, in list order. */
  members: MemberCard[];
  chat: Chat;
  persona: Persona;
  request: GroupTurnRequest;
  env: ChatEnv;
  random: () => number;
  signal?: AbortSignal;
  /** Called with the choice before anyone writes (the UI shows who is next and why). */
  onChoice?: (choice: SpeakerChoice) => void;
  /** Called with the chat after each change (the person's message, each reply). */
  onChat?: (chat: Chat) => void;
  write: (turn: MemberTurn) => Promise<R>;
}

const MODES: Record<TurnKind, TurnMode> = { normal: "reply", swipe: "swipe", continue: "continue", impersonate: "impersonate" };

export async function playGroupTurn<R extends MemberTurnWritten>(input: GroupTurnInput<R>): Promise<GroupTurnOutcome<R>> {
  const { request, env } = input;
  const typed = request.kind === "normal" && (request.text ?? "").trim() !== "";
  const choice = chooseSpeakers({
    group: input.group, members: input.members, messages: input.chat.messages, kind: request.kind, random: input.random,
    ...(typed && { input: request.text }), ...(request.auto && { auto: true }), ...(request.force !== undefined && { force: request.force }),
  });
  input.onChoice?.(choice);
  let chat = input.chat;
  if (typed) {
    chat = sendUserMessage(chat, { text: request.text!, name: input.persona.name, env });
    input.onChat?.(chat);
  }
  const batch = Date.parse(env.now());
  const replies: GroupTurnReply<R>[] = [];
  const mode = MODES[request.kind];
  for (const speaker of choice.speakers) {
    if (input.signal?.aborted) return { chat, choice, replies, stopped: true };
    const prompt = speakerPrompt({ group: input.group, members: input.members, speaker: speaker.key, chat, persona: input.persona, random: input.random });
    const result = await input.write({ chat, speaker, character: prompt.character, group: prompt.group, mode });
    const applied = applyMemberTurn(chat, result, { mode, speaker, batch, env });
    chat = applied.chat;
    replies.push({ speaker, text: applied.text, saved: applied.saved, result });
    if (applied.saved) input.onChat?.(chat);
    if (input.signal?.aborted) return { chat, choice, replies, stopped: true };
  }
  return { chat, choice, replies, stopped: false };
}

/**
 * A member's text into the chat: a reply marked as theirs (unless empty: then nothing),
 * a swipe or more text on their message, an impersonation as the draft.
 */
function applyMemberTurn(chat: Chat, written: MemberTurnWritten, o: { mode: TurnMode; speaker: ChosenSpeaker; batch: number; env: ChatEnv }): { chat: Chat; text: string; saved: boolean } {
  if (o.mode !== "impersonate" && o.mode !== "continue" && written.text.trim() === "") return { chat, text: "", saved: false };
  let next = applyTurn(chat, { ...written, mode: o.mode, name: o.speaker.name, env: o.env });
  if (o.mode === "reply") next = markLastReply(next, o.speaker.key, o.batch);
  const last = next.messages.at(-1);
  const text = o.mode === "impersonate" ? written.text : last ? currentSwipe(last).text : "";
  return { chat: next, text, saved: true };
}

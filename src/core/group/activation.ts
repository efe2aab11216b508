/**
 * Who speaks next in a group, and why: SillyTavern's generateGroupWrapper choice
 * (activateNaturalOrder, activateListOrder, activatePooledOrder, the manual pick,
 * activateSwipe, activateImpersonate), with the same random draws in the same order, and
 * a reason for every member chosen or passed over that the UI and `--json` show.
 */
import type { ChatMessage } from "../chat/types.ts";
import { isNarratorMessage, isSystemMessage, messageText, speakerKey } from "./messages.ts";
import { activationStrategyName, type ActivationStrategy, type Group, type MemberCard } from "./types.ts";
import { extractAllWords, shuffle, talkativenessOf, unique } from "./words.ts";

export type SpeakReason = "mentioned" | "talkativeness" | "fallback" | "list" | "pooled" | "manual-random" | "forced" | "swipe" | "impersonate";
export type PassReason = "muted" | "spoke-last" | "rolled" | "spoken" | "not-picked";

export interface ChosenSpeaker {
  key: string;
  name: string;
  why: SpeakReason;
  /** The reason in words: "named in your message (\"bob\")", "talkativeness 0.5 ≥ roll 0.30". */
  detail: string;
}

export interface PassedMember {
  key: string;
  name: string;
  why: PassReason;
  detail: string;
}

export interface SpeakerChoice {
  /** The strategy that chose (an unknown number chooses as natural). */
  strategy: ActivationStrategy;
  /** In speaking order; each speaks once. */
  speakers: ChosenSpeaker[];
  /** The members not chosen, each with its reason. */
  passed: PassedMember[];
  /** Why nobody speaks, when nobody does. */
  nobody?: string;
  /** Said once to the person: the group's strategy number is not one taproom knows. */
  warning?: string;
}

/** A normal turn, or one that regenerates or extends the last reply, or writes the person's line. */
export type TurnKind = "normal" | "swipe" | "continue" | "impersonate";

export type ActivationMember = Pick<MemberCard, "key" | "name" | "muted" | "talkativeness">;

export interface ChooseSpeakersInput {
  group: Pick<Group, "activationStrategy" | "allowSelfResponses">;
  /** The members whose cards are in the library, in list order, muted ones flagged. */
  members: ActivationMember[];
  /** The chat before the person's new message. */
  messages: ChatMessage[];
  /** What the person typed for this turn; blank is none. */
  input?: string;
  /** A turn nobody typed for (SillyTavern's auto mode): typed text does not count. */
  auto?: boolean;
  kind?: TurnKind;
  /** The avatar key of the member the person asked for: they speak, muted or not. */
  force?: string;
  /** Uniform in [0, 1): tests pass a scripted sequence. */
  random: () => number;
}

/** A group turn that cannot happen: who wrote the reply being swiped has left the group. */
export class GroupTurnError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GroupTurnError";
  }
}

export function chooseSpeakers(input: ChooseSpeakersInput): SpeakerChoice {
  const kind = input.kind ?? "normal";
  const known = activationStrategyName(input.group.activationStrategy);
  const strategy = known ?? "natural";
  const warning = known ? undefined : `this group's activation strategy ${input.group.activationStrategy} is not one taproom knows: natural order is used`;
  const done = (speakers: ChosenSpeaker[], passed: PassedMember[] = [], nobody?: string): SpeakerChoice => ({
    strategy, speakers, passed: passed.filter((p) => !speakers.some((s) => s.key === p.key)),
    ...(speakers.length === 0 && { nobody: nobody ?? "nobody was chosen" }), ...(warning && { warning }),
  });
  const byKey = (key: string) => input.members.find((m) => m.key === key);

  if (input.force !== undefined) {
    const member = byKey(input.force);
    if (!member) throw new GroupTurnError(`${input.force} is not a member of this group with a card in the library`);
    return done([{ key: member.key, name: member.name, why: "forced", detail: member.muted ? "you asked for them (they are muted)" : "you asked for them" }]);
  }
  if (kind === "swipe" || kind === "continue") return done(authorOfLast(input, kind));
  if (kind === "impersonate") {
    const pick = input.members[Math.floor(input.random() * input.members.length)];
    return done(pick ? [{ key: pick.key, name: pick.name, why: "impersonate", detail: "impersonating you: a member at random is the other side of the prompt" }] : [], [], "the group has no members with cards");
  }

  const enabled = input.members.filter((m) => !m.muted);
  const muted = input.members.filter((m) => m.muted).map((m): PassedMember => ({ key: m.key, name: m.name, why: "muted", detail: "muted: speaks only when asked" }));
  if (input.members.length === 0) return done([], [], "the group has no members with cards in the library");
  const typed = !input.auto && (input.input ?? "").trim() !== "";
  const last = input.messages.at(-1);
  const allMuted = "every member is muted: ask one to speak";
  switch (strategy) {
    case "list": {
      const speakers = enabled.map((m, i): ChosenSpeaker => ({ key: m.key, name: m.name, why: "list", detail: `${ordinal(i + 1)} in list order` }));
      return done(speakers, muted, allMuted);
    }
    case "manual": {
      if (typed) return done([], [...muted, ...enabled.map((m): PassedMember => ({ key: m.key, name: m.name, why: "not-picked", detail: "manual mode: nobody speaks until asked" }))], "manual mode: pick who speaks (--as NAME, /speak NAME)");
      const pick = shuffle(enabled.slice(), input.random)[0];
      const speakers = pick ? [{ key: pick.key, name: pick.name, why: "manual-random" as const, detail: "manual mode with nothing typed: one member at random" }] : [];
      return done(speakers, [...muted, ...enabled.map((m): PassedMember => ({ key: m.key, name: m.name, why: "not-picked", detail: "not drawn" }))], allMuted);
    }
    case "pooled": {
      const { speakers, passed } = pooled(enabled, input.messages, typed, last, input.random);
      return done(speakers, [...muted, ...passed], allMuted);
    }
    default: {
      const text = typed ? input.input! : last && !isSystemMessage(last) ? messageText(last) : "";
      const { speakers, passed } = natural(enabled, text, typed, last, input.group.allowSelfResponses, input.random);
      return done(speakers, [...muted, ...passed], allMuted);
    }
  }
}

/**
 * activateNaturalOrder: members named in the text (in the order the words come), then
 * each member that rolls under its talkativeness (in shuffled order), else one at
 * random. The one who wrote the last message sits out unless the person typed or the
 * group allows self-responses; it compares names, as SillyTavern does.
 */
function natural(members: ActivationMember[], text: string, typed: boolean, last: ChatMessage | undefined, allowSelf: boolean, random: () => number) {
  const banned = !allowSelf && !typed && last && last.role !== "user" ? last.name : undefined;
  const chosen = new Map<string, ChosenSpeaker>();
  const passed: PassedMember[] = [];
  const choose = (m: ActivationMember, why: SpeakReason, detail: string) => {
    if (!chosen.has(m.key)) chosen.set(m.key, { key: m.key, name: m.name, why, detail });
  };
  const words = extractAllWords(text);
  for (const word of words) {
    const member = members.find((m) => m.name !== banned && extractAllWords(m.name).includes(word));
    if (member) choose(member, "mentioned", `named in ${typed ? "your message" : "the last message"} ("${word}")`);
  }
  // Taproom's addition: a name without any ASCII word (CJK, Cyrillic) is named by the whole name.
  for (const m of members) {
    const whole = m.name.trim().toLowerCase();
    if (m.name !== banned && extractAllWords(m.name).length === 0 && whole !== "" && text.toLowerCase().includes(whole)) {
      choose(m, "mentioned", `named in ${typed ? "your message" : "the last message"} ("${m.name}")`);
    }
  }
  const chatty: ActivationMember[] = [];
  for (const m of shuffle(members.slice(), random)) {
    if (m.name === banned) {
      passed.push({ key: m.key, name: m.name, why: "spoke-last", detail: "wrote the last message, and self-responses are off" });
      continue;
    }
    const roll = random();
    const t = talkativenessOf(m.talkativeness);
    if (t >= roll) choose(m, "talkativeness", `talkativeness ${fmt(t)} ≥ roll ${fmt(roll)}`);
    else passed.push({ key: m.key, name: m.name, why: "rolled", detail: `talkativeness ${fmt(t)} < roll ${fmt(roll)}` });
    if (t > 0) chatty.push(m);
  }
  if (chosen.size === 0 && members.length > 0) {
    // SillyTavern's pool falls back to every member when nobody is chatty: the one who spoke last included.
    const pool = chatty.length > 0 ? chatty : members;
    const pick = pool[Math.floor(random() * pool.length)]!;
    const among = chatty.length > 0 ? "those with talkativeness above 0" : "all members, since none has talkativeness above 0";
    choose(pick, "fallback", `nobody was named or rolled under their talkativeness: picked at random among ${among}`);
  }
  return { speakers: [...chosen.values()], passed };
}

/**
 * activatePooledOrder: one member who has not spoken since the person last wrote; when
 * all have, anyone but the last speaker. Typed text starts the round afresh.
 */
function pooled(members: ActivationMember[], messages: ChatMessage[], typed: boolean, last: ChatMessage | undefined, random: () => number) {
  const spoken: string[] = [];
  for (let i = messages.length - 1; i >= 0 && !typed; i--) {
    const m = messages[i]!;
    if (m.role === "user") break;
    if (isSystemMessage(m) || isNarratorMessage(m)) continue;
    const key = speakerKey(m);
    if (key) spoken.push(key);
  }
  const notSpoken = members.filter((m) => !spoken.includes(m.key));
  const passed = members.filter((m) => spoken.includes(m.key)).map((m): PassedMember => ({ key: m.key, name: m.name, why: "spoken", detail: "has spoken since your last message" }));
  if (notSpoken.length > 0) {
    const pick = notSpoken[Math.floor(random() * notSpoken.length)]!;
    const others = notSpoken.filter((m) => m !== pick).map((m): PassedMember => ({ key: m.key, name: m.name, why: "not-picked", detail: "not drawn this time" }));
    const detail = typed ? "your message starts a new round: drawn from everyone" : "has not spoken since your last message";
    return { speakers: [{ key: pick.key, name: pick.name, why: "pooled" as const, detail }], passed: [...passed, ...others] };
  }
  const lastKey = members.length > 1 && last && last.role !== "user" ? speakerKey(last) : undefined;
  const pool = lastKey ? members.filter((m) => m.key !== lastKey) : members;
  const pick = pool[Math.floor(random() * pool.length)];
  if (!pick) return { speakers: [], passed };
  return { speakers: [{ key: pick.key, name: pick.name, why: "pooled" as const, detail: "everyone has spoken since your last message: drawn again, the last speaker left out" }], passed };
}

/**
 * activateSwipe: whoever wrote the last message; when that is the person's or a system
 * message, whoever wrote the newest reply before it (or a member at random). Messages
 * from before SillyTavern recorded the author are matched by name.
 */
function authorOfLast(input: ChooseSpeakersInput, kind: "swipe" | "continue"): ChosenSpeaker[] {
  const { messages, members } = input;
  const last = messages.at(-1);
  if (!last) throw new GroupTurnError(`nothing to ${kind}: the chat is empty`);
  const skip = (m: ChatMessage) => m.role === "user" || isSystemMessage(m) || isNarratorMessage(m);
  const keys: string[] = [];
  if (skip(last)) {
    const before = [...messages].reverse().find((m) => !skip(m) && speakerKey(m));
    if (before) keys.push(speakerKey(before)!);
    else {
      const pick = shuffle(members.slice(), input.random)[0];
      if (pick) keys.push(pick.key);
    }
  }
  const lastKey = speakerKey(last);
  if (lastKey) keys.push(lastKey);
  else {
    const byName = members.find((m) => m.name === last.name);
    if (byName) keys.push(byName.key);
  }
  const found = unique(keys).map((k) => members.find((m) => m.key === k)).filter((m): m is ActivationMember => m !== undefined);
  if (found.length === 0) {
    throw new GroupTurnError(`${last.name || "the member"} who wrote the last reply is no longer in this group: add them back to ${kind} it`);
  }
  return found.map((m) => ({ key: m.key, name: m.name, why: "swipe" as const, detail: `wrote the message being ${kind === "swipe" ? "swiped" : "continued"}` }));
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/0$/, "");
}

function ordinal(n: number): string {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? "th" : (["th", "st", "nd", "rd"][n % 10] ?? "th");
  return `${n}${suffix}`;
}

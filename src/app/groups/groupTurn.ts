/**
 * A group chat session's turns: core/group's playGroupTurn with each member's reply
 * written by the engine (that member's card and books, the group's part of the prompt),
 * streamed, saved as it lands, and reported member by member.
 */
import type { ChatEnv } from "../../core/chat/operations.ts";
import type { Chat } from "../../core/chat/types.ts";
import type { Lorebook } from "../../core/lorebook/model.ts";
import { findMember } from "../../core/group/members.ts";
import type { ChosenSpeaker, TurnKind } from "../../core/group/activation.ts";
import { playGroupTurn, type GroupTurnRequest } from "../../core/group/turn.ts";
import type { Group, MemberCard } from "../../core/group/types.ts";
import type { PromptRegex } from "../../core/prompt/types.ts";
import { turnText, type TurnMode } from "../../core/prompt/turn.ts";
import type { SessionTurnContext, TurnOutcome, TurnRequest } from "../chats/session.ts";
import type { TurnResult } from "../turns/playTurn.ts";
import type { GroupReplyReport, GroupTurnSummary } from "./groupTypes.ts";

export type { GroupReplyReport, GroupTurnSummary };

export interface GroupTurnDeps {
  group: () => Group;
  members: () => MemberCard[];
  /** The books a member's turns scan: the global ones, the member's own, the chat's. */
  booksFor(member: MemberCard): { books: Lorebook[]; tiers: number[] };
  /** The regex scripts a member's turn runs: the global ones, and the member card's own once allowed. */
  regexFor(member: MemberCard): PromptRegex;
  env: ChatEnv;
  random: () => number;
}

const KINDS: Record<TurnMode, TurnKind> = { reply: "normal", swipe: "swipe", continue: "continue", impersonate: "impersonate" };

export async function playGroupSessionTurn(request: TurnRequest, ctx: SessionTurnContext, deps: GroupTurnDeps): Promise<TurnOutcome> {
  const members = deps.members();
  const start = ctx.chat();
  const force = request.speaker !== undefined ? findMember(members, request.speaker).key : undefined;
  const groupRequest: GroupTurnRequest = { kind: KINDS[request.mode], ...(request.text !== undefined && { text: request.text }), ...(force !== undefined && { force }) };
  const settings = ctx.settings(request);
  const results: TurnResult[] = [];
  // Onto the chat as it is now: a draft or a setting saved during the turn stays.
  const show = (next: Chat) => {
    const now = ctx.chat();
    const sentDraft = request.text !== undefined && now.draft === start.draft;
    const { draft: _draft, ...rest } = now;
    ctx.save({ ...(sentDraft ? rest : now), messages: next.messages, loreState: next.loreState, variables: next.variables, updatedAt: next.updatedAt, ...(next.keptFrom !== undefined ? { keptFrom: next.keptFrom } : {}) });
  };
  const outcome = await playGroupTurn({
    group: deps.group(), members, chat: start, persona: ctx.persona(), request: groupRequest, env: deps.env, random: deps.random,
    ...(request.signal && { signal: request.signal }),
    onChat: show,
    write: async (turn) => {
      const member = members.find((m) => m.key === turn.speaker.key)!;
      request.onSpeaker?.(turn.speaker, turn.chat);
      const continued = turn.mode === "continue" ? turn.chat.messages.at(-1) : undefined;
      const name = turn.mode === "impersonate" ? ctx.persona().name : member.name;
      let generated = "";
      let thought = "";
      const { books, tiers } = deps.booksFor(member);
      const result = await ctx.run({
        chat: turn.chat, character: turn.character, persona: ctx.persona(), books, bookTiers: tiers, loreSettings: ctx.loreSettings,
        settings, mode: turn.mode, group: turn.group, regex: deps.regexFor(member), extensionPrompts: ctx.extensionPrompts(turn.chat),
        ...(request.signal && { signal: request.signal }),
        onText: (chunk) => request.onText?.(turnText(turn.mode, (generated += chunk), name, continued)),
        onReasoning: (chunk) => request.onReasoning?.((thought += chunk)),
      });
      if (result.report) ctx.report(result.report);
      results.push(result);
      return result;
    },
  });
  return outcomeOf(outcome.chat, { choice: outcome.choice, stopped: outcome.stopped, replies: outcome.replies.map((r) => replyReport(r.speaker, r.text, r.saved, r.result)) }, results.at(-1));
}

function replyReport(speaker: ChosenSpeaker, text: string, saved: boolean, result: TurnResult): GroupReplyReport {
  const g = result.generation;
  return {
    speaker, text, saved, stopReason: g.stopReason ?? "eos", tokens: g.tokens ?? 0, tokensPerSecond: g.tokensPerSecond ?? 0,
    timings: result.timings, template: result.template, loreEntries: result.loreEntries,
  };
}

/** The session's outcome: the last reply's figures, and the whole turn in `group`. */
function outcomeOf(chat: Chat, summary: GroupTurnSummary, last: TurnResult | undefined): TurnOutcome {
  const reply = summary.replies.at(-1);
  return {
    chat,
    text: reply?.text ?? "",
    stopReason: reply?.stopReason ?? "eos",
    tokens: summary.replies.reduce((n, r) => n + r.tokens, 0),
    tokensPerSecond: reply?.tokensPerSecond ?? 0,
    timings: reply?.timings ?? { promptTokens: 0, evaluatedPromptTokens: 0, reusedPromptTokens: 0 },
    template: reply?.template ?? "",
    loreEntries: [...new Set(summary.replies.flatMap((r) => r.loreEntries))],
    report: last?.report ?? null,
    group: summary,
  };
}

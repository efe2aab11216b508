/**
 * `taproom chat --group`: one turn of a group's chat, headless. The group's strategy
 * chooses who answers (or `--as` names one); each reply prints as `Name: text`, and
 * `--json` says who spoke, why, and what each reply cost.
 */
import type { App } from "../../app/app.ts";
import type { TurnOutcome, TurnRequest } from "../../app/chats/session.ts";
import { generationBatch } from "../../core/group/messages.ts";
import type { ChatMessage } from "../../core/chat/types.ts";
import { displayText, sanitizeForTerminal } from "../../core/text/sanitize.ts";
import { UsageError, type CliIO } from "../command.ts";

export interface GroupChatFlags {
  group: string;
  message?: string;
  as?: string;
  chat?: string;
  newChat?: string;
  json?: boolean;
}

export async function openGroupSession(app: App, flags: GroupChatFlags) {
  const group = await app.groups.show(flags.group);
  const session = await app.chats.open({
    groupId: group.id,
    ...(flags.chat ? { chatId: flags.chat } : flags.newChat ? { fresh: true, title: flags.newChat } : {}),
  });
  if (session.chat().groupId !== group.id) {
    await session.close();
    throw new UsageError(`chat "${flags.chat}" is not one of ${group.name}'s chats`);
  }
  return session;
}

/** The turn asked for: the message (if any) and the member asked to speak (if any). */
export function groupTurnRequest(flags: GroupChatFlags, base: Omit<TurnRequest, "mode" | "text" | "speaker">): TurnRequest {
  if (flags.message === undefined && flags.as === undefined) throw new UsageError("--message TEXT is required (or --as MEMBER to make one speak)");
  return { ...base, mode: "reply", ...(flags.message !== undefined && { text: flags.message }), ...(flags.as !== undefined && { speaker: flags.as }) };
}

export function printGroupTurn(played: TurnOutcome, io: CliIO, extra: { plan: unknown; json?: boolean }): void {
  const turn = played.group;
  if (!turn) throw new Error("not a group chat's turn");
  // The saved replies are the chat's last messages, in order.
  const count = turn.replies.filter((r) => r.saved).length;
  const tail: ChatMessage[] = count > 0 ? played.chat.messages.slice(-count) : [];
  if (extra.json) {
    let savedIndex = 0;
    io.stdout.write(`${JSON.stringify({
      strategy: turn.choice.strategy,
      replies: turn.replies.map((r) => {
        const message = r.saved ? tail[savedIndex++] : undefined;
        const st = message?.extra?.extra as Record<string, unknown> | undefined;
        return {
          speaker: { name: r.speaker.name, avatar: r.speaker.key },
          why: r.speaker.why,
          detail: r.speaker.detail,
          text: r.text,
          reasoning: typeof st?.reasoning === "string" ? st.reasoning : null,
          gen_id: message ? (generationBatch(message) ?? null) : null,
          saved: r.saved,
          stopReason: r.stopReason,
          tokens: r.tokens,
          timings: { ...r.timings, tokensPerSecond: r.timings.tokensPerSecond ?? r.tokensPerSecond },
          template: r.template,
          lore: r.loreEntries,
        };
      }),
      passed: turn.choice.passed.map((p) => ({ name: p.name, avatar: p.key, why: p.why, detail: p.detail })),
      ...(turn.choice.nobody !== undefined && { nobody: turn.choice.nobody }),
      ...(turn.choice.warning !== undefined && { warning: turn.choice.warning }),
      stopped: turn.stopped,
      plan: extra.plan,
      chat: played.chat.title,
    }, (k, x) => (k === "facts" ? undefined : x), 2)}\n`);
    return;
  }
  if (turn.choice.warning) io.stderr.write(`${sanitizeForTerminal(turn.choice.warning)}\n`);
  if (turn.choice.nobody) io.stderr.write(`${sanitizeForTerminal(`Nobody replied: ${turn.choice.nobody}`)}\n`);
  for (const r of turn.replies) {
    if (r.saved) io.stdout.write(`${displayText(`${r.speaker.name}: ${r.text}`)}\n`);
    else io.stderr.write(`${sanitizeForTerminal(`${r.speaker.name} wrote nothing (nothing saved)`)}\n`);
  }
}

import type { ChatEnv } from "../chat/operations.ts";
import type { Chat, Swipe } from "../chat/types.ts";
import { parseReasoningFromString } from "./parse.ts";
import type { ReasoningMarkers } from "./templates.ts";

/**
 * Replies that still carry their thinking in the text (a chat imported from a tool that
 * did not split it) get it split out, as SillyTavern parses received messages. Only when
 * a person asks: imported data is never changed silently. Swipes that have reasoning are
 * left alone.
 */
export function reparseReasoning(chat: Chat, markers: readonly ReasoningMarkers[], env: ChatEnv): { chat: Chat; changed: number } {
  let changed = 0;
  const split = (swipe: Swipe): Swipe => {
    if (swipe.reasoning?.text || swipe.text === "" || swipe.text === "...") return swipe;
    for (const m of markers) {
      const parsed = parseReasoningFromString(swipe.text, m);
      if (parsed && parsed.reasoning) {
        changed++;
        return { ...swipe, text: parsed.content, reasoning: { ...swipe.reasoning, text: parsed.reasoning, type: "parsed" } };
      }
    }
    return swipe;
  };
  const messages = chat.messages.map((m) => {
    if (m.role !== "assistant") return m;
    const swipes = m.swipes.map(split);
    return swipes.some((s, i) => s !== m.swipes[i]) ? { ...m, swipes } : m;
  });
  return changed === 0 ? { chat, changed } : { chat: { ...chat, messages, updatedAt: env.now() }, changed };
}

/**
 * The chat screen's conversation state as a pure reducer: messages, which of them are
 * printed for good (Static, append-only), and the reply being streamed.
 */
import type { ChatMessage, GenerationInfo } from "../../core/chat/types.ts";
import { withShownText } from "../../core/chat/operations.ts";

export interface Streaming {
  /** Message the text goes to: a new reply, or a new swipe of the last one. */
  messageId: string;
  text: string;
}

export interface ChatSessionState {
  messages: ChatMessage[];
  /** Messages before this index are printed once and never redrawn. */
  committed: number;
  streaming: Streaming | null;
  notice: string | null;
  /** Bumped when an already-printed message changed: the transcript clears and prints again. */
  reprint: number;
}

export type ChatSessionAction =
  | { type: "send"; id: string; name: string; text: string; at: string }
  | { type: "replyStart"; id: string; name: string; at: string }
  | { type: "swipeStart"; at: string }
  | { type: "continueStart" }
  | { type: "replyText"; text: string }
  | { type: "replyEnd"; text: string; generation: GenerationInfo }
  | { type: "replyFailed"; message: string; mode?: "reply" | "swipe" | "continue"; dropUserMessage?: boolean }
  | { type: "swipe"; direction: -1 | 1 }
  /** Edits the shown swipe of any finished message. */
  | { type: "editAt"; index: number; text: string }
  /** Deletes any finished message. */
  | { type: "deleteAt"; index: number }
  /** The terminal was taken over (an external editor): print everything again. */
  | { type: "reprint" }
  | { type: "notice"; message: string | null };

/** A resumed chat keeps its last message live, so swiping or continuing it shows at once. */
export function initialSession(messages: ChatMessage[]): ChatSessionState {
  return { messages, committed: Math.max(0, messages.length - 1), streaming: null, notice: null, reprint: 0 };
}

function updateLast(messages: ChatMessage[], change: (m: ChatMessage) => ChatMessage): ChatMessage[] {
  const last = messages.at(-1);
  return last ? [...messages.slice(0, -1), change(last)] : messages;
}

export function lastReply(state: ChatSessionState): ChatMessage | undefined {
  const last = state.messages.at(-1);
  return last?.role === "assistant" ? last : undefined;
}

/**
 * The messages as they should be saved right now: a reply still streaming keeps the text
 * it has (the app is closing mid-reply); one with no text yet is left out.
 */
export function settledMessages(state: ChatSessionState): ChatMessage[] {
  const { streaming } = state;
  const last = state.messages.at(-1);
  if (!streaming || !last || last.id !== streaming.messageId) return state.messages;
  if (streaming.text === "") {
    if (last.swipes.length > 1) return updateLast(state.messages, (m) => ({ ...m, swipes: m.swipes.slice(0, -1), swipeIndex: m.swipes.length - 2 }));
    return state.messages.slice(0, -1);
  }
  return updateLast(state.messages, (m) => ({ ...m, swipes: m.swipes.map((s, i) => (i === m.swipeIndex ? { ...s, text: streaming.text } : s)) }));
}

export function chatSessionReducer(state: ChatSessionState, action: ChatSessionAction): ChatSessionState {
  switch (action.type) {
    case "send": {
      const message: ChatMessage = { id: action.id, role: "user", name: action.name, swipes: [{ text: action.text, sentAt: action.at }], swipeIndex: 0 };
      // Everything before the new message is final now.
      return { ...state, messages: [...state.messages, message], committed: state.messages.length, notice: null };
    }
    case "replyStart": {
      const message: ChatMessage = { id: action.id, role: "assistant", name: action.name, swipes: [{ text: "", sentAt: action.at }], swipeIndex: 0 };
      return { ...state, messages: [...state.messages, message], streaming: { messageId: action.id, text: "" }, notice: null };
    }
    case "swipeStart": {
      const last = lastReply(state);
      if (!last) return state;
      const messages = updateLast(state.messages, (m) => ({ ...m, swipes: [...m.swipes, { text: "", sentAt: action.at }], swipeIndex: m.swipes.length }));
      return { ...state, messages, streaming: { messageId: last.id, text: "" }, notice: null };
    }
    case "continueStart": {
      const last = state.messages.at(-1);
      if (!last || state.streaming || state.messages.length <= state.committed) return state;
      return { ...state, streaming: { messageId: last.id, text: last.swipes[last.swipeIndex]?.text ?? "" }, notice: null };
    }
    case "replyText":
      return state.streaming ? { ...state, streaming: { ...state.streaming, text: action.text } } : state;
    case "replyEnd": {
      if (!state.streaming) return state;
      const messages = updateLast(state.messages, (m) => ({
        ...m,
        swipes: m.swipes.map((s, i) => (i === m.swipeIndex ? { ...s, text: action.text, generation: action.generation } : s)),
      }));
      return { ...state, messages, streaming: null };
    }
    case "replyFailed": {
      // A failed continuation leaves the message as it was.
      if (action.mode === "continue") return { ...state, streaming: null, notice: action.message };
      const last = state.messages.at(-1);
      let messages = state.messages;
      if (last?.role === "assistant" && last.swipes.length > 1) {
        messages = updateLast(messages, (m) => ({ ...m, swipes: m.swipes.slice(0, -1), swipeIndex: m.swipes.length - 2 }));
      } else if (last?.role === "assistant") {
        messages = messages.slice(0, -1);
      }
      // The text goes back into the input, so the unanswered message leaves the chat.
      if (action.dropUserMessage && messages.at(-1)?.role === "user" && messages.length > state.committed) messages = messages.slice(0, -1);
      return { ...state, messages, streaming: null, notice: action.message };
    }
    case "swipe": {
      const last = lastReply(state);
      if (!last || state.streaming) return state;
      const index = Math.min(Math.max(last.swipeIndex + action.direction, 0), last.swipes.length - 1);
      return { ...state, messages: updateLast(state.messages, (m) => ({ ...m, swipeIndex: index })) };
    }
    case "editAt": {
      const message = state.messages[action.index];
      if (state.streaming || !message) return state;
      const messages = state.messages.slice();
      messages[action.index] = withShownText(message, action.text);
      const printed = action.index < state.committed;
      return { ...state, messages, notice: "Message edited", reprint: state.reprint + (printed ? 1 : 0) };
    }
    case "deleteAt": {
      if (state.streaming || !state.messages[action.index]) return state;
      const messages = state.messages.filter((_, i) => i !== action.index);
      const printed = action.index < state.committed;
      return { ...state, messages, committed: state.committed - (printed ? 1 : 0), notice: "Message deleted", reprint: state.reprint + (printed ? 1 : 0) };
    }
    case "reprint":
      return { ...state, reprint: state.reprint + 1 };
    case "notice":
      return { ...state, notice: action.message };
  }
}

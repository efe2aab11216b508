/**
 * The chat screen's whole state as one pure reducer: the chat's messages (as the chat
 * session last returned them), which of them are printed for good, the turn being
 * written, the input, the panels and the modes. Key handlers read the latest state
 * through one ref (useSyncReducer), so keys faster than a render never see stale state.
 * Chat changes themselves are the session's (core/chat); this only shows them.
 */
import type { ChatMessage } from "../../core/chat/types.ts";
import type { TurnMode } from "../../core/prompt/turn.ts";
import type { SamplerSettings } from "../../core/samplers/types.ts";
import { inputReducer, type InputAction, type InputState } from "../input/inputReducer.ts";
import type { TurnPanelView } from "../panels/TurnPanel.tsx";
import type { ChatPanel } from "./keys/panelKeys.ts";
import { scrollbackRows, tailStart } from "./transcriptTail.ts";

/** A turn being written, drawn over the chat until the session hands back the chat it made. */
export interface TurnPreview {
  mode: TurnMode;
  /** The person's message, shown at once (a reply to something just sent). */
  user: ChatMessage | null;
  /** Who is writing (a new reply's name). */
  name: string;
  /** The message being written, whole. */
  text: string;
  /** Its reasoning so far, kept apart from the text. */
  reasoning: string;
  at: string;
}

export interface ChatScreenState {
  messages: ChatMessage[];
  /** Messages before this index are printed once and never redrawn. */
  committed: number;
  /** The first message printed: those before it are left out of the terminal (PgUp prints them). */
  printedFrom: number;
  turn: TurnPreview | null;
  notice: string | null;
  /** Bumped when an already-printed message changed: the transcript clears and prints again. */
  reprint: number;
  input: InputState;
  samplers: SamplerSettings;
  presetName: string | null;
  persona: string;
  panel: ChatPanel | null;
  samplerRow: number;
  /** The row picked in a group chat's members panel. */
  memberRow: number;
  turnView: TurnPanelView;
  turnOffset: number;
  /** The message picked in select mode (an index), or null outside it. */
  selected: number | null;
  /** The message waiting for y/n before it is deleted. */
  confirmDelete: number | null;
  /** The message whose text is in the input, being edited. */
  editing: number | null;
  quitArmed: boolean;
  /** Reasoning blocks unfolded (they are folded to one line by default). */
  showReasoning: boolean;
}

/** Fields a key sets as they are. */
type Settable = Pick<ChatScreenState, "samplerRow" | "memberRow" | "turnView" | "turnOffset" | "selected" | "confirmDelete" | "editing" | "quitArmed" | "persona">;

export type ChatScreenAction =
  | { type: "turnStart"; mode: TurnMode; name: string; user?: { name: string; text: string }; at: string }
  | { type: "turnText"; text: string }
  /** A group chat: the next member starts writing; `messages` holds what the turn wrote so far. */
  | { type: "turnSpeaker"; name: string; messages: ChatMessage[] }
  | { type: "turnReasoning"; reasoning: string }
  /** Reasoning folded or unfolded: the printed messages are printed again. */
  | { type: "toggleReasoning" }
  /** The turn is over: these are the messages of the chat it made. */
  | { type: "turnEnd"; messages: ChatMessage[] }
  | { type: "turnFailed"; message: string }
  /** The session changed a finished message (edited, deleted, another swipe shown). */
  | { type: "changed"; messages: ChatMessage[]; index: number; change: "edited" | "deleted" | "swiped" }
  /** The terminal was taken over (an external editor): print everything again. */
  | { type: "reprint" }
  /** Print the transcript again from an earlier message. */
  | { type: "printFrom"; from: number }
  | { type: "notice"; message: string | null }
  | { type: "input"; action: InputAction }
  | { type: "samplers"; samplers: SamplerSettings; presetName?: string }
  /** A panel change resets the prompt panel's view in the same step: a key pressed just after is never undone. */
  | { type: "panel"; panel: ChatPanel | null }
  | { type: "set"; patch: Partial<Settable> };

export interface ChatScreenStart {
  messages: ChatMessage[];
  draft: string;
  notice: string | null;
  samplers: SamplerSettings;
  presetName: string | null;
  persona: string;
  /** The terminal's size: a long chat prints only its last few screens. */
  terminal?: { rows: number; columns: number };
}

/** A resumed chat keeps its last message live, so swiping or continuing it shows at once. */
export function initialChatScreen(start: ChatScreenStart): ChatScreenState {
  const committed = Math.max(0, start.messages.length - 1);
  const { rows, columns } = start.terminal ?? { rows: 24, columns: 80 };
  return {
    messages: start.messages,
    committed,
    printedFrom: tailStart(start.messages, committed, scrollbackRows(rows), columns),
    turn: null,
    notice: start.notice,
    reprint: 0,
    input: { text: start.draft, cursor: start.draft.length, history: [], historyIndex: null, draft: "" },
    samplers: start.samplers,
    presetName: start.presetName,
    persona: start.persona,
    panel: null,
    samplerRow: 0,
    memberRow: 0,
    turnView: "summary",
    turnOffset: 0,
    selected: null,
    confirmDelete: null,
    editing: null,
    quitArmed: false,
    showReasoning: false,
  };
}

export function lastReply(messages: ChatMessage[]): ChatMessage | undefined {
  const last = messages.at(-1);
  return last?.role === "assistant" ? last : undefined;
}

/** What the transcript draws: the chat's messages with the turn being written on top. */
export function shownMessages(state: Pick<ChatScreenState, "messages" | "turn">): ChatMessage[] {
  const { messages, turn } = state;
  if (!turn || turn.mode === "impersonate") return messages;
  const last = messages.at(-1);
  const thought = turn.reasoning ? { reasoning: { text: turn.reasoning } } : {};
  if (turn.mode === "continue" && last) {
    return [...messages.slice(0, -1), { ...last, swipes: last.swipes.map((s, i) => (i === last.swipeIndex ? { ...s, text: turn.text, ...thought } : s)) }];
  }
  if (turn.mode === "swipe" && last) {
    return [...messages.slice(0, -1), { ...last, swipes: [...last.swipes, { text: turn.text, sentAt: turn.at, ...thought }], swipeIndex: last.swipes.length }];
  }
  const reply: ChatMessage = { id: "writing", role: "assistant", name: turn.name, swipes: [{ text: turn.text, sentAt: turn.at, ...thought }], swipeIndex: 0 };
  return [...messages, ...(turn.user ? [turn.user] : []), reply];
}

export function chatScreenReducer(state: ChatScreenState, action: ChatScreenAction): ChatScreenState {
  switch (action.type) {
    case "turnStart": {
      const user: ChatMessage | null = action.user
        ? { id: "sending", role: "user", name: action.user.name, swipes: [{ text: action.user.text, sentAt: action.at }], swipeIndex: 0 }
        : null;
      // Everything before a new message from the person is final now.
      const committed = user ? state.messages.length : state.committed;
      // A continuation starts from the message's text as it is.
      const last = state.messages.at(-1);
      const text = action.mode === "continue" && last ? (last.swipes[last.swipeIndex]?.text ?? "") : "";
      const reasoning = action.mode === "continue" && last ? (last.swipes[last.swipeIndex]?.reasoning?.text ?? "") : "";
      return { ...state, committed, turn: { mode: action.mode, user, name: action.name, text, reasoning, at: action.at }, notice: null };
    }
    case "turnText":
      return state.turn ? { ...state, turn: { ...state.turn, text: action.text } } : state;
    case "turnSpeaker": {
      if (!state.turn) return state;
      // What the turn wrote so far is the chat's now; the new speaker's message starts empty (a continuation from its text).
      const last = action.messages.at(-1);
      const text = state.turn.mode === "continue" && last ? (last.swipes[last.swipeIndex]?.text ?? "") : "";
      return { ...state, messages: action.messages, turn: { ...state.turn, user: null, name: action.name, text } };
    }
    case "turnReasoning":
      return state.turn ? { ...state, turn: { ...state.turn, reasoning: action.reasoning } } : state;
    case "toggleReasoning":
      return { ...state, showReasoning: !state.showReasoning, reprint: state.reprint + 1 };
    case "turnEnd":
      return { ...state, messages: action.messages, turn: null };
    case "turnFailed":
      // The chat is as it was: the sent text goes back to the input, not into the chat.
      return { ...state, turn: null, notice: action.message };
    case "changed": {
      const printed = action.index < state.committed;
      const notice = action.change === "edited" ? "Message edited" : action.change === "deleted" ? "Message deleted" : state.notice;
      const committed = action.change === "deleted" && printed ? state.committed - 1 : state.committed;
      const printedFrom = action.change === "deleted" && action.index < state.printedFrom ? state.printedFrom - 1 : state.printedFrom;
      return { ...state, messages: action.messages, committed, printedFrom, notice, reprint: state.reprint + (printed ? 1 : 0) };
    }
    case "reprint":
      return { ...state, reprint: state.reprint + 1 };
    case "printFrom":
      return { ...state, printedFrom: Math.max(0, Math.min(action.from, state.committed)), reprint: state.reprint + 1 };
    case "notice":
      return { ...state, notice: action.message };
    case "input":
      return { ...state, input: inputReducer(state.input, action.action) };
    case "samplers":
      return { ...state, samplers: action.samplers, ...(action.presetName !== undefined && { presetName: action.presetName }) };
    case "panel":
      return { ...state, panel: action.panel, turnView: "summary", turnOffset: 0 };
    case "set":
      return { ...state, ...action.patch };
  }
}

import { useCallback, useRef, useState } from "react";
import type { TurnMode } from "../../core/prompt/turn.ts";
import type { ChatSession, TurnRequest } from "../../app/chats/session.ts";
import type { ModelLoadWatch } from "../../app/models.ts";
import { lastReply, type ChatScreenAction, type ChatScreenState } from "./chatScreenState.ts";
import { groupNotice } from "./groupNotice.ts";

export interface ReplyGenerationDeps {
  session: ChatSession;
  models: ModelLoadWatch;
  /** How often streamed text is drawn, in ms. */
  flushMs?: number;
  state: { readonly current: ChatScreenState };
  dispatch(action: ChatScreenAction): void;
  /** Anything keeping the chat busy (a reply, a model loading): nothing new starts then. */
  busy(): boolean;
}

export interface ReplyGeneration {
  send(text: string): void;
  /** A reply to the chat as it stands, with no new message from the person. */
  replyNow(): void;
  swipeNew(): void;
  continueReply(): void;
  impersonate(): void;
  /** A group chat: this member (a name, or its start) replies to the chat as it stands, muted or not. */
  speak(member: string): void;
  /** Stops the generation under way; false when there is none. */
  stop(): boolean;
  /** A generation is under way (its text may not have started streaming yet). */
  running(): boolean;
  /** Tokens per second of the last generation. */
  speed: number | null;
  impersonating: boolean;
}

/**
 * Replies, swipes, continuations and impersonations: each is one turn of the chat
 * session, streamed onto the screen at a steady rate and stoppable; the screen then
 * shows the chat the turn returns.
 */
export function useReplyGeneration(deps: ReplyGenerationDeps): ReplyGeneration {
  const { session, models, flushMs, state, dispatch } = deps;
  const [speed, setSpeed] = useState<number | null>(null);
  const [impersonating, setImpersonating] = useState(false);
  const abortRef = useRef<AbortController | null>(null);
  const busyRef = useRef(deps.busy);
  busyRef.current = deps.busy;
  const busy = () => busyRef.current();

  const play = useCallback(
    async (mode: TurnMode, sent?: string, speaker?: string) => {
      const controller = new AbortController();
      abortRef.current = controller;
      let latest = "";
      let drawn = "";
      let thought = "";
      let thoughtDrawn = "";
      const timer = setInterval(() => {
        if (thought !== thoughtDrawn) {
          thoughtDrawn = thought;
          dispatch({ type: "turnReasoning", reasoning: thought });
        }
        if (latest === drawn) return;
        drawn = latest;
        if (mode === "impersonate") dispatch({ type: "notice", message: `Writing as ${state.current.persona}: ${drawn}` });
        else dispatch({ type: "turnText", text: drawn });
      }, flushMs ?? 40);
      setImpersonating(mode === "impersonate");
      // The turn waits for a model still loading; say so until it is there.
      const waiting = models.loading();
      if (waiting) {
        const line = "Waiting for the model to load…";
        dispatch({ type: "notice", message: line });
        waiting.done.then(() => state.current.notice === line && dispatch({ type: "notice", message: null }), () => {});
      }
      const request: TurnRequest = {
        mode, signal: controller.signal, onText: (text) => void (latest = text), onReasoning: (text) => void (thought = text), ...(sent !== undefined && { text: sent }), ...(speaker !== undefined && { speaker }),
        // A group's next member: what is written so far is the chat's, and the new message is theirs.
        onSpeaker: (who, chat) => {
          latest = drawn = thought = "";
          dispatch({ type: "turnSpeaker", name: mode === "impersonate" ? state.current.persona : who.name, messages: chat.messages });
        },
      };
      try {
        const outcome = await session.play(request);
        setSpeed(outcome.tokensPerSecond);
        dispatch({ type: "turnEnd", messages: outcome.chat.messages });
        const stopped = outcome.stopReason === "abort" ? "Stopped (partial reply kept)" : outcome.group ? groupNotice(outcome.group) : null;
        if (mode === "impersonate") {
          dispatch({ type: "input", action: { type: "restore", text: outcome.text } });
          dispatch({ type: "notice", message: stopped });
        } else if (stopped) dispatch({ type: "notice", message: stopped });
      } catch (error) {
        dispatch({ type: "turnFailed", message: `Generation failed: ${error instanceof Error ? error.message : String(error)}` });
        // Nothing typed is lost: the sent text goes back to an empty input.
        if (sent !== undefined) dispatch({ type: "input", action: { type: "restore", text: sent } });
      } finally {
        clearInterval(timer);
        abortRef.current = null;
        setImpersonating(false);
      }
    },
    [session, models, flushMs, state, dispatch],
  );

  const start = (mode: TurnMode, sent?: string, speaker?: string) => {
    const current = state.current;
    const name = mode === "impersonate" ? current.persona : session.group ? "…" : session.character.name;
    dispatch({ type: "turnStart", mode, name, at: new Date().toISOString(), ...(sent !== undefined && { user: { name: current.persona, text: sent } }) });
    void play(mode, sent, speaker);
  };

  return {
    send: (text) => start("reply", text),
    replyNow: () => {
      if (!busy()) start("reply");
    },
    swipeNew: () => {
      if (busy() || !lastReply(state.current.messages)) return dispatch({ type: "notice", message: "Nothing to swipe: the last message is not a reply" });
      start("swipe");
    },
    continueReply: () => {
      const current = state.current;
      if (busy()) return;
      if (current.messages.length === 0 || current.messages.length <= current.committed) return dispatch({ type: "notice", message: "Nothing to continue: send a message first" });
      start("continue");
    },
    impersonate: () => {
      if (busy()) return;
      if (state.current.input.text !== "") return dispatch({ type: "notice", message: "Impersonate writes into the input: empty it first" });
      start("impersonate");
    },
    speak: (member) => {
      if (busy()) return dispatch({ type: "notice", message: "A reply is being written: Ctrl+C stops it first" });
      if (!session.group) return dispatch({ type: "notice", message: "Only a group chat has members to ask" });
      start("reply", undefined, member);
    },
    stop: () => {
      if (!abortRef.current) return false;
      abortRef.current.abort();
      return true;
    },
    running: () => abortRef.current !== null,
    speed,
    impersonating,
  };
}

import { useCallback, useRef, useState } from "react";
import type { ChatMessage } from "../../core/chat/types.ts";
import type { SamplerSettings } from "../../core/samplers/types.ts";
import { turnText, type TurnMode } from "../../core/prompt/turn.ts";
import type { ChatServices } from "../app/services.ts";
import type { InputAction } from "../input/inputReducer.ts";
import { lastReply, type ChatSessionAction, type ChatSessionState } from "./chatSession.ts";

export interface ReplyGenerationDeps {
  services: ChatServices;
  characterName: string;
  persona: string;
  /** How often streamed text is drawn, in ms. */
  flushMs?: number;
  session: { readonly current: ChatSessionState };
  samplers: { readonly current: SamplerSettings };
  inputText: { readonly current: string };
  dispatch(action: ChatSessionAction): void;
  dispatchInput(action: InputAction): void;
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
  /** Stops the generation under way; false when there is none. */
  stop(): boolean;
  /** A generation is under way (its text may not have started streaming yet). */
  running(): boolean;
  /** Tokens per second of the last generation. */
  speed: number | null;
  impersonating: boolean;
}

let nextId = 0;
const newId = (prefix: string) => `${prefix}${Date.now().toString(36)}${(nextId++).toString(36)}`;

/** Replies, swipes, continuations and impersonations: streamed into the chat at a steady rate, stoppable. */
export function useReplyGeneration(deps: ReplyGenerationDeps): ReplyGeneration {
  const { services, characterName, persona, flushMs, session, samplers, inputText, dispatch, dispatchInput } = deps;
  const [speed, setSpeed] = useState<number | null>(null);
  const [impersonating, setImpersonating] = useState(false);
  const abortRef = useRef<AbortController | null>(null);
  const busyRef = useRef(deps.busy);
  busyRef.current = deps.busy;
  const busy = () => busyRef.current();

  const generate = useCallback(
    async (mode: TurnMode, messages: ChatMessage[], restoreInput: string | null) => {
      const controller = new AbortController();
      abortRef.current = controller;
      const continued = mode === "continue" ? messages.at(-1) : undefined;
      // What the screen shows for the generated text so far.
      const shown = (generated: string) => (continued ? turnText("continue", generated, "", continued) : generated);
      let latest = "";
      let drawn = "";
      const timer = setInterval(() => {
        if (latest === drawn) return;
        drawn = latest;
        if (mode === "impersonate") dispatch({ type: "notice", message: `Writing as ${persona}: ${drawn}` });
        else dispatch({ type: "replyText", text: shown(drawn) });
      }, flushMs ?? 40);
      setImpersonating(mode === "impersonate");
      // generate() waits for a model still loading; say so until it is there.
      const waiting = services.modelLoad?.loading();
      if (waiting) {
        const line = "Waiting for the model to load…";
        dispatch({ type: "notice", message: line });
        waiting.done.then(() => session.current.notice === line && dispatch({ type: "notice", message: null }), () => {});
      }
      try {
        const result = await services.generate({
          mode,
          messages,
          characterName,
          samplers: samplers.current,
          signal: controller.signal,
          onText: (text) => void (latest = text),
        });
        setSpeed(result.tokensPerSecond);
        const stopped = result.stopReason === "abort" ? "Stopped (partial reply kept)" : null;
        if (mode === "impersonate") {
          dispatchInput({ type: "restore", text: turnText("impersonate", result.text, persona) });
          dispatch({ type: "notice", message: stopped });
          return;
        }
        const text = continued ? turnText("continue", result.text, "", continued) : turnText("reply", result.text, characterName);
        dispatch({ type: "replyEnd", text, generation: { stopReason: result.stopReason, tokens: result.tokens, tokensPerSecond: result.tokensPerSecond } });
        if (stopped) dispatch({ type: "notice", message: stopped });
      } catch (error) {
        const message = `Generation failed: ${error instanceof Error ? error.message : String(error)}`;
        if (mode === "impersonate") dispatch({ type: "notice", message });
        else dispatch({ type: "replyFailed", message, mode, dropUserMessage: restoreInput !== null });
        // Nothing typed is lost: the sent text goes back to an empty input.
        if (restoreInput !== null) dispatchInput({ type: "restore", text: restoreInput });
      } finally {
        clearInterval(timer);
        abortRef.current = null;
        setImpersonating(false);
      }
    },
    [services, characterName, persona, flushMs, samplers, dispatch, dispatchInput],
  );

  const send = useCallback(
    (text: string) => {
      const at = new Date().toISOString();
      const user: ChatMessage = { id: newId("u"), role: "user", name: persona, swipes: [{ text, sentAt: at }], swipeIndex: 0 };
      dispatch({ type: "send", id: user.id, name: user.name, text, at });
      dispatch({ type: "replyStart", id: newId("a"), name: characterName, at });
      void generate("reply", [...session.current.messages, user], text);
    },
    [generate, persona, characterName, session, dispatch],
  );

  const replyNow = () => {
    if (busy()) return;
    dispatch({ type: "replyStart", id: newId("a"), name: characterName, at: new Date().toISOString() });
    void generate("reply", session.current.messages, null);
  };

  const swipeNew = () => {
    const current = session.current;
    if (busy() || !lastReply(current)) return dispatch({ type: "notice", message: "Nothing to swipe: the last message is not a reply" });
    dispatch({ type: "swipeStart", at: new Date().toISOString() });
    void generate("swipe", current.messages, null);
  };

  const continueReply = () => {
    const current = session.current;
    if (busy()) return;
    if (current.messages.length <= current.committed) return dispatch({ type: "notice", message: "Nothing to continue: send a message first" });
    dispatch({ type: "continueStart" });
    void generate("continue", current.messages, null);
  };

  const impersonate = () => {
    if (busy()) return;
    if (inputText.current !== "") return dispatch({ type: "notice", message: "Impersonate writes into the input: empty it first" });
    void generate("impersonate", session.current.messages, null);
  };

  const stop = () => {
    if (!abortRef.current) return false;
    abortRef.current.abort();
    return true;
  };

  return { send, replyNow, swipeNew, continueReply, impersonate, stop, running: () => abortRef.current !== null, speed, impersonating };
}

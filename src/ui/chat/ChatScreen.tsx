import React, { useCallback, useEffect, useReducer, useRef, useState } from "react";
import { Box, Text, useInput } from "ink";
import type { ChatMessage } from "../../core/chat/types.ts";
import type { SamplerSettings } from "../../core/samplers/types.ts";
import type { ChatServices } from "../app/services.ts";
import { emptyInput, inputReducer } from "../input/inputReducer.ts";
import { InputView } from "../input/InputView.tsx";
import { completeCommand, runSlashCommand, slashCommands } from "../commands/index.ts";
import { builtInPresets } from "../../core/samplers/presets.ts";
import { CommandArgumentError, type CommandContext } from "../commands/command.ts";
import { chatSessionReducer, initialSession, lastReply } from "./chatSession.ts";
import { Transcript } from "./Transcript.tsx";
import { turnText, type TurnMode } from "../../core/prompt/turn.ts";
import { actionFor, defaultKeybindings, type Keybindings } from "../app/keybindings.ts";
import { HelpOverlay } from "../app/HelpOverlay.tsx";
import { TurnPanel } from "../panels/TurnPanel.tsx";
import { ModelPanel } from "../panels/ModelPanel.tsx";
import { describePlan } from "../models/modelLines.ts";
import { displayText } from "../../core/text/sanitize.ts";

export interface ChatScreenProps {
  services: ChatServices;
  characterName: string;
  personaName: string;
  initialMessages: ChatMessage[];
  /** Shown once when the screen opens (model loaded, no model, a missing lorebook). */
  initialNotice?: string | null;
  initialSamplers: SamplerSettings;
  color: boolean;
  /** Terminal rows: the live region is clamped below this. */
  rows: number;
  onQuit(messages: ChatMessage[]): void;
  /** Back to the home screen (the chat is already saved). */
  onLeave?(): void;
  keybindings?: Keybindings;
  /** How often streamed text is drawn, in ms. */
  flushMs?: number;
}

const noDetails = async () => null;

let nextId = 0;
const newId = (prefix: string) => `${prefix}${Date.now().toString(36)}${(nextId++).toString(36)}`;

export function ChatScreen(props: ChatScreenProps) {
  const { services, color } = props;
  const [session, dispatch] = useReducer(chatSessionReducer, props.initialMessages, (messages: ChatMessage[]) => ({
    ...initialSession(messages),
    notice: props.initialNotice ?? null,
  }));
  const { saveMessages } = props.services;
  useEffect(() => {
    if (session.streaming === null) saveMessages?.(session.messages);
  }, [session.messages, session.streaming, saveMessages]);
  const [input, dispatchInput] = useReducer(inputReducer, emptyInput);
  const [samplers, setSamplers] = useState(props.initialSamplers);
  const [speed, setSpeed] = useState<number | null>(null);
  const [showHelp, setShowHelp] = useState(false);
  const [showTurn, setShowTurn] = useState(false);
  const [showModel, setShowModel] = useState(false);
  // The library's models by name, read when the chat opens, for /model and its completion.
  const libraryRef = useRef<Array<{ name: string; path: string }> | null>(null);
  const libraryRead = useRef<Promise<unknown>>(Promise.resolve());
  const loadingModelRef = useRef(false);
  const libraryAsked = useRef(false);
  const readLibrary = useCallback(() => {
    libraryAsked.current = true;
    libraryRead.current = (services.libraryModels?.() ?? Promise.resolve([])).then(
      (models) => void (libraryRef.current = models),
      () => void (libraryRef.current ??= []),
    );
  }, [services]);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [impersonating, setImpersonating] = useState(false);
  const [editing, setEditing] = useState(false);
  const [persona, setPersona] = useState(props.personaName);
  const bindings = props.keybindings ?? defaultKeybindings;
  const abortRef = useRef<AbortController | null>(null);
  const quitArmedRef = useRef(false);
  const sessionRef = useRef(session);
  sessionRef.current = session;
  const samplersRef = useRef(samplers);
  samplersRef.current = samplers;

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
      }, props.flushMs ?? 40);
      setImpersonating(mode === "impersonate");
      try {
        const result = await services.generate({
          mode,
          messages,
          characterName: props.characterName,
          samplers: samplersRef.current,
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
        const text = continued ? turnText("continue", result.text, "", continued) : turnText("reply", result.text, props.characterName);
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
    [services, props.characterName, persona, props.flushMs],
  );

  const send = useCallback(
    (text: string) => {
      const at = new Date().toISOString();
      const user: ChatMessage = { id: newId("u"), role: "user", name: persona, swipes: [{ text, sentAt: at }], swipeIndex: 0 };
      dispatch({ type: "send", id: user.id, name: user.name, text, at });
      dispatch({ type: "replyStart", id: newId("a"), name: props.characterName, at });
      void generate("reply", [...sessionRef.current.messages, user], text);
    },
    [generate, persona, props.characterName],
  );

  const busy = () => sessionRef.current.streaming !== null || abortRef.current !== null || loadingModelRef.current;

  const swipeNew = useCallback(() => {
    const current = sessionRef.current;
    if (busy() || !lastReply(current)) return dispatch({ type: "notice", message: "Nothing to swipe: the last message is not a reply" });
    dispatch({ type: "swipeStart", at: new Date().toISOString() });
    void generate("swipe", current.messages, null);
  }, [generate]);

  const continueReply = useCallback(() => {
    const current = sessionRef.current;
    if (busy()) return;
    if (current.messages.length <= current.committed) return dispatch({ type: "notice", message: "Nothing to continue: send a message first" });
    dispatch({ type: "continueStart" });
    void generate("continue", current.messages, null);
  }, [generate]);

  const impersonate = useCallback(() => {
    if (busy()) return;
    if (inputTextRef.current !== "") return dispatch({ type: "notice", message: "Impersonate writes into the input: empty it first" });
    void generate("impersonate", sessionRef.current.messages, null);
  }, [generate]);

  const commandContext: CommandContext = {
    setSamplers: (change) => setSamplers((s) => ({ ...s, ...change })),
    notify: (message) => dispatch({ type: "notice", message }),
    swipe: swipeNew,
    continueReply,
    impersonate,
    setPersona,
    setAuthorsNote: (text) => {
      if (!services.setAuthorsNote) throw new CommandArgumentError("/note needs a saved chat");
      services.setAuthorsNote(text);
    },
    presets: () => services.presets?.() ?? builtInPresets.slice(),
    choosePreset: (name) => services.setPreset?.(name),
    listCommands: () => slashCommands,
    modelNames: () => (libraryRef.current ?? []).map((m) => m.name),
    loadModel: (name) => {
      const path = libraryRef.current?.find((m) => m.name === name)?.path;
      if (!path || !services.loadModel) throw new CommandArgumentError(`/model: ${name} is not in the library`);
      if (busy()) throw new CommandArgumentError("/model: wait for the reply (Ctrl+C stops it) or the model being loaded");
      loadingModelRef.current = true;
      dispatch({ type: "notice", message: `Loading ${displayText(name)}…` });
      services
        .loadModel(path)
        .then(
          (model) => dispatch({ type: "notice", message: displayText(`Loaded ${model.name}: ${describePlan(model)}${model.reasons.length ? `. ${model.reasons.join("; ")}` : ""}`) }),
          (error: Error) => dispatch({ type: "notice", message: displayText(`Could not load ${name}: ${error.message.split("\n")[0]}`) }),
        )
        .finally(() => {
          loadingModelRef.current = false;
          readLibrary();
        });
    },
  };

  const commandContextRef = useRef(commandContext);
  commandContextRef.current = commandContext;

  useInput((char, key) => {
    const current = sessionRef.current;
    const action = actionFor(bindings, char, key);
    if (action === "stop") {
      if (abortRef.current) {
        abortRef.current.abort();
        return;
      }
      if (quitArmedRef.current) {
        props.onQuit(current.messages);
        return;
      }
      quitArmedRef.current = true;
      dispatch({ type: "notice", message: "Press Ctrl+C again to quit" });
      return;
    }
    quitArmedRef.current = false;
    const inputEmpty = inputTextRef.current === "";
    if (confirmDelete) {
      setConfirmDelete(false);
      if (char === "y" || char === "Y") dispatch({ type: "deleteLast" });
      else dispatch({ type: "notice", message: "Kept" });
      return;
    }
    if (key.escape) {
      // A bare Esc (or half an escape sequence over SSH) only closes overlays.
      setShowHelp(false);
      setShowTurn(false);
      setShowModel(false);
      return;
    }
    switch (action) {
      case "newline":
        return dispatchInput({ type: "newline" });
      case "send": {
        const text = inputTextRef.current;
        if (!text.trim()) return;
        if (loadingModelRef.current) return dispatch({ type: "notice", message: "A model is loading: Enter sends once it is ready" });
        if (busy()) return;
        dispatchInput({ type: "submitted", text });
        if (editing) {
          setEditing(false);
          return dispatch({ type: "editLast", text });
        }
        if (text.startsWith("/model") && libraryRef.current === null) {
          if (!libraryAsked.current) readLibrary();
          // The library is still being read (the first scan detects the machine): run it once it is.
          dispatch({ type: "notice", message: "Reading the model library…" });
          return void libraryRead.current.then(() => runSlashCommand(text, commandContextRef.current));
        }
        if (text.startsWith("/")) return runSlashCommand(text, commandContext);
        return send(text);
      }
      case "complete": {
        const [first] = completeCommand(inputTextRef.current, slashCommands, commandContext);
        if (first) dispatchInput({ type: "set", text: first });
        return;
      }
      case "help":
        if (inputEmpty) return setShowHelp((v) => !v);
        break;
      case "inspect":
        setShowModel(false);
        return setShowTurn((v) => !v);
      case "modelPanel":
        setShowTurn(false);
        return setShowModel((v) => !v);
      case "swipeLeft":
        if (inputEmpty) return dispatch({ type: "swipe", direction: -1 });
        break;
      case "swipeRight": {
        if (!inputEmpty) break;
        const last = lastReply(current);
        if (last && last.swipeIndex === last.swipes.length - 1) return swipeNew();
        return dispatch({ type: "swipe", direction: 1 });
      }
      case "deleteLast":
        if (inputEmpty && !current.streaming && current.messages.length > current.committed) {
          setConfirmDelete(true);
          dispatch({ type: "notice", message: "Delete the last message? y/n" });
        }
        return;
      case "continue":
        return continueReply();
      case "impersonate":
        return impersonate();
      case "edit": {
        if (editing) {
          setEditing(false);
          return dispatch({ type: "notice", message: "Edit cancelled (your text stays in the input)" });
        }
        const last = current.messages.at(-1);
        if (!inputEmpty || busy() || !last || current.messages.length <= current.committed) return dispatch({ type: "notice", message: "Only the last message can be edited, with the input empty" });
        setEditing(true);
        dispatchInput({ type: "set", text: last.swipes[last.swipeIndex]?.text ?? "" });
        return dispatch({ type: "notice", message: "Editing the last message: Enter saves" });
      }
      case "home":
        if (busy()) return dispatch({ type: "notice", message: "A reply is being written: Ctrl+C stops it first" });
        return props.onLeave?.();
      case "historyPrev":
        return dispatchInput({ type: "historyPrev" });
      case "historyNext":
        return dispatchInput({ type: "historyNext" });
      default:
        break;
    }
    if (key.leftArrow) return dispatchInput({ type: "left" });
    if (key.rightArrow) return dispatchInput({ type: "right" });
    if (key.home) return dispatchInput({ type: "home" });
    if (key.end) return dispatchInput({ type: "end" });
    if (key.backspace || key.delete) return dispatchInput({ type: "backspace" });
    // Held or fast Backspace (tmux, SSH) can arrive as one read of several DEL bytes.
    if (/^[\x7f\b]+$/.test(char)) {
      for (let i = 0; i < char.length; i++) dispatchInput({ type: "backspace" });
      return;
    }
    if (key.ctrl || key.meta || key.return || key.tab) return;
    if (char) dispatchInput({ type: "insert", text: char });
  });

  // Enter reads the text through a ref the reducer keeps current, never a stale closure.
  const inputTextRef = useRef(input.text);
  inputTextRef.current = input.text;
  // The library is scanned only once /model is being typed, not for every chat opened.
  useEffect(() => {
    if (!libraryAsked.current && input.text.startsWith("/m")) readLibrary();
  }, [input.text, readLibrary]);

  const model = services.modelStatus();
  const modelDetails = services.modelDetails ?? noDetails;

  return (
    <Box flexDirection="column">
      <Transcript messages={session.messages} committed={session.committed} streaming={session.streaming} liveBudget={Math.max(3, props.rows - 8)} color={color} hideLive={showHelp || showTurn || showModel} />
      {session.notice ? <Text color={color ? "yellow" : undefined}>{session.notice}</Text> : null}
      {showHelp ? <HelpOverlay bindings={bindings} commands={slashCommands} /> : null}
      {showTurn && !showHelp ? <TurnPanel report={services.lastTurn?.() ?? null} maxLines={Math.max(4, props.rows - 7)} color={color} /> : null}
      {showModel && !showHelp ? <ModelPanel details={modelDetails} turn={services.lastTurn?.() ?? null} refresh={`${session.messages.length}:${session.streaming === null}:${session.notice}`} color={color} /> : null}
      <InputView state={input} color={color} busy={session.streaming !== null || impersonating} />
      <Text dimColor>
        {`${model.model ?? "no model"} · ${model.backend} · ctx ${model.contextUsed}/${model.contextSize}` +
          (speed !== null ? ` · ${speed.toFixed(1)} tok/s` : "") +
          ` · temp ${samplers.temperature} · ? help`}
      </Text>
    </Box>
  );
}

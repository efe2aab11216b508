import React, { useCallback, useEffect, useMemo, useReducer, useRef, useState } from "react";
import { Box, Text, useInput } from "ink";
import type { ChatMessage } from "../../core/chat/types.ts";
import type { SamplerSettings } from "../../core/samplers/types.ts";
import type { ChatServices } from "../app/services.ts";
import { emptyInput, inputReducer } from "../input/inputReducer.ts";
import { InputView } from "../input/InputView.tsx";
import { inputWindow } from "../input/inputLayout.ts";
import { commonPrefix, completeCommand, runSlashCommand, slashCommands } from "../commands/index.ts";
import { builtInPresets } from "../../core/samplers/presets.ts";
import { resolveSamplers } from "../../core/samplers/validate.ts";
import { CommandArgumentError, type CharacterChoice, type CommandContext } from "../commands/command.ts";
import { displayText } from "../../core/text/sanitize.ts";
import { chatSessionReducer, initialSession, lastReply, settledMessages } from "./chatSession.ts";
import { Transcript } from "./Transcript.tsx";
import { useSyncState } from "../hooks/useSyncState.ts";
import { turnText, type TurnMode } from "../../core/prompt/turn.ts";
import { actionFor, defaultKeybindings, type Keybindings } from "../app/keybindings.ts";
import { HelpOverlay } from "../app/HelpOverlay.tsx";
import { TurnPanel } from "../panels/TurnPanel.tsx";
import { LorePanel } from "../panels/LorePanel.tsx";
import { SamplerPanel } from "../panels/SamplerPanel.tsx";
import { samplerRows, stepSampler } from "../panels/samplerPanel.ts";
import { SelectedMessage } from "./SelectedMessage.tsx";
import type { ChatTarget } from "../app/appServices.ts";
import { moveSelection } from "../components/listWindow.ts";

/** What takes the live region's room: one panel or overlay at a time. */
export type ChatPanel = "help" | "turn" | "lore" | "samplers" | "model";
import { ModelPanel } from "../panels/ModelPanel.tsx";
import { describePlan, loadingLine } from "../models/modelLines.ts";
import { useModelLoading } from "../app/useModelLoading.ts";
import type { Flash } from "../app/flash.ts";

export interface ChatScreenProps {
  services: ChatServices;
  characterName: string;
  personaName: string;
  initialMessages: ChatMessage[];
  /** Shown once when the screen opens (model loaded, no model, a missing lorebook). */
  initialNotice?: string | null;
  /** A line that arrives while the chat is open (the start-up load's outcome); shown when it changes. */
  flash?: Flash | null;
  initialSamplers: SamplerSettings;
  color: boolean;
  /** Terminal rows: the live region is clamped below this. */
  rows: number;
  /** Terminal columns (80 when unknown). */
  columns?: number;
  onQuit(messages: ChatMessage[]): void;
  /** Back to the home screen (the chat is already saved). */
  onLeave?(): void;
  /** Opens another chat at once (a branch just made), with a line to show there. */
  onOpenChat?(target: ChatTarget, notice?: string): void;
  /** The sampler preset the chat uses, if any. */
  presetName?: string | null;
  keybindings?: Keybindings;
  /** The library's characters, for /char and its completion. */
  characters?: CharacterChoice[];
  /** Opens the character's latest chat in place of this one (/char). */
  onOpenCharacter?(characterId: string): void;
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
  const loading = useModelLoading(services.modelLoad);
  useEffect(() => {
    if (props.flash) dispatch({ type: "notice", message: displayText(props.flash.text) });
  }, [props.flash]);
  const saveRef = useRef(saveMessages);
  saveRef.current = saveMessages;
  useEffect(
    () => () => {
      // Closing mid-reply (SIGTERM, SIGHUP, leaving): stop it and keep what it wrote.
      abortRef.current?.abort();
      const current = sessionRef.current;
      if (current.streaming) saveRef.current?.(settledMessages(current));
    },
    [],
  );
  const [samplers, setSamplers] = useState(props.initialSamplers);
  const [speed, setSpeed] = useState<number | null>(null);
  // Key handlers read these through refs: fast keys would see a stale render's values.
  const [panel, setPanel, panelRef] = useSyncState<ChatPanel | null>(null);
  const [samplerRow, setSamplerRow, samplerRowRef] = useSyncState(0);
  const [presetName, setPresetName, presetNameRef] = useSyncState<string | null>(props.presetName ?? null);
  /** The message picked in select mode (an index), or null outside it. */
  const [selected, setSelected, selectedRef] = useSyncState<number | null>(null);
  /** Index of the message waiting for y/n before it is deleted. */
  const [confirmDelete, setConfirmDelete, confirmDeleteRef] = useSyncState<number | null>(null);
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
  const [impersonating, setImpersonating] = useState(false);
  /** Index of the message whose text is in the input, being edited. */
  const [editing, setEditing, editingRef] = useSyncState<number | null>(null);
  const [persona, setPersona] = useState(props.personaName);
  const togglePanel = (name: ChatPanel) => setPanel(panelRef.current === name ? null : name);
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
      // generate() waits for a model still loading; say so until it is there.
      const waiting = services.modelLoad?.loading();
      if (waiting) {
        const line = "Waiting for the model to load…";
        dispatch({ type: "notice", message: line });
        waiting.done.then(() => sessionRef.current.notice === line && dispatch({ type: "notice", message: null }), () => {});
      }
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

  const changeSamplers = (change: Partial<SamplerSettings>) => {
    setSamplers((s) => ({ ...s, ...change }));
    services.setSamplerOverrides?.(change);
  };

  const choosePreset = (name: string) => {
    services.setPreset?.(name);
    setPresetName(name);
  };

  const presetList = () => services.presets?.() ?? builtInPresets.slice();

  const nextPreset = () => {
    const presets = presetList();
    if (presets.length === 0) return;
    const at = presets.findIndex((p) => p.name === presetNameRef.current);
    const preset = presets[(at + 1) % presets.length]!;
    setSamplers(resolveSamplers(preset.samplers));
    choosePreset(preset.name);
    dispatch({ type: "notice", message: `Preset ${preset.name}: ${preset.description}` });
  };

  const messageText = (index: number) => {
    const m = sessionRef.current.messages[index];
    return m ? (m.swipes[m.swipeIndex]?.text ?? "") : "";
  };

  const startEdit = (index: number) => {
    if (inputTextRef.current !== "") return dispatch({ type: "notice", message: "Empty the input first: the message's text goes there" });
    setEditing(index);
    dispatchInput({ type: "set", text: messageText(index) });
    dispatch({ type: "notice", message: `Editing message ${index + 1}: Enter saves, Ctrl+E cancels` });
  };

  const editOutside = (index: number) => {
    if (!services.editExternally) return dispatch({ type: "notice", message: "No external editor here" });
    const before = messageText(index);
    services
      .editExternally(before)
      .then((after) => {
        // The editor drew over the terminal: print the chat again either way.
        dispatch({ type: "reprint" });
        if (after === before) dispatch({ type: "notice", message: "Unchanged" });
        else dispatch({ type: "editAt", index, text: after });
      })
      .catch((error: Error) => {
        dispatch({ type: "reprint" });
        dispatch({ type: "notice", message: `Edit failed: ${error.message}` });
      });
  };

  const askDelete = (index: number) => {
    const m = sessionRef.current.messages[index];
    if (!m) return;
    setConfirmDelete(index);
    const preview = (m.swipes[m.swipeIndex]?.text ?? "").replace(/\s+/g, " ").slice(0, 30);
    dispatch({ type: "notice", message: `Delete message ${index + 1} (${m.name}: ${preview}${preview.length === 30 ? "…" : ""})? y/n` });
  };

  const branchAt = (index: number) => {
    const current = sessionRef.current;
    if (busy()) return dispatch({ type: "notice", message: "A reply is being written: Ctrl+C stops it first" });
    if (!current.messages[index]) return dispatch({ type: "notice", message: "Nothing to branch from: the chat is empty" });
    if (!services.branch || !props.onOpenChat) return dispatch({ type: "notice", message: "Branching needs a saved chat" });
    const open = props.onOpenChat;
    // The branch is made from the saved chat: save what the screen shows first.
    saveMessages?.(current.messages);
    dispatch({ type: "notice", message: "Branching…" });
    services
      .branch(index)
      .then((target) => open(target, `A branch from message ${index + 1}; the original chat is kept (Ctrl+O lists both)`))
      .catch((error: Error) => dispatch({ type: "notice", message: `Branch failed: ${error.message}` }));
  };

  const commandContext: CommandContext = {
    setSamplers: changeSamplers,
    notify: (message) => dispatch({ type: "notice", message }),
    swipe: swipeNew,
    continueReply,
    impersonate,
    setPersona: (name) => setPersona(services.setPersona?.(name) ?? name),
    personaNames: () => services.personas?.() ?? [],
    branch: () => branchAt(sessionRef.current.messages.length - 1),
    exportChat: (path) => {
      if (!services.exportChat) return dispatch({ type: "notice", message: "/export needs a saved chat" });
      services
        .exportChat(path ?? undefined)
        .then((file) => dispatch({ type: "notice", message: `Exported to ${file}` }))
        .catch((error: Error) => dispatch({ type: "notice", message: `Export failed: ${error.message}` }));
    },
    setAuthorsNote: (text) => {
      if (!services.setAuthorsNote) throw new CommandArgumentError("/note needs a saved chat");
      services.setAuthorsNote(text);
    },
    presets: presetList,
    choosePreset,
    listCommands: () => slashCommands,
    characters: () => props.characters ?? [],
    openCharacter: (characterId) => {
      if (busy()) throw new CommandArgumentError("/char: a reply is being written: Ctrl+C stops it first");
      if (!props.onOpenCharacter) throw new CommandArgumentError("/char needs the full app (start taproom without --character to switch)");
      props.onOpenCharacter(characterId);
    },
    lorebooks: () => services.lorebooks?.() ?? { attached: [], inUse: [], available: [] },
    setLorebooks: (names) => {
      if (!services.setLorebooks) throw new CommandArgumentError("/lore needs a saved chat");
      services
        .setLorebooks(names)
        .then((problems) => problems.length && dispatch({ type: "notice", message: problems.join("; ") }))
        .catch((error: Error) => dispatch({ type: "notice", message: `Could not change the lorebooks: ${error.message}` }));
    },
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
    const confirmDelete = confirmDeleteRef.current;
    const selected = selectedRef.current;
    const editing = editingRef.current;
    const panel = panelRef.current;
    if (confirmDelete !== null) {
      setConfirmDelete(null);
      if (char === "y" || char === "Y") {
        dispatch({ type: "deleteAt", index: confirmDelete });
        if (selected !== null) setSelected(current.messages.length > 1 ? Math.min(selected, current.messages.length - 2) : null);
      } else dispatch({ type: "notice", message: "Kept" });
      return;
    }
    if (selected !== null) {
      // Select mode: the arrows move over messages and letters act on the one marked.
      if (key.escape) return setSelected(null);
      if (key.upArrow) return setSelected(moveSelection(current.messages.length, selected, -1));
      if (key.downArrow) return setSelected(moveSelection(current.messages.length, selected, 1));
      if (busy()) return;
      switch (char) {
        case "e":
          setSelected(null);
          return startEdit(selected);
        case "v":
          setSelected(null);
          return editOutside(selected);
        case "d":
          return askDelete(selected);
        case "b":
          setSelected(null);
          return branchAt(selected);
        default:
          return;
      }
    }
    if (key.escape) {
      // A bare Esc (or half an escape sequence over SSH) only closes overlays.
      setPanel(null);
      return;
    }
    if (panel === "samplers" && action !== "samplers") {
      const row = samplerRows[samplerRowRef.current]!;
      if (key.upArrow) return setSamplerRow(moveSelection(samplerRows.length, samplerRowRef.current, -1));
      if (key.downArrow) return setSamplerRow(moveSelection(samplerRows.length, samplerRowRef.current, 1));
      const direction = key.leftArrow || char === "-" ? -1 : key.rightArrow || char === "+" || char === "=" ? 1 : 0;
      if (direction !== 0) {
        const change = stepSampler(samplersRef.current, row, direction);
        if (change) {
          samplersRef.current = { ...samplersRef.current, ...change };
          changeSamplers(change);
        }
        return;
      }
      if (char === "p") return nextPreset();
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
        if (editing !== null) {
          setEditing(null);
          return dispatch({ type: "editAt", index: editing, text });
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
        const line = inputTextRef.current;
        const options = completeCommand(line, slashCommands, commandContext);
        const prefix = commonPrefix(options);
        if (prefix.length > line.length) dispatchInput({ type: "set", text: prefix });
        if (options.length > 1) {
          const names = options.slice(0, 8).map((o) => (line.includes(" ") ? o.slice(o.indexOf(" ") + 1) : o.trim()));
          dispatch({ type: "notice", message: displayText(names.join(", ") + (options.length > 8 ? `, and ${options.length - 8} more` : "")) });
        }
        return;
      }
      case "help":
        if (inputEmpty) return togglePanel("help");
        break;
      case "inspect":
        return togglePanel("turn");
      case "modelPanel":
        return togglePanel("model");
      case "lore":
        return togglePanel("lore");
      case "samplers":
        return togglePanel("samplers");
      case "select":
        if (!inputEmpty) return dispatch({ type: "notice", message: "Empty the input to pick a message" });
        if (busy()) return dispatch({ type: "notice", message: "A reply is being written: Ctrl+C stops it first" });
        if (current.messages.length === 0) return dispatch({ type: "notice", message: "No messages yet" });
        setPanel(null);
        setSelected(current.messages.length - 1);
        return dispatch({ type: "notice", message: null });
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
        if (inputEmpty && !busy() && current.messages.length > 0) askDelete(current.messages.length - 1);
        return;
      case "continue":
        return continueReply();
      case "impersonate":
        return impersonate();
      case "edit": {
        if (editing !== null) {
          setEditing(null);
          return dispatch({ type: "notice", message: "Edit cancelled (your text stays in the input)" });
        }
        if (busy() || current.messages.length === 0) return dispatch({ type: "notice", message: "Nothing to edit yet" });
        return startEdit(current.messages.length - 1);
      }
      case "editExternal":
        if (busy() || current.messages.length === 0) return dispatch({ type: "notice", message: "Nothing to edit yet" });
        return editOutside(current.messages.length - 1);
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

  const overlay = panel !== null || selected !== null;
  const inputWidth = Math.max(10, (props.columns ?? 80) - 4);
  const inputMaxRows = Math.max(3, Math.floor(props.rows / 4));
  // Streaming re-renders every few ms: lay out a long input only when it changes.
  const shownInput = useMemo(() => inputWindow(input.text, input.cursor, inputWidth, inputMaxRows), [input.text, input.cursor, inputWidth, inputMaxRows]);
  // The input's extra rows come out of the room the live message and panels have.
  const inputExtra = shownInput.rows.length + (shownInput.hiddenAbove ? 1 : 0) + (shownInput.hiddenBelow ? 1 : 0) - 1;
  const room = Math.max(4, props.rows - 7 - inputExtra);
  return (
    <Box flexDirection="column">
      <Transcript messages={session.messages} committed={session.committed} streaming={session.streaming} liveBudget={Math.max(3, props.rows - 8 - inputExtra)} color={color} hideLive={overlay} reprint={session.reprint} columns={props.columns ?? 80} />
      {selected !== null && session.messages[selected] ? (
        <SelectedMessage message={session.messages[selected]!} index={selected} count={session.messages.length} maxLines={room} columns={props.columns ?? 80} color={color} />
      ) : null}
      {session.notice ? <Text color={color ? "yellow" : undefined}>{session.notice}</Text> : null}
      {panel === "help" ? <HelpOverlay bindings={bindings} commands={slashCommands} /> : null}
      {panel === "turn" ? <TurnPanel report={services.lastTurn?.() ?? null} maxLines={room} color={color} /> : null}
      {panel === "lore" ? <LorePanel report={services.lastTurn?.() ?? null} maxLines={room} color={color} /> : null}
      {panel === "model" ? <ModelPanel details={modelDetails} turn={services.lastTurn?.() ?? null} refresh={`${session.messages.length}:${session.streaming === null}:${session.notice}`} color={color} /> : null}
      {panel === "samplers" ? <SamplerPanel samplers={samplers} selected={samplerRow} preset={presetName} maxLines={room} color={color} /> : null}
      <InputView state={input} color={color} busy={session.streaming !== null || impersonating} view={shownInput} />
      <Text dimColor>
        {(loading ? loadingLine(loading) : `${model.model ?? "no model"} · ${model.backend} · ctx ${model.contextUsed}/${model.contextSize}`) +
          (speed !== null ? ` · ${speed.toFixed(1)} tok/s` : "") +
          ` · temp ${samplers.temperature} · ? help`}
      </Text>
    </Box>
  );
}

import React, { useEffect, useMemo, useReducer, useRef, useState } from "react";
import { Box, Text, useInput } from "ink";
import type { ChatMessage } from "../../core/chat/types.ts";
import type { SamplerSettings } from "../../core/samplers/types.ts";
import type { ChatServices } from "../app/services.ts";
import { emptyInput, inputReducer, unsentText } from "../input/inputReducer.ts";
import { InputView } from "../input/InputView.tsx";
import { inputWindow } from "../input/inputLayout.ts";
import { builtInPresets } from "../../core/samplers/presets.ts";
import { resolveSamplers } from "../../core/samplers/validate.ts";
import type { CharacterChoice } from "../commands/command.ts";
import { chatSessionReducer, initialSession, lastReply, settledMessages } from "./chatSession.ts";
import { useReplyGeneration } from "./useReplyGeneration.ts";
import { messageActions } from "./messageActions.ts";
import { Transcript } from "./Transcript.tsx";
import { useSyncState } from "../hooks/useSyncState.ts";
import { turnPanelWindow, type TurnPanelView } from "../panels/TurnPanel.tsx";
import { turnPanelKeys } from "./keys/turnPanelKeys.ts";
import { actionFor, defaultKeybindings, type Keybindings } from "../app/keybindings.ts";
import { SelectedMessage } from "./SelectedMessage.tsx";
import type { ChatTarget } from "../app/appServices.ts";
import { ChatPanels } from "./ChatPanels.tsx";
import { useChatCommands } from "./useChatCommands.ts";
import type { ChatKeyEvent } from "./keys/chatKeyEvent.ts";
import { stopKey } from "./keys/stopKey.ts";
import { deleteConfirmKeys } from "./keys/deleteConfirmKeys.ts";
import { selectModeKeys, startSelectKey } from "./keys/selectModeKeys.ts";
import { closePanelKey, panelToggleKeys, type ChatPanel } from "./keys/panelKeys.ts";
import { samplerPanelKeys } from "./keys/samplerPanelKeys.ts";
import { completeKey, sendKey } from "./keys/sendKeys.ts";
import { chatActionKeys } from "./keys/chatActionKeys.ts";
import { inputKeys } from "./keys/inputKeys.ts";

export type { ChatPanel } from "./keys/panelKeys.ts";
import { loadingLine } from "../models/modelLines.ts";
import { reuseStatus } from "../panels/reuseLines.ts";
import { displayText } from "../../core/text/sanitize.ts";
import { useModelLoading } from "../app/useModelLoading.ts";
import type { Flash } from "../app/flash.ts";

export interface ChatScreenProps {
  services: ChatServices;
  characterName: string;
  personaName: string;
  initialMessages: ChatMessage[];
  /** Text typed here last time and not sent: the input starts with it, the cursor at its end. */
  initialDraft?: string;
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

/** Typing pauses this long before the draft is saved (a crash or a dropped SSH session keeps it). */
const DRAFT_SAVE_MS = 1000;

/** Saves the draft through the services, only when it differs from the one saved last. */
function useDraftSaving(services: ChatServices, initial: string): { save(text: string): void } {
  const saved = useRef(initial.trim() === "" ? "" : initial);
  const servicesRef = useRef(services);
  servicesRef.current = services;
  return useMemo(
    () => ({
      save(text: string) {
        const next = text.trim() === "" ? "" : text;
        if (next === saved.current) return;
        saved.current = next;
        servicesRef.current.saveDraft?.(next);
      },
    }),
    [],
  );
}

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
  const [input, dispatchInput] = useReducer(inputReducer, props.initialDraft ?? "", (draft: string) => ({ ...emptyInput, text: draft, cursor: draft.length }));
  const loading = useModelLoading(services.modelLoad);
  useEffect(() => {
    if (props.flash) dispatch({ type: "notice", message: displayText(props.flash.text) });
  }, [props.flash]);
  // A failed save (disk full, a folder gone) must be seen: the chat on screen is not on disk.
  useEffect(() => services.onSaveError?.((message) => dispatch({ type: "notice", message: `Could not save the chat: ${message}` })), [services]);
  // Enter reads the text through a ref the reducer keeps current, never a stale closure.
  const inputTextRef = useRef(input.text);
  inputTextRef.current = input.text;
  const saveRef = useRef(saveMessages);
  saveRef.current = saveMessages;
  const inputRef = useRef(input);
  inputRef.current = input;
  const [samplers, setSamplers] = useState(props.initialSamplers);
  // Key handlers read these through refs: fast keys would see a stale render's values.
  const [panel, setPanel, panelRef] = useSyncState<ChatPanel | null>(null);
  const [samplerRow, setSamplerRow, samplerRowRef] = useSyncState(0);
  const [turnView, setTurnView, turnViewRef] = useSyncState<TurnPanelView>("summary");
  const [turnOffset, setTurnOffset, turnOffsetRef] = useSyncState(0);
  // A panel change resets the prompt panel's view in the same step: a key pressed just after is never undone.
  const showPanel = (next: ChatPanel | null) => {
    setTurnView("summary");
    setTurnOffset(0);
    setPanel(next);
  };
  const [presetName, setPresetName, presetNameRef] = useSyncState<string | null>(props.presetName ?? null);
  /** The message picked in select mode (an index), or null outside it. */
  const [selected, setSelected, selectedRef] = useSyncState<number | null>(null);
  /** Index of the message waiting for y/n before it is deleted. */
  const [confirmDelete, setConfirmDelete, confirmDeleteRef] = useSyncState<number | null>(null);
  /** Index of the message whose text is in the input, being edited. */
  const [editing, setEditing, editingRef] = useSyncState<number | null>(null);
  const draft = useDraftSaving(services, props.initialDraft ?? "");
  const unsent = unsentText(input);
  const replying = session.streaming !== null;
  useEffect(() => {
    // While a message is edited the input holds its text, not a draft.
    if (editing !== null) return;
    if (unsent.trim() === "") {
      // A sent message is saved when its reply ends: till then its text stays the draft, so a crash keeps it.
      if (!replying) draft.save(unsent);
      return;
    }
    const timer = setTimeout(() => draft.save(unsent), DRAFT_SAVE_MS);
    return () => clearTimeout(timer);
  }, [unsent, editing, replying, draft]);
  const [persona, setPersona] = useState(props.personaName);
  const bindings = props.keybindings ?? defaultKeybindings;
  const quitArmedRef = useRef(false);
  const sessionRef = useRef(session);
  sessionRef.current = session;
  const samplersRef = useRef(samplers);
  samplersRef.current = samplers;

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

  const notify = (message: string | null) => dispatch({ type: "notice", message });
  // Called only from handlers, once the generation and the commands below exist.
  const busy = () => sessionRef.current.streaming !== null || generation.running() || commands.loadingModel();
  const kvStatus = displayText(reuseStatus(services.lastTurn?.()));
  const generation = useReplyGeneration({
    services,
    characterName: props.characterName,
    persona,
    flushMs: props.flushMs,
    session: sessionRef,
    samplers: samplersRef,
    inputText: inputTextRef,
    dispatch,
    dispatchInput,
    busy,
  });
  const { send, swipeNew, continueReply, impersonate } = generation;
  useEffect(
    () => () => {
      // Closing mid-reply (SIGTERM, SIGHUP, leaving): stop it and keep what it wrote.
      generation.stop();
      const current = sessionRef.current;
      if (current.streaming) saveRef.current?.(settledMessages(current));
      // Leaving by any road (Ctrl+O, /char, quit, a signal) keeps what was typed and not sent.
      if (editingRef.current === null) draft.save(unsentText(inputRef.current));
    },
    [],
  );
  const { startEdit, editOutside, askDelete, branchAt } = messageActions({
    services,
    onOpenChat: props.onOpenChat,
    session: sessionRef,
    inputText: inputTextRef,
    dispatch,
    dispatchInput,
    setEditing,
    setConfirmDelete,
    busy,
  });
  const commands = useChatCommands(
    {
      services,
      characters: props.characters,
      onOpenCharacter: props.onOpenCharacter,
      notify,
      setSamplers: changeSamplers,
      swipe: swipeNew,
      continueReply,
      impersonate,
      setPersona: (name) => setPersona(services.setPersona?.(name) ?? name),
      branch: () => branchAt(sessionRef.current.messages.length - 1),
      presets: presetList,
      choosePreset,
      replying: () => sessionRef.current.streaming !== null || generation.running(),
    },
    input.text,
  );

  useInput((char, key) => {
    const event: ChatKeyEvent = { char, key, action: actionFor(bindings, char, key) };
    const current = sessionRef.current;
    const messageCount = current.messages.length;
    const inputText = inputTextRef.current;
    const inputEmpty = inputText === "";
    const edit = dispatchInput;
    const quit = () => props.onQuit(current.messages);
    const setQuitArmed = (armed: boolean) => void (quitArmedRef.current = armed);
    const panels = { panel: panelRef.current, inputEmpty, setPanel: showPanel };
    // Handlers in order of precedence: the first that takes the key ends it.
    void (
      stopKey(event, { stopReply: generation.stop, quitArmed: quitArmedRef.current, setQuitArmed, quit, notify }) ||
      deleteConfirmKeys(event, {
        pending: confirmDeleteRef.current,
        selected: selectedRef.current,
        messageCount,
        clearPending: () => setConfirmDelete(null),
        deleteAt: (index) => dispatch({ type: "deleteAt", index }),
        select: setSelected,
        notify,
      }) ||
      selectModeKeys(event, { selected: selectedRef.current, messageCount, busy, select: setSelected, startEdit, editOutside, askDelete, branchAt }) ||
      closePanelKey(event, panels) ||
      samplerPanelKeys(event, {
        open: panelRef.current === "samplers",
        row: samplerRowRef.current,
        setRow: setSamplerRow,
        samplers: samplersRef.current,
        changeSamplers: (change) => {
          samplersRef.current = { ...samplersRef.current, ...change };
          changeSamplers(change);
        },
        nextPreset,
      }) ||
      turnPanelKeys(event, {
        open: panelRef.current === "turn",
        view: turnViewRef.current,
        offset: turnOffsetRef.current,
        maxOffset: () => {
          const w = turnPanelWindow(services.lastTurn?.() ?? null, turnViewRef.current, inputWidth, room, 0);
          return Math.max(0, w.total - w.room);
        },
        page: () => Math.max(1, room - 2),
        inputEmpty,
        setView: setTurnView,
        setOffset: setTurnOffset,
      }) ||
      sendKey(event, {
        inputText,
        editing: editingRef.current,
        loadingModel: commands.loadingModel(),
        busy,
        submitted: (text) => edit({ type: "submitted", text }),
        stopEditing: () => setEditing(null),
        editAt: (index, text) => dispatch({ type: "editAt", index, text }),
        runCommand: commands.run,
        send,
        messageCount,
        replyNow: generation.replyNow,
        notify,
      }) ||
      completeKey(event, { inputText, completions: commands.completions, setInput: (text) => edit({ type: "set", text }), notify }) ||
      panelToggleKeys(event, panels) ||
      startSelectKey(event, { inputEmpty, messageCount, busy, closePanel: () => showPanel(null), select: setSelected, notify }) ||
      chatActionKeys(event, {
        inputEmpty,
        editing: editingRef.current,
        messageCount,
        lastReply: lastReply(current),
        busy,
        notify,
        swipe: (direction) => dispatch({ type: "swipe", direction }),
        swipeNew,
        askDelete,
        continueReply,
        impersonate,
        startEdit,
        stopEditing: () => setEditing(null),
        editOutside,
        leave: () => props.onLeave?.(),
      }) ||
      inputKeys(event, { edit })
    );
  });

  const model = services.modelStatus();

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
      {/* The help fills an 80x24 screen: above it a notice keeps to one row, or it would push the help's first rows off. */}
      {session.notice ? (
        // Keyed: Ink measures a Text once and would keep the wrapped height after the wrap mode changes.
        <Text key={panel === "help" ? "one-row" : "wrapped"} color={color ? "yellow" : undefined} wrap={panel === "help" ? "truncate-end" : "wrap"}>
          {/* Notices quote messages, model output, file and book names: never drawn raw. */}
          {displayText(session.notice)}
        </Text>
      ) : null}
      <ChatPanels
        panel={panel}
        services={services}
        bindings={bindings}
        room={room}
        color={color}
        samplers={samplers}
        samplerRow={samplerRow}
        presetName={presetName}
        turn={{ view: turnView, offset: turnOffset, width: inputWidth }}
        refresh={`${session.messages.length}:${session.streaming === null}:${session.notice}`}
      />
      <InputView state={input} color={color} busy={session.streaming !== null || generation.impersonating} view={shownInput} />
      {/* One row always: the layout above counts on it. */}
      <Text dimColor wrap="truncate-end">
        {/* Without colour the input's grey border is the only other sign that a reply is being written. */}
        {(session.streaming !== null || generation.impersonating ? "writing… Ctrl+C stops · " : "") +
          (loading ? loadingLine(loading) : `${model.model ?? "no model"} · ${model.backend} · ctx ${model.contextUsed}/${model.contextSize}`) +
          (generation.speed !== null ? ` · ${generation.speed.toFixed(1)} tok/s` : "") +
          ` · temp ${samplers.temperature} · ? help` +
          // What the last turn reused from the KV cache, and why it processed part of the prompt again.
          (session.streaming === null && kvStatus ? ` · ${kvStatus}` : "")}
      </Text>
    </Box>
  );
}

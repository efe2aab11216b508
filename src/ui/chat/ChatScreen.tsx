import React, { useEffect, useMemo, useRef, useState } from "react";
import { Box, Text, useInput } from "ink";
import type { ChatMessage } from "../../core/chat/types.ts";
import type { SamplerSettings } from "../../core/samplers/types.ts";
import { displayText } from "../../core/text/sanitize.ts";
import type { ChatSession, ChatTarget } from "../../app/chats/session.ts";
import type { ModelService } from "../../app/models.ts";
import { unsentText, type InputAction } from "../input/inputReducer.ts";
import { InputView } from "../input/InputView.tsx";
import { textWindow, wrapRows } from "../text/layout.ts";
import type { CharacterChoice } from "../commands/command.ts";
import { useSyncReducer } from "../hooks/useSyncState.ts";
import { chatScreenReducer, initialChatScreen, lastReply, shownMessages, type ChatScreenAction } from "./chatScreenState.ts";

type SetPatch = Extract<ChatScreenAction, { type: "set" }>["patch"];
import { useReplyGeneration } from "./useReplyGeneration.ts";
import { messageActions } from "./messageActions.ts";
import { Transcript } from "./Transcript.tsx";
import { turnPanelWindow } from "../panels/TurnPanel.tsx";
import { turnPanelKeys } from "./keys/turnPanelKeys.ts";
import { actionFor, defaultKeybindings, type Keybindings } from "../app/keybindings.ts";
import { SelectedMessage } from "./SelectedMessage.tsx";
import { ChatPanels } from "./ChatPanels.tsx";
import { useChatCommands } from "./useChatCommands.ts";
import type { ChatKeyEvent } from "./keys/chatKeyEvent.ts";
import { stopKey } from "./keys/stopKey.ts";
import { deleteConfirmKeys } from "./keys/deleteConfirmKeys.ts";
import { selectModeKeys, startSelectKey } from "./keys/selectModeKeys.ts";
import { closePanelKey, panelToggleKeys, type ChatPanel } from "./keys/panelKeys.ts";
import { samplerPanelKeys } from "./keys/samplerPanelKeys.ts";
import { memberPanelKeys } from "./keys/memberPanelKeys.ts";
import { completeKey, sendKey } from "./keys/sendKeys.ts";
import { chatActionKeys } from "./keys/chatActionKeys.ts";
import { inputKeys } from "./keys/inputKeys.ts";
import { earlierKey } from "./keys/earlierKey.ts";
import { scrollbackRows } from "./transcriptTail.ts";
import { loadingLine } from "../models/modelLines.ts";
import { reuseStatus } from "../panels/reuseLines.ts";
import { useModelLoading } from "../app/useModelLoading.ts";
import type { Flash } from "../app/flash.ts";

export type { ChatPanel } from "./keys/panelKeys.ts";

/** What the chat screen uses of the models: the status line, a load in progress, the model panel, /model. */
export type ChatModels = Pick<ModelService, "status" | "loading" | "subscribe" | "details" | "library" | "load">;

export interface ChatScreenProps {
  /** The open chat: its messages, samplers and persona, every change to it, and its turns. */
  session: ChatSession;
  models: ChatModels;
  /** Opens text in $VISUAL/$EDITOR and returns it as saved there. */
  editExternally(text: string): Promise<string>;
  /** Shown once when the screen opens (model loaded, no model, a missing lorebook). */
  initialNotice?: string | null;
  /** A line that arrives while the chat is open (the start-up load's outcome); shown when it changes. */
  flash?: Flash | null;
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
  keybindings?: Keybindings;
  /** The library's characters, for /char and its completion. */
  characters?: CharacterChoice[];
  /** Opens the character's latest chat in place of this one (/char). */
  onOpenCharacter?(characterId: string): void;
  /** How often streamed text is drawn, in ms. */
  flushMs?: number;
}

/** A card with regex scripts never answered about: say what they are and how to let them run. */
function cardScriptsQuestion(session: ChatSession): string | null {
  const { cardScripts, cardScriptCount: n } = session.roleplay();
  if (cardScripts !== "ask") return null;
  return `${session.character.name}'s card has ${n} regex script${n === 1 ? "" : "s"} (they rewrite text in the prompt or on screen), not run: /scripts allow runs them, /scripts deny keeps them off`;
}

/** The messages as drawn: each saved one through the display-only regex scripts (the stored text never changes). */
function displayedMessages(session: ChatSession, shown: ChatMessage[]): ChatMessage[] {
  if (session.roleplay().regex.scripts.length === 0) return shown;
  const saved = session.chat().messages;
  return shown.map((m, i) => {
    if (saved[i]?.id !== m.id) return m;
    const swipe = m.swipes[m.swipeIndex];
    if (!swipe) return m;
    const { text, reasoning } = session.display(i);
    if (text === swipe.text && reasoning === (swipe.reasoning?.text ?? "")) return m;
    const swipes = m.swipes.slice();
    swipes[m.swipeIndex] = { ...swipe, text, ...(swipe.reasoning && { reasoning: { ...swipe.reasoning, text: reasoning } }) };
    return { ...m, swipes };
  });
}

/** Typing pauses this long before the draft is saved (a crash or a dropped SSH session keeps it). */
const DRAFT_SAVE_MS = 1000;

/** Saves the draft through the session, only when it differs from the one saved last. */
function useDraftSaving(session: ChatSession, initial: string): { save(text: string): void } {
  const saved = useRef(initial.trim() === "" ? "" : initial);
  const sessionRef = useRef(session);
  sessionRef.current = session;
  return useMemo(
    () => ({
      save(text: string) {
        const next = text.trim() === "" ? "" : text;
        if (next === saved.current) return;
        saved.current = next;
        sessionRef.current.setDraft(next);
      },
    }),
    [],
  );
}

export function ChatScreen(props: ChatScreenProps) {
  const { session, models, color } = props;
  const [state, dispatch, stateRef] = useSyncReducer(chatScreenReducer, () => {
    const chat = session.chat();
    return initialChatScreen({
      messages: chat.messages,
      draft: chat.draft ?? "",
      notice: props.initialNotice ?? cardScriptsQuestion(session),
      samplers: session.samplers(),
      presetName: session.presetName(),
      persona: session.persona().name,
      terminal: { rows: props.rows, columns: props.columns ?? 80 },
    });
  });
  const { input } = state;
  const loading = useModelLoading(models);
  useEffect(() => {
    if (props.flash) dispatch({ type: "notice", message: displayText(props.flash.text) });
  }, [props.flash, dispatch]);
  // A failed save (disk full, a folder gone) must be seen: the chat on screen is not on disk.
  useEffect(() => session.onSaveError((message) => dispatch({ type: "notice", message: `Could not save the chat: ${message}` })), [session, dispatch]);
  const draft = useDraftSaving(session, session.chat().draft ?? "");
  const unsent = unsentText(input);
  const replying = state.turn !== null;
  useEffect(() => {
    // While a message is edited the input holds its text, not a draft.
    if (state.editing !== null) return;
    if (unsent.trim() === "") {
      // A sent message is saved when its reply ends: till then its text stays the draft, so a crash keeps it.
      if (!replying) draft.save(unsent);
      return;
    }
    const timer = setTimeout(() => draft.save(unsent), DRAFT_SAVE_MS);
    return () => clearTimeout(timer);
  }, [unsent, state.editing, replying, draft]);
  const bindings = props.keybindings ?? defaultKeybindings;
  const notify = (message: string | null) => dispatch({ type: "notice", message });
  const set = (patch: SetPatch) => dispatch({ type: "set", patch });
  const showPanel = (panel: ChatPanel | null) => dispatch({ type: "panel", panel });

  const changeSamplers = (change: Partial<SamplerSettings>) => dispatch({ type: "samplers", samplers: session.setSamplers(change) });
  const choosePreset = (name: string) => dispatch({ type: "samplers", samplers: session.setPreset(name), presetName: name });
  const nextPreset = () => {
    const presets = session.presets();
    if (presets.length === 0) return;
    const at = presets.findIndex((p) => p.name === stateRef.current.presetName);
    const preset = presets[(at + 1) % presets.length]!;
    choosePreset(preset.name);
    notify(`Preset ${preset.name}: ${preset.description}`);
  };

  /** A change to a finished message, through the session (core/chat); the screen shows the chat it returns. */
  const changeMessage = (index: number, change: "edited" | "deleted", apply: (id: string) => { messages: ChatMessage[] }) => {
    const message = stateRef.current.messages[index];
    if (!message) return;
    try {
      dispatch({ type: "changed", messages: apply(message.id).messages, index, change });
    } catch (error) {
      notify((error as Error).message);
    }
  };
  const editAt = (index: number, text: string) => changeMessage(index, "edited", (id) => session.edit(id, text));
  const deleteAt = (index: number) => changeMessage(index, "deleted", (id) => session.remove(id));
  const swipe = (direction: -1 | 1) => {
    if (stateRef.current.turn) return;
    const messages = session.swipe(direction).messages;
    dispatch({ type: "changed", messages, index: messages.length - 1, change: "swiped" });
  };

  // Called only from handlers, once the generation and the commands below exist.
  const busy = () => stateRef.current.turn !== null || generation.running() || commands.loadingModel();
  const generation = useReplyGeneration({ session, models, flushMs: props.flushMs, state: stateRef, dispatch, busy });
  const { send, swipeNew, continueReply, impersonate } = generation;
  // A group chat's members, as the members panel shows them (muting changes them).
  const [groupInfo, setGroupInfo] = useState(() => session.group?.info() ?? null);
  const toggleMute = (name: string) => {
    const member = session.group?.info().members.find((m) => m.name === name);
    if (!member || !session.group) return;
    session.group
      .setMuted(name, !member.muted)
      .then((info) => {
        setGroupInfo(info);
        notify(`${name} ${member.muted ? "is unmuted: the group's strategy may choose them again" : "is muted: they speak only when asked"}`);
      })
      .catch((error: Error) => notify(`Could not change ${name}: ${error.message}`));
  };
  useEffect(
    () => () => {
      // Closing mid-reply (SIGTERM, SIGHUP, leaving): stop it; the session keeps what it wrote.
      generation.stop();
      // Leaving by any road (Ctrl+O, /char, quit, a signal) keeps what was typed and not sent.
      if (stateRef.current.editing === null) draft.save(unsentText(stateRef.current.input));
    },
    [],
  );
  const { startEdit, editOutside, askDelete, branchAt } = messageActions({
    session,
    editExternally: props.editExternally,
    onOpenChat: props.onOpenChat,
    state: stateRef,
    dispatch,
    editAt,
    busy,
  });
  const commands = useChatCommands(
    {
      session,
      models,
      characters: props.characters,
      onOpenCharacter: props.onOpenCharacter,
      notify,
      setSamplers: changeSamplers,
      swipe: swipeNew,
      continueReply,
      impersonate,
      setPersona: (name) => set({ persona: session.setPersona(name) }),
      branch: () => branchAt(stateRef.current.messages.length - 1),
      presets: () => session.presets(),
      choosePreset,
      replying: () => stateRef.current.turn !== null || generation.running(),
      speak: generation.speak,
      scriptsChanged: () => dispatch({ type: "reprint" }),
    },
    input.text,
  );

  useInput((char, key) => {
    const event: ChatKeyEvent = { char, key, action: actionFor(bindings, char, key) };
    const current = stateRef.current;
    const messageCount = current.messages.length;
    const inputText = current.input.text;
    const inputEmpty = inputText === "";
    const edit = (action: InputAction) => dispatch({ type: "input", action });
    const quit = () => props.onQuit(stateRef.current.messages);
    const panels = { panel: current.panel, inputEmpty, setPanel: showPanel };
    // Handlers in order of precedence: the first that takes the key ends it.
    void (
      stopKey(event, { stopReply: generation.stop, quitArmed: current.quitArmed, setQuitArmed: (quitArmed) => set({ quitArmed }), quit, notify }) ||
      deleteConfirmKeys(event, {
        pending: current.confirmDelete,
        selected: current.selected,
        messageCount,
        clearPending: () => set({ confirmDelete: null }),
        deleteAt,
        select: (selected) => set({ selected }),
        notify,
      }) ||
      selectModeKeys(event, { selected: current.selected, messageCount, busy, select: (selected) => set({ selected }), startEdit, editOutside, askDelete, branchAt }) ||
      closePanelKey(event, panels) ||
      memberPanelKeys(event, {
        panel: current.panel,
        members: session.group ? session.group.info().members : null,
        row: current.memberRow,
        inputEmpty,
        setRow: (memberRow) => set({ memberRow }),
        setPanel: showPanel,
        speak: generation.speak,
        toggleMute,
        notify,
      }) ||
      samplerPanelKeys(event, {
        open: current.panel === "samplers",
        row: current.samplerRow,
        setRow: (samplerRow) => set({ samplerRow }),
        samplers: current.samplers,
        changeSamplers,
        nextPreset,
      }) ||
      turnPanelKeys(event, {
        open: current.panel === "turn",
        view: current.turnView,
        offset: current.turnOffset,
        maxOffset: () => {
          const w = turnPanelWindow(session.lastTurn(), stateRef.current.turnView, inputWidth, room, 0);
          return Math.max(0, w.total - w.room);
        },
        page: () => Math.max(1, room - 2),
        inputEmpty,
        setView: (turnView) => set({ turnView }),
        setOffset: (turnOffset) => set({ turnOffset }),
      }) ||
      sendKey(event, {
        inputText,
        editing: current.editing,
        loadingModel: commands.loadingModel(),
        busy,
        submitted: (text) => edit({ type: "submitted", text }),
        stopEditing: () => set({ editing: null }),
        editAt,
        runCommand: commands.run,
        send,
        messageCount,
        replyNow: generation.replyNow,
        notify,
      }) ||
      earlierKey(event, {
        messages: current.messages,
        printedFrom: current.printedFrom,
        pageRows: scrollbackRows(props.rows),
        columns: props.columns ?? 80,
        printFrom: (from) => dispatch({ type: "printFrom", from }),
        notify,
      }) ||
      completeKey(event, { inputText, completions: commands.completions, setInput: (text) => edit({ type: "set", text }), notify }) ||
      panelToggleKeys(event, panels) ||
      startSelectKey(event, { inputEmpty, messageCount, busy, closePanel: () => showPanel(null), select: (selected) => set({ selected }), notify }) ||
      chatActionKeys(event, {
        inputEmpty,
        editing: current.editing,
        messageCount,
        lastReply: lastReply(current.messages),
        busy,
        notify,
        swipe,
        swipeNew,
        askDelete,
        continueReply,
        impersonate,
        startEdit,
        stopEditing: () => set({ editing: null }),
        editOutside,
        leave: () => props.onLeave?.(),
        toggleReasoning: () => dispatch({ type: "toggleReasoning" }),
      }) ||
      inputKeys(event, { edit })
    );
  });

  const model = models.status();
  const { panel, selected, samplers } = state;
  // Reprinted (scripts allowed, reasoning unfolded): drawn again through the scripts as they now are.
  const displayed = useMemo(() => displayedMessages(session, state.messages), [session, state.messages, state.reprint]);
  const shown = useMemo(() => shownMessages({ messages: displayed, turn: state.turn }), [displayed, state.turn]);
  const reasoningKey = bindings.reasoning[0] ?? "alt+r";
  const reasoningView = useMemo(() => ({ shown: state.showReasoning, key: reasoningKey }), [state.showReasoning, reasoningKey]);
  const writing = state.turn !== null;
  // What the last turn reused from the KV cache, and why it processed part of the prompt again.
  const kvStatus = displayText(reuseStatus(session.lastTurn()));
  // Help and a picked message take the whole room; a panel shares it with the end of the chat.
  const overlay = panel === "help" || selected !== null;
  const inputWidth = Math.max(10, (props.columns ?? 80) - 4);
  const inputMaxRows = Math.max(3, Math.floor(props.rows / 4));
  // Streaming re-renders every few ms: lay out a long input only when it changes.
  const shownInput = useMemo(() => textWindow(input.text, input.cursor, inputWidth, inputMaxRows), [input.text, input.cursor, inputWidth, inputMaxRows]);
  // The input's extra rows come out of the room the live message and panels have.
  const inputExtra = shownInput.rows.length + (shownInput.hiddenAbove ? 1 : 0) + (shownInput.hiddenBelow ? 1 : 0) - 1;
  const fullRoom = Math.max(4, props.rows - 7 - inputExtra);
  const liveBudget = Math.max(3, props.rows - 8 - inputExtra);
  // With a panel open the last message keeps a third of the room (its name and gap besides),
  // and a message above it in the live region (the one being answered) its three rows and two.
  const liveCount = Math.max(0, shown.length - state.committed);
  const liveAbove = Math.max(0, liveCount - 1) * 5;
  const last = shown.at(-1);
  const lastRows = last && liveCount > 0 ? wrapRows(last.swipes[last.swipeIndex]?.text ?? "", Math.max(10, Math.floor((props.columns ?? 80) * 0.9)), "anywhere").length : 0;
  const sharedLive = Math.min(lastRows, Math.max(3, Math.floor(fullRoom / 3)));
  const sharing = panel !== null && panel !== "help" && selected === null;
  const room = sharing ? Math.max(4, fullRoom - liveAbove - (liveCount > 0 ? sharedLive + 2 : 0)) : fullRoom;
  return (
    <Box flexDirection="column">
      <Transcript messages={shown} committed={state.committed} liveBudget={sharing ? Math.max(1, sharedLive) : liveBudget} color={color} hideLive={overlay} reprint={state.reprint} columns={props.columns ?? 80} reasoning={reasoningView} from={state.printedFrom} />
      {selected !== null && state.messages[selected] ? (
        <SelectedMessage message={state.messages[selected]!} index={selected} count={state.messages.length} maxLines={room} columns={props.columns ?? 80} color={color} />
      ) : null}
      {/* The help fills an 80x24 screen: above it a notice keeps to one row, or it would push the help's first rows off. */}
      {state.notice ? (
        // Keyed: Ink measures a Text once and would keep the wrapped height after the wrap mode changes.
        <Text key={panel === "help" ? "one-row" : "wrapped"} color={color ? "yellow" : undefined} wrap={panel === "help" ? "truncate-end" : "wrap"}>
          {/* Notices quote messages, model output, file and book names: never drawn raw. */}
          {displayText(state.notice)}
        </Text>
      ) : null}
      <ChatPanels
        panel={panel}
        session={session}
        models={models}
        bindings={bindings}
        room={room}
        columns={props.columns ?? 80}
        color={color}
        samplers={samplers}
        samplerRow={state.samplerRow}
        presetName={state.presetName}
        turn={{ view: state.turnView, offset: state.turnOffset, width: inputWidth }}
        group={groupInfo}
        memberRow={state.memberRow}
        refresh={`${state.messages.length}:${!writing}:${state.notice}`}
      />
      <InputView state={input} color={color} busy={writing || generation.impersonating} view={shownInput} />
      {/* One row always: the layout above counts on it. */}
      <Text dimColor wrap="truncate-end">
        {/* Without colour the input's grey border is the only other sign that a reply is being written. */}
        {(writing || generation.impersonating ? "writing… Ctrl+C stops · " : "") +
          (loading ? loadingLine(loading) : `${displayText(model.model ?? "no model")} · ${displayText(model.backend)} · ctx ${model.contextUsed === null ? "" : `${model.contextUsed}/`}${model.contextSize}`) +
          (generation.speed !== null ? ` · ${generation.speed.toFixed(1)} tok/s` : "") +
          ` · temp ${samplers.temperature} · ? help` +
          (!writing && kvStatus ? ` · ${kvStatus}` : "")}
      </Text>
    </Box>
  );
}

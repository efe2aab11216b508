import React, { useCallback, useEffect } from "react";
import { keyHintRows } from "../components/keyHints.ts";
import { Box, Text, useInput, type Key } from "ink";
import { displayText } from "../../core/text/sanitize.ts";
import type { CardSummary, TrashedCard } from "../../app/library.ts";
import type { ChatTarget } from "../../app/chats/session.ts";
import type { CardDetail, ImportOutcome } from "../../app/library.ts";
import type { CardShelf } from "../app/tuiApp.ts";
import type { Keybindings } from "../app/keybindings.ts";
import { SelectList } from "../components/SelectList.tsx";
import { moveSelection } from "../components/listWindow.ts";
import type { InputAction } from "../input/inputReducer.ts";
import { CardEditor } from "./CardEditor.tsx";
import { cardRow, nextSort, sortLabels } from "./characterList.ts";
import { charactersReducer, charactersView, initialCharacters, type CharactersMode as Mode, type CharactersNotice as Notice, type CharactersState } from "./charactersState.ts";
import { LineInput } from "./LineInput.tsx";
import { editActions } from "../input/editKeys.ts";
import { useSyncReducer } from "../hooks/useSyncState.ts";
import { greetingChoices, previewLines } from "./preview.ts";
import { clampText } from "../text/layout.ts";

export interface CharactersScreenProps {
  cards: CardShelf;
  color: boolean;
  rows: number;
  columns: number;
  keybindings?: Keybindings;
  onOpenChat(target: ChatTarget): void;
  onBack(): void;
  onQuit(): void;
}


const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

function importNotice(outcome: ImportOutcome): Notice {
  if (outcome.status === "duplicate") return { text: `Already in the library as ${outcome.id}: ${outcome.source} (nothing imported)` };
  const repaired = outcome.warnings.length ? ` (repaired: ${outcome.warnings.join("; ")})` : "";
  return { text: `Imported ${outcome.name} as ${outcome.id}${repaired}` };
}

/** The card library: browse, search, sort, preview; start chats; import, edit, delete cards (to the trash; `u` undoes). */
export function CharactersScreen(props: CharactersScreenProps) {
  const { cards, color } = props;
  // The input handler reads the state through `stateRef` only: always the latest (see useSyncReducer).
  const [state, dispatch, stateRef] = useSyncReducer(charactersReducer, initialCharacters);
  const { listing, loadError, problems, trashed, query, path, sort, details, mode, greetingIndex, editing, notice } = state;
  const set = (patch: Partial<Pick<CharactersState, "sort" | "selectedId" | "mode" | "greetingIndex" | "editing" | "notice" | "quitArmed">>) => dispatch({ type: "set", patch });
  const setMode = (mode: Mode) => set({ mode });
  const setNotice = (notice: Notice) => set({ notice });
  const dispatchQuery = (action: InputAction) => dispatch({ type: "query", action });
  const dispatchPath = (action: InputAction) => dispatch({ type: "path", action });

  const refresh = useCallback(
    async (select?: string) => {
      try {
        const { cards: list, problems } = await cards.list();
        // The trash only offers undo; one that cannot be read offers nothing.
        const trash = await cards.trash().catch(() => []);
        dispatch({ type: "loaded", cards: list, problems: problems.length, trashed: trash, ...(select && { select }) });
      } catch (error) {
        dispatch({ type: "loadFailed", message: errorText(error) });
      }
    },
    [cards, dispatch],
  );
  useEffect(() => void refresh(), [refresh]);

  const { visible, index, selected, detail } = charactersView(state);

  useEffect(() => {
    if (!selected || details.has(selected.id)) return;
    let live = true;
    const id = selected.id;
    cards
      .load(id)
      .then((d) => live && dispatch({ type: "detail", id, detail: d }))
      .catch((error) => live && dispatch({ type: "detail", id, detail: errorText(error) }));
    return () => void (live = false);
  }, [selected?.id, details, cards, dispatch]);

  const now = () => charactersView(stateRef.current);
  const move = (delta: number) => {
    const { visible, index } = now();
    const next = visible[moveSelection(visible.length, index, delta)];
    if (next) set({ selectedId: next.id });
  };

  const loadDetail = async (id: string): Promise<CardDetail> => {
    const known = stateRef.current.details.get(id);
    if (typeof known === "object") return known;
    const loaded = await cards.load(id);
    dispatch({ type: "detail", id, detail: loaded });
    return loaded;
  };

  const run = (work: () => Promise<void>) => {
    setMode("busy");
    work()
      .catch((error) => {
        setNotice({ text: errorText(error), error: true });
        setMode("browse");
      });
  };

  const startNewChat = (card: CardSummary) =>
    run(async () => {
      const d = await loadDetail(card.id);
      if (d.greetings.length <= 1) {
        setMode("browse");
        return props.onOpenChat({ characterId: card.id, fresh: true });
      }
      set({ greetingIndex: 0, notice: null, mode: "greetings" });
    });

  const edit = (id: string, note: Notice = null) =>
    run(async () => {
      const d = await cards.load(id);
      set({ editing: d, notice: note, mode: "edit" });
    });

  const importPath = (typed: string) =>
    run(async () => {
      try {
        const outcome = await cards.importFile(typed);
        dispatchQuery({ type: "submitted", text: "" });
        await refresh(outcome.id);
        setNotice(importNotice(outcome));
      } catch (error) {
        setNotice({ text: `Not imported: ${errorText(error)}`, error: true });
      }
      setMode("browse");
    });

  const copyThenEdit = (card: CardSummary) =>
    run(async () => {
      const copy = await cards.copyToLibrary(card.id);
      await refresh(copy.id);
      const note = copy.status === "duplicate" ? `You already have a copy of this sample: editing ${copy.id}` : `Copied ${copy.name} into your library as ${copy.id}: editing the copy`;
      edit(copy.id, { text: note });
    });

  const remove = (card: CardSummary) =>
    run(async () => {
      await cards.remove(card.id);
      await refresh();
      setNotice({ text: `Moved ${card.name} to the trash; its chats are kept (u brings it back)` });
      setMode("browse");
    });

  /** Undoes the latest delete: that card comes back under its own id, so its chats find it. */
  const restoreLatest = (card: TrashedCard) =>
    run(async () => {
      const back = await cards.restore(card.id);
      await refresh(back.id);
      setNotice({ text: `Restored ${back.name} from the trash` });
      setMode("browse");
    });

  useInput(
    (char, key) => {
      const current = stateRef.current;
      if (key.ctrl && char === "c") {
        if (current.quitArmed) return props.onQuit();
        return set({ quitArmed: true, notice: { text: "Press Ctrl+C again to quit" } });
      }
      if (current.quitArmed) set({ quitArmed: false });
      const mode = current.mode;
      const { selected, detail } = now();
      if (mode === "busy") return;
      if (mode === "confirmDelete" || mode === "confirmCopy") {
        setMode("browse");
        if (!selected) return;
        if (char !== "y" && char !== "Y") return setNotice({ text: mode === "confirmDelete" ? `Kept ${selected.name}` : "Nothing copied" });
        return mode === "confirmDelete" ? remove(selected) : copyThenEdit(selected);
      }
      if (mode === "greetings") {
        const count = typeof detail === "object" ? detail.greetings.length : 0;
        if (key.escape) return setMode("browse");
        if (key.upArrow) return set({ greetingIndex: moveSelection(count, current.greetingIndex, -1) });
        if (key.downArrow) return set({ greetingIndex: moveSelection(count, current.greetingIndex, 1) });
        if (/^[1-9]$/.test(char) && Number(char) <= count) return props.onOpenChat({ characterId: selected!.id, fresh: true, greetingIndex: Number(char) - 1 });
        if (key.return && selected) return props.onOpenChat({ characterId: selected.id, fresh: true, greetingIndex: current.greetingIndex });
        return;
      }
      if (mode === "import") {
        if (key.escape) {
          setMode("browse");
          return setNotice(null);
        }
        if (key.return) {
          const typed = current.path.text.trim();
          if (!typed) return setMode("browse");
          return importPath(typed);
        }
        return lineKey(dispatchPath, char, key);
      }
      if (mode === "search") {
        if (key.escape) {
          dispatchQuery({ type: "submitted", text: "" });
          return setMode("browse");
        }
        if (key.return) return setMode("browse");
        if (key.upArrow) return move(-1);
        if (key.downArrow) return move(1);
        return lineKey(dispatchQuery, char, key);
      }
      // browse
      if (key.escape) {
        if (current.query.text) return dispatchQuery({ type: "submitted", text: "" });
        return props.onBack();
      }
      if (key.upArrow) return move(-1);
      if (key.downArrow) return move(1);
      if (key.pageUp) return move(-10);
      if (key.pageDown) return move(10);
      if (char === "/") {
        setNotice(null);
        return setMode("search");
      }
      if (char === "s") return set({ sort: nextSort(current.sort) });
      if (char === "i") {
        dispatchPath({ type: "submitted", text: "" });
        setNotice(null);
        return setMode("import");
      }
      if (char === "u") {
        const latest = current.trashed[0];
        if (latest) return restoreLatest(latest);
        return setNotice({ text: "The trash is empty: nothing to restore" });
      }
      if (!selected) return;
      if (key.return) return props.onOpenChat({ characterId: selected.id });
      if (char === "n") return startNewChat(selected);
      if (char === "e") {
        if (!selected.bundled) return edit(selected.id);
        setNotice({ text: `${selected.name} is a sample that comes with taproom (read-only). Make an editable copy in your library? y/n` });
        return setMode("confirmCopy");
      }
      if (char === "d") {
        if (selected.bundled) return setNotice({ text: `${selected.name} is a sample that comes with taproom: it cannot be deleted`, error: true });
        setNotice({ text: `Delete ${selected.name} (${selected.path})? It goes to the trash and its chats are kept. y/n` });
        return setMode("confirmDelete");
      }
    },
    { isActive: mode !== "edit" },
  );

  if (mode === "edit" && editing) {
    return (
      <CardEditor
        card={editing}
        cards={cards}
        color={color}
        rows={props.rows}
        columns={props.columns}
        initialNotice={notice?.text ?? null}
        {...(props.keybindings && { keybindings: props.keybindings })}
        onQuit={props.onQuit}
        onClose={(savedId) => {
          set({ editing: null, notice: savedId ? { text: `Saved ${savedId}` } : null, mode: "browse" });
          void refresh(savedId ?? undefined);
        }}
      />
    );
  }

  const width = Math.max(20, props.columns - 2);
  // Header, status line, separator and footer take four rows; one row is kept free so
  // Ink never redraws the whole screen (a live region as tall as the terminal flickers).
  const status = statusLines(mode, notice, loadError, width);
  const room = Math.max(6, props.rows - 4 - status);
  // A short list leaves its unused rows to the preview.
  const listRows = Math.min(Math.max(3, Math.floor(room / 2)), Math.max(1, visible.length));
  const previewRows = room - listRows;
  const count = listing?.length ?? 0;
  const header = [`Characters · ${count} card${count === 1 ? "" : "s"}`, `sort: ${sortLabels[sort]}`, query.text && mode !== "search" ? `filter: ${query.text}` : "", problems ? `${problems} unreadable` : "", trashed[0] ? `${trashed.length} in the trash (u restores ${displayText(trashed[0].name)})` : ""].filter(Boolean).join(" · ");

  return (
    <Box flexDirection="column">
      <Text bold color={color ? "magenta" : undefined} wrap="truncate-end">
        {header}
      </Text>
      <StatusLine mode={mode} color={color} notice={notice} query={query} path={path} loadError={loadError} width={width} />
      {listing === null && !loadError ? (
        <Text dimColor>Loading…</Text>
      ) : (
        <SelectList
          items={visible.map(cardRow)}
          selected={index}
          height={visible.length > listRows ? listRows - 1 : listRows}
          color={color}
          empty={count === 0 ? "No characters yet: press i to import a card file" : `Nothing matches "${query.text}" (Esc clears)`}
        />
      )}
      <Text dimColor>{"─".repeat(Math.min(width, 60))}</Text>
      {mode === "greetings" && typeof detail === "object" ? (
        <GreetingPicker detail={detail} selected={greetingIndex} rows={previewRows} width={width} color={color} />
      ) : selected ? (
        <Preview card={selected} detail={detail} width={width} rows={previewRows} />
      ) : null}
      {/* Wrapped, never cut: a narrow terminal must still show how to leave. The layout keeps a row free for it. */}
      <Text dimColor wrap="wrap">
        {keyHintRows(footer(mode), width)}
      </Text>
    </Box>
  );
}

function footer(mode: Mode): string {
  switch (mode) {
    case "search":
      return "type to search name and tags · ↑↓ select · Enter keep · Esc clear";
    case "import":
      return "path to a PNG, JSON or CharX card (~ is your home) · Enter import · Esc cancel";
    case "greetings":
      return "↑↓ or 1-9 pick the greeting · Enter start the chat · Esc back";
    case "confirmDelete":
    case "confirmCopy":
      return "y yes · any other key no";
    default:
      return "Enter chat · n new · / search · s sort · i import · e edit · d delete · Esc home";
  }
}

type LineDispatch = (action: InputAction) => void;

/** Keys for a one-line input; a pasted line break is dropped rather than sent. */
function lineKey(dispatch: LineDispatch, char: string, key: Key) {
  for (const action of editActions(char.replace(/[\r\n]+/g, ""), key) ?? []) dispatch(action);
}

/** The status text: an error or notice, wrapped to at most two rows (an error names a file and a field). */
function statusText(mode: Mode, notice: Notice, loadError: string | null, width: number): string[] | null {
  if (mode === "search" || mode === "import" || mode === "busy") return null;
  const text = loadError ? `Could not read the library: ${loadError}` : notice?.text;
  return text ? clampText(displayText(text), width, 2) : null;
}

function statusLines(mode: Mode, notice: Notice, loadError: string | null, width: number): number {
  return statusText(mode, notice, loadError, width)?.length ?? 1;
}

function StatusLine(props: { mode: Mode; color: boolean; notice: Notice; query: { text: string; cursor: number }; path: { text: string; cursor: number }; loadError: string | null; width: number }) {
  const { mode, color, notice } = props;
  if (mode === "search") return <LineInput prompt="Search: " state={props.query} />;
  if (mode === "import") return <LineInput prompt="Import file: " state={props.path} />;
  if (mode === "busy") return <Text dimColor>Working…</Text>;
  const lines = statusText(mode, notice, props.loadError, props.width);
  if (!lines) return <Text> </Text>;
  const tone = props.loadError || notice?.error ? "red" : "yellow";
  return (
    <Box flexDirection="column">
      {lines.map((line, i) => (
        <Text key={i} color={color ? tone : undefined} wrap="truncate-end">
          {line}
        </Text>
      ))}
    </Box>
  );
}

function Preview({ card, detail, width, rows }: { card: CardSummary; detail: CardDetail | string | undefined; width: number; rows: number }) {
  if (typeof detail === "string") return <Text wrap="truncate-end">{`Could not read this card: ${detail}`}</Text>;
  const source = detail
    ? { description: detail.fields.description, firstMes: detail.fields.first_mes, alternateGreetings: detail.alternateGreetings }
    : { description: card.description, firstMes: card.firstMes, alternateGreetings: null };
  return (
    <Box flexDirection="column">
      {previewLines(source, width, rows).map((line, i) => (
        <Text key={i} bold={line.heading} wrap="truncate-end">
          {line.text || " "}
        </Text>
      ))}
    </Box>
  );
}

/** The greetings to begin a new chat with, and below them as much of the selected one as fits. */
function GreetingPicker({ detail, selected, rows, width, color }: { detail: CardDetail; selected: number; rows: number; width: number; color: boolean }) {
  const items = greetingChoices(detail.greetings, detail.fields.first_mes.trim() !== "");
  const listRows = Math.max(1, Math.min(items.length, Math.floor((rows - 1) / 2)));
  const listHeight = items.length > listRows ? listRows - 1 : listRows;
  const textRows = rows - 1 - listRows - 1;
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">{`Start a new chat with ${displayText(detail.name)}: which greeting?`}</Text>
      <SelectList items={items} selected={selected} height={Math.max(1, listHeight)} color={color} numbered />
      {textRows > 0 ? <Text> </Text> : null}
      {clampText(displayText(detail.greetings[selected] ?? ""), width, textRows).map((line, i) => (
        <Text key={i} dimColor wrap="truncate-end">
          {line || " "}
        </Text>
      ))}
    </Box>
  );
}

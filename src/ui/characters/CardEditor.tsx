import React from "react";
import { Box, Text, useInput } from "ink";
import { displayText, inertForEditing } from "../../core/text/sanitize.ts";
import type { CardDetail } from "../../app/library.ts";
import type { CardShelf } from "../app/tuiApp.ts";
import { defaultKeybindings, keyMatches, type Keybindings } from "../app/keybindings.ts";
import { moveSelection } from "../components/listWindow.ts";
import { InputView } from "../input/InputView.tsx";
import { CARD_FIELDS, changedFields, fieldSummary } from "../../core/cards/cardFields.ts";
import { cardEditorReducer, initialCardEditor, type CardEditorState, type EditorNotice as Notice } from "./cardEditorState.ts";
import type { FieldInputAction } from "./typing.ts";
import { editActions } from "../input/editKeys.ts";
import { useSyncReducer } from "../hooks/useSyncState.ts";
import { clampText, moveByRow, textWindow, truncateToWidth } from "../text/layout.ts";

export interface CardEditorProps {
  card: CardDetail;
  cards: CardShelf;
  color: boolean;
  rows: number;
  columns: number;
  initialNotice?: string | null;
  keybindings?: Keybindings;
  /** Back to the list; the card's id when it was saved. */
  onClose(savedId: string | null): void;
  onQuit(): void;
}

const LABEL_WIDTH = Math.max(...CARD_FIELDS.map((f) => f.label.length)) + 2;

/** The main fields of one card: pick a field, edit it in a multi-line input, save the card back. */
export function CardEditor(props: CardEditorProps) {
  const { card, color } = props;
  // The input handler reads the state through `stateRef` only: always the latest (see useSyncReducer).
  const [state, dispatch, stateRef] = useSyncReducer(cardEditorReducer, () => initialCardEditor(card.fields, props.initialNotice ?? null));
  const { saved, fields, selected, editing, input, notice } = state;
  const set = (patch: Partial<Pick<CardEditorState, "selected" | "confirmLeave" | "saving" | "notice" | "quitArmed">>) => dispatch({ type: "set", patch });
  const setNotice = (notice: Notice) => set({ notice });
  const dispatchInput = (action: FieldInputAction) => dispatch({ type: "input", action });
  const newline = (props.keybindings ?? defaultKeybindings).newline;

  const changed = changedFields(saved, fields);
  const field = CARD_FIELDS[selected] ?? CARD_FIELDS[0];
  const width = Math.max(20, props.columns - 2);
  // Inside the input's border and padding.
  const inputWidth = Math.max(10, props.columns - 4);
  const changedNow = () => changedFields(stateRef.current.saved, stateRef.current.fields);

  const save = (then?: () => void) => {
    if (card.bundled) return setNotice({ text: "This is a read-only sample: leave the editor and press e to edit a copy", error: true });
    set({ saving: true, notice: { text: "Saving…" } });
    props.cards
      .save(card.id, stateRef.current.fields)
      .then((after) => {
        dispatch({ type: "saved", fields: after.fields });
        setNotice({ text: `Saved to ${after.path}` });
        then?.();
      })
      .catch((error: Error) => setNotice({ text: `Not saved: ${error.message}`, error: true }))
      .finally(() => set({ saving: false }));
  };
  const close = () => props.onClose(stateRef.current.savedOnce ? card.id : null);

  useInput((char, key) => {
    const current = stateRef.current;
    const changed = changedNow();
    if (key.ctrl && char === "c") {
      if (changed.length > 0) return setNotice({ text: "Unsaved changes: s saves them, Esc then d discards them, before quitting", error: true });
      if (current.quitArmed) return props.onQuit();
      return set({ quitArmed: true, notice: { text: "Press Ctrl+C again to quit" } });
    }
    if (current.quitArmed) set({ quitArmed: false });
    if (current.saving) return;
    if (current.editing) {
      // Esc keeps the text too: a stray Esc (half an escape sequence over SSH) never loses typing.
      if (key.return || key.escape) return dispatch({ type: "keepEdit" });
      if (newline.some((spec) => keyMatches(spec, char, key))) return dispatchInput({ type: "newline" });
      if (key.upArrow || key.downArrow) {
        const { text, cursor } = current.input;
        const moved = moveByRow(text, cursor, inputWidth, key.upArrow ? -1 : 1);
        return dispatchInput({ type: "moveTo", cursor: moved });
      }
      for (const action of editActions(char, key) ?? []) dispatchInput(action);
      return;
    }
    if (current.confirmLeave) {
      set({ confirmLeave: false });
      if (char === "s") return save(close);
      if (char === "d") return close();
      return setNotice({ text: "Still editing" });
    }
    if (key.escape) {
      if (changed.length === 0) return close();
      return set({ confirmLeave: true, notice: { text: `Unsaved changes (${changed.length} field${changed.length === 1 ? "" : "s"}): s save · d discard · any other key keeps editing` } });
    }
    if (key.upArrow) return set({ selected: moveSelection(CARD_FIELDS.length, current.selected, -1) });
    if (key.downArrow) return set({ selected: moveSelection(CARD_FIELDS.length, current.selected, 1) });
    if (key.return) return dispatch({ type: "startEdit", field: (CARD_FIELDS[current.selected] ?? CARD_FIELDS[0]).key });
    if (char === "s") {
      if (changed.length === 0) return setNotice({ text: "Nothing to save" });
      return save();
    }
  });

  const title = `${displayText(fields.name) || "(no name)"} · ${displayText(card.path)}${changed.length ? " · unsaved" : ""}`;
  // A notice may take two rows: a save error names the file and the field.
  const noticeRows = notice ? clampText(displayText(notice.text), width, 2) : [" "];
  const noticeLines = noticeRows.map((line, i) => (
    <Text key={`notice-${i}`} color={color && notice ? (notice.error ? "red" : "yellow") : undefined} wrap="truncate-end">
      {line || " "}
    </Text>
  ));

  if (editing) {
    const spec = CARD_FIELDS.find((f) => f.key === editing);
    const label = spec?.label ?? editing;
    const hint = spec && "hint" in spec ? ` · ${spec.hint}` : "";
    // Title, border (2), window marks and footer; one row kept free.
    const height = Math.max(3, props.rows - 6);
    // The marks for rows left out are drawn in the box, on two of its rows.
    const view = textWindow(inertForEditing(input.text), input.cursor, inputWidth, height + 1, { mode: "words" });
    return (
      <Box flexDirection="column">
        <Text bold wrap="truncate-end">{`Editing ${label} of ${displayText(saved.name) || "(no name)"}${hint}`}</Text>
        <InputView state={input} color={color} busy={false} view={view} />
        <Text dimColor wrap="truncate-end">
          Enter or Esc done (kept, not yet saved) · Ctrl+J or Alt+Enter new line
        </Text>
      </Box>
    );
  }

  // Title, notice, fields, separator, field heading, footer; one row kept free.
  const previewRows = Math.max(1, props.rows - CARD_FIELDS.length - 5 - noticeRows.length);
  const valueWidth = Math.max(10, width - LABEL_WIDTH - 4);
  return (
    <Box flexDirection="column">
      <Text bold color={color ? "magenta" : undefined} wrap="truncate-end">
        {title}
      </Text>
      {noticeLines}
      {CARD_FIELDS.map((f, i) => {
        const active = i === selected;
        const mark = changed.includes(f.key) ? "*" : " ";
        const first = displayText(fieldSummary(f.key, fields[f.key]));
        const value = truncateToWidth(first, valueWidth);
        return (
          <Text key={f.key} wrap="truncate-end" bold={active} inverse={active && !color} color={active && color ? "cyan" : undefined}>
            {`${active ? "›" : " "}${mark}${f.label.padEnd(LABEL_WIDTH)}`}
            <Text dimColor={!active}>{value || "(empty)"}</Text>
          </Text>
        );
      })}
      <Text dimColor>{"─".repeat(Math.min(width, 60))}</Text>
      {clampText(displayText(fields[field.key]) || "(empty)", width, previewRows).map((line, i) => (
        <Text key={i} wrap="truncate-end">
          {line || " "}
        </Text>
      ))}
      <Text dimColor wrap="truncate-end">
        {card.bundled ? "read-only sample · ↑↓ field · Esc back" : "↑↓ field · Enter edit · s save · Esc back"}
      </Text>
    </Box>
  );
}

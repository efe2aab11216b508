import React from "react";
import { Box, Text } from "ink";
import type { LoreEntry } from "../../core/lorebook/model.ts";
import { displayText, inertForEditing } from "../../core/text/sanitize.ts";
import { actionFor, defaultKeybindings, type Keybindings } from "../app/keybindings.ts";
import { listWindow, moveSelection } from "../components/listWindow.ts";
import { editActions } from "../input/editKeys.ts";
import { inputReducer, type InputState } from "../input/inputReducer.ts";
import { textWindow } from "../text/layout.ts";
import { InputView } from "../input/InputView.tsx";
import { ENTRY_FIELDS, EntryValueError, entryTitle } from "./entryFields.ts";
import { useLiveState } from "../hooks/useLiveState.ts";
import { useScreenKeys } from "./screenKeys.tsx";

export interface EntryEditorProps {
  entry: LoreEntry;
  color: boolean;
  rows: number;
  columns: number;
  keybindings?: Keybindings;
  /** Every accepted change, at once: the book holds it until saved. */
  onChange(entry: LoreEntry): void;
  onBack(): void;
}

interface State {
  entry: LoreEntry;
  field: number;
  /** The text being typed into a field. */
  editing: { input: InputState } | null;
  error: string | null;
}

const fresh = (text: string): InputState => ({ text, cursor: text.length, history: [], historyIndex: null, draft: "" });
const LABEL_WIDTH = Math.max(...ENTRY_FIELDS.map((f) => f.label.length)) + 2;

/** One entry's fields: ↑↓ pick, Enter types a new value, Space or ←→ change a choice. */
export function EntryEditor(props: EntryEditorProps) {
  const { color } = props;
  const bindings = props.keybindings ?? defaultKeybindings;
  const [state, get, set] = useLiveState<State>(() => ({ entry: props.entry, field: 0, editing: null, error: null }));

  const change = (entry: LoreEntry) => {
    set({ entry, error: null });
    props.onChange(entry);
  };

  useScreenKeys((char, key) => {
    const s = get();
    const field = ENTRY_FIELDS[s.field];
    if (!field) return;
    if (s.editing) {
      const action = actionFor(bindings, char, key);
      if (action === "newline" && field.kind === "multiline") return set({ editing: { ...s.editing, input: inputReducer(s.editing.input, { type: "newline" }) } });
      // Esc keeps the text as Enter does, as in the card editor: a stray Esc never loses typing.
      if (key.return || key.escape) {
        try {
          const next = field.apply!(s.entry, s.editing.input.text);
          set({ editing: null });
          change(next);
        } catch (error) {
          if (!(error instanceof EntryValueError)) throw error;
          set({ error: error.message });
        }
        return;
      }
      const actions = editActions(char, key);
      if (actions) set({ editing: { ...s.editing, input: actions.reduce(inputReducer, s.editing.input) } });
      return;
    }
    if (key.escape) return props.onBack();
    if (key.upArrow) return set({ field: moveSelection(ENTRY_FIELDS.length, s.field, -1), error: null });
    if (key.downArrow) return set({ field: moveSelection(ENTRY_FIELDS.length, s.field, 1), error: null });
    if (field.cycle) {
      if (key.return || char === " " || key.rightArrow) return change(field.cycle(s.entry, 1));
      if (key.leftArrow) return change(field.cycle(s.entry, -1));
      return;
    }
    if (key.return && field.text) {
      const text = field.text(s.entry);
      set({ editing: { input: fresh(text) }, error: null });
    }
  });

  const entry = state.entry;
  const current = ENTRY_FIELDS[state.field];
  const editing = state.editing;
  const header = (
    <Text bold wrap="truncate-end">
      {`Entry #${entry.uid} · ${displayText(entryTitle(entry))}`}
    </Text>
  );
  const errorLine = state.error ? <Text color={color ? "red" : undefined} wrap="truncate-end">{displayText(state.error)}</Text> : null;

  if (editing && current?.kind === "multiline") {
    // The whole content gets the screen: header, the box, the error and the keys.
    // Rows are counted in terminal columns (CJK and emoji take two); the box marks the rows left out.
    const height = Math.max(1, props.rows - 7);
    const width = Math.max(10, props.columns - 4);
    const shown = textWindow(inertForEditing(editing.input.text), editing.input.cursor, width, height, { mode: "words" });
    return (
      <Box flexDirection="column">
        {header}
        <Text dimColor>Content</Text>
        <InputView state={editing.input} color={color} busy={false} view={shown} />
        {errorLine ?? <Text dimColor>Enter or Esc done (kept, not yet saved) · Alt+Enter/Ctrl+J new line</Text>}
      </Box>
    );
  }

  // A one-line field shows the row the cursor is on.
  const oneRow = (input: InputState) => ({ ...textWindow(inertForEditing(input.text), input.cursor, Math.max(10, props.columns - 4), 1, { marks: false }), hiddenAbove: 0, hiddenBelow: 0 });
  const fieldRows = Math.max(3, props.rows - (editing ? 7 : 4));
  const [start, end] = listWindow(ENTRY_FIELDS.length, state.field, fieldRows);
  return (
    <Box flexDirection="column">
      {header}
      {ENTRY_FIELDS.slice(start, end).map((f, i) => {
        const active = start + i === state.field;
        return (
          <Text key={f.id} wrap="truncate-end" bold={active} inverse={active && !color} color={active && color ? "cyan" : undefined}>
            {`${active ? "›" : " "} ${f.label.padEnd(LABEL_WIDTH)}`}
            {displayText(f.show(entry).replace(/\n/g, " ")) || (f.kind === "choice" ? "" : "—")}
          </Text>
        );
      })}
      {editing && current ? (
        <Box flexDirection="column">
          <InputView state={editing.input} color={color} busy={false} view={oneRow(editing.input)} />
          {errorLine ?? <Text dimColor>{`${current.label}: ${current.hint ? `${current.hint} · ` : ""}Enter or Esc done${current.kind === "list" ? " · comma between keys" : ""}`}</Text>}
        </Box>
      ) : (
        errorLine ?? (
          <Text dimColor wrap="truncate-end">
            {current?.cycle ? "↑↓ field · Space/←→ change · Esc back to entries" : "↑↓ field · Enter edit · Esc back to entries"}
          </Text>
        )
      )}
    </Box>
  );
}

import React, { useEffect, useState } from "react";
import type { LoreReport } from "../../core/lorebook/report.ts";
import { Box, Text } from "ink";
import type { Lorebook } from "../../core/lorebook/model.ts";
import { displayText } from "../../core/text/sanitize.ts";
import { plural } from "../../core/units/format.ts";
import type { LorebookSource } from "../../app/lore.ts";
import type { CardBookOwner } from "../../app/lore.ts";
import type { BookShelf } from "../app/tuiApp.ts";
import { SelectList } from "../components/SelectList.tsx";
import { moveSelection } from "../components/listWindow.ts";
import { editActions } from "../input/editKeys.ts";
import { emptyInput, inputReducer, type InputState } from "../input/inputReducer.ts";
import { InputView } from "../input/InputView.tsx";
import { entryDetail, entryMarkers, entryTitle, searchEntries } from "./entryFields.ts";
import { useLiveState } from "../hooks/useLiveState.ts";
import { useScreenKeys } from "./screenKeys.tsx";

/** Where the entry list was, kept while an entry is edited. */
export interface BookViewPlace {
  query: string;
  uid: number | null;
}

export interface BookViewProps {
  services: BookShelf;
  book: Lorebook;
  source: LorebookSource;
  /** Set for a card's own book: it is saved into this card's file. */
  card?: CardBookOwner;
  dirty: boolean;
  color: boolean;
  rows: number;
  place: BookViewPlace;
  notice?: string | null;
  onEdit(uid: number, place: BookViewPlace): void;
  onAdd(place: BookViewPlace): void;
  onDelete(uid: number): void;
  /** Saves the book (a sample as the user's copy); rejects with a message to show. */
  onSave(): Promise<void>;
  onBack(): void;
}

type Confirm = { kind: "delete"; uid: number } | { kind: "copy"; thenLeave: boolean } | { kind: "leave" };

interface State {
  /** The search box while it is open; its text filters the list. */
  search: InputState | null;
  query: string;
  selectedUid: number | null;
  trying: InputState | null;
  tryScroll: number;
  confirm: Confirm | null;
  busy: boolean;
  notice: string | null;
  error: string | null;
}

function savedNotice(name: string, source: LorebookSource, card: CardBookOwner | undefined): string {
  if (card) return source === "sample" ? `Saved the book into your copy of ${displayText(card.name)}'s card` : `Saved the book into ${displayText(card.name)}'s card`;
  return source === "sample" ? `Saved a copy of "${displayText(name)}" into your books` : `Saved "${displayText(name)}"`;
}

const inputOf = (text: string): InputState => ({ ...emptyInput, text, cursor: text.length });

/** One book's entries: search with `/`, Enter edits, `a` adds, `d` deletes, `s` saves, `t` tries text. */
export function BookView(props: BookViewProps) {
  const { book, color } = props;
  const [state, get, set] = useLiveState<State>(() => ({
    search: props.place.query ? inputOf(props.place.query) : null, query: props.place.query, selectedUid: props.place.uid,
    trying: null, tryScroll: 0, confirm: null, busy: false, notice: props.notice ?? null, error: null,
  }));
  const visible = (s: State) => searchEntries(book.entries, s.query);
  const selectedIndex = (s: State) => Math.max(0, visible(s).findIndex((e) => e.uid === s.selectedUid));
  const place = (s: State): BookViewPlace => ({ query: s.query, uid: s.selectedUid });

  const save = (thenLeave: boolean) => {
    set({ busy: true, confirm: null, error: null, notice: "Saving…" });
    props
      .onSave()
      .then(() => {
        set({ busy: false, notice: savedNotice(book.name, props.source, props.card) });
        if (thenLeave) props.onBack();
      })
      .catch((error: Error) => set({ busy: false, notice: null, error: `Could not save: ${displayText(error.message)}` }));
  };
  const askSave = (thenLeave: boolean) => {
    if (props.source === "sample") return set({ confirm: { kind: "copy", thenLeave }, notice: null });
    save(thenLeave);
  };

  useScreenKeys((char, key) => {
    const s = get();
    if (s.busy) return;
    const entries = visible(s);
    const index = selectedIndex(s);
    const move = (delta: number) => set({ selectedUid: entries[moveSelection(entries.length, index, delta)]?.uid ?? null });
    if (s.confirm) {
      const yes = char === "y" || char === "Y";
      const c = s.confirm;
      if (c.kind === "delete") {
        set({ confirm: null, notice: yes ? `Deleted entry #${c.uid} (s saves the book)` : "Kept" });
        if (yes) props.onDelete(c.uid);
        return;
      }
      if (c.kind === "copy") {
        if (yes) return save(c.thenLeave);
        return set({ confirm: null, notice: "Not saved" });
      }
      // Leaving with unsaved changes: s saves, d discards (as in the card editor; n too), anything else stays.
      if (char === "s") return askSave(true);
      if (char === "d" || char === "n") return props.onBack();
      return set({ confirm: null, notice: "Still editing" });
    }
    if (s.trying) {
      if (key.escape) return set({ trying: null, tryScroll: 0 });
      if (key.upArrow) return set({ tryScroll: Math.max(0, s.tryScroll - 1) });
      if (key.downArrow) return set({ tryScroll: s.tryScroll + 1 });
      const actions = editActions(char, key);
      if (actions) set({ trying: actions.reduce(inputReducer, s.trying), tryScroll: 0 });
      return;
    }
    if (s.search) {
      if (key.escape) return set({ search: null, query: "" });
      if (key.upArrow) return move(-1);
      if (key.downArrow) return move(1);
      if (key.return) {
        const entry = entries[index];
        if (entry) props.onEdit(entry.uid, place(s));
        return;
      }
      const actions = editActions(char, key);
      if (actions) {
        const search = actions.reduce(inputReducer, s.search);
        const next = { ...s, search, query: search.text };
        set({ search, query: search.text, selectedUid: visible(next)[0]?.uid ?? null });
      }
      return;
    }
    if (key.escape) {
      if (props.dirty) return set({ confirm: { kind: "leave" }, notice: null });
      return props.onBack();
    }
    if (key.upArrow) return move(-1);
    if (key.downArrow) return move(1);
    if (key.pageUp) return move(-10);
    if (key.pageDown) return move(10);
    const entry = entries[index];
    if (key.return && entry) return props.onEdit(entry.uid, place(s));
    if (char === "/") return set({ search: inputOf(s.query), notice: null });
    if (char === "t") return set({ trying: emptyInput, tryScroll: 0, notice: null });
    if (char === "a") return props.onAdd(place(s));
    if (char === "d" && entry) return set({ confirm: { kind: "delete", uid: entry.uid }, notice: null });
    if (char === "s") return askSave(false);
  });

  // Regex keys run off this thread: the report arrives later, and only the latest text's is shown.
  const [trial, setTrial] = useState<LoreReport | null>(null);
  const tryingText = state.trying?.text;
  useEffect(() => {
    if (!tryingText?.trim()) return setTrial(null);
    let current = true;
    props.services.tryText(book, tryingText).then((r) => { if (current) setTrial(r); }, () => undefined);
    return () => { current = false; };
  }, [tryingText, book]);

  const entries = visible(state);
  const index = selectedIndex(state);
  const c = state.confirm;
  const prompt =
    c?.kind === "delete"
      ? `Delete entry #${c.uid} ${displayText(entryTitle(book.entries.find((e) => e.uid === c.uid) ?? entries[index]!))}? y/n`
      : c?.kind === "copy"
        ? props.card
          ? `${displayText(props.card.name)}'s card is a bundled sample and read-only. Save the book into your own copy of the card? y/n`
          : "This is a bundled sample and read-only. Save a copy into your books (it then takes the sample's place)? y/n"
        : c?.kind === "leave"
          ? "Unsaved changes: s save · d discard them · any other key keeps editing"
          : null;
  // Where a card's book lives comes last: a narrow terminal cuts the end of the line.
  const where = props.card ? ` · saved in the ${props.card.format.toUpperCase()} card` : "";
  const title = `${displayText(book.name)} · ${plural(book.entries.length, "entry", "entries")} · ${props.source === "sample" ? "sample (read-only)" : "yours"}${props.dirty ? " · modified" : ""}${where}`;
  const footer = state.trying
    ? "type to try · ↑↓ scroll · Esc close"
    : state.search
      ? "type to search keys and titles · ↑↓ select · Enter edit · Esc clear"
      : "↑↓ · Enter edit · / search · a add · d delete · s save · t try text · Esc back";

  let body: React.ReactNode;
  if (state.trying) {
    const height = Math.max(3, props.rows - 7);
    // Why comes first: at 80 columns the end of a line is cut.
    const lines = trial
      ? [
          trial.summary,
          ...trial.rows.map((r) => (r.fired ? `✓ #${r.uid} ${r.title}: ${r.detail} · ${r.where} ${r.order}, ~${r.tokens} tok` : `· #${r.uid} ${r.title}: ${r.detail}`)),
          ...trial.warnings,
        ]
      : ["Type some text: the entries it fires appear here, and why the others do not."];
    const top = Math.min(state.tryScroll, Math.max(0, lines.length - height));
    body = (
      <Box flexDirection="column">
        {lines.slice(top, top + height).map((l, i) => (
          <Text key={top + i} wrap="truncate-end" dimColor={l.startsWith("·")} color={color && l.startsWith("✓") ? "green" : undefined}>{l}</Text>
        ))}
        <Text>Try:</Text>
        <InputView state={state.trying} color={color} busy={false} />
      </Box>
    );
  } else {
    const height = Math.max(3, props.rows - (state.search ? 8 : 5) - (prompt || state.notice || state.error ? 1 : 0));
    body = (
      <Box flexDirection="column">
        <SelectList
          items={entries.map((e) => ({ key: String(e.uid), label: `${entryMarkers(e)} #${e.uid} ${displayText(entryTitle(e))}`, detail: displayText(entryDetail(e)) }))}
          selected={index}
          height={height}
          color={color}
          empty={state.query ? `No entry has "${displayText(state.query)}" in its keys or title` : "No entries: press a to add one."}
        />
        {state.search ? (
          <Box flexDirection="column">
            <Text>{`Search (${entries.length} of ${book.entries.length}):`}</Text>
            <InputView state={state.search} color={color} busy={false} />
          </Box>
        ) : null}
      </Box>
    );
  }

  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">{title}</Text>
      {prompt ? <Text color={color ? "yellow" : undefined} wrap="truncate-end">{prompt}</Text> : null}
      {!prompt && state.error ? <Text color={color ? "red" : undefined} wrap="truncate-end">{displayText(state.error)}</Text> : null}
      {!prompt && !state.error && state.notice ? <Text color={color ? "yellow" : undefined} wrap="truncate-end">{displayText(state.notice)}</Text> : null}
      {body}
      <Text dimColor wrap="truncate-end">{footer}</Text>
    </Box>
  );
}

import React, { useEffect, useRef, useState } from "react";
import { Box, Text, type Key } from "ink";
import { defaultEntry, type LoreEntry, type Lorebook } from "../../core/lorebook/model.ts";
import { displayText } from "../../core/text/sanitize.ts";
import type { LorebookSource } from "../../app/lore.ts";
import type { Keybindings } from "../app/keybindings.ts";
import type { CardBookOwner, LorebookSummary } from "../../app/lore.ts";
import type { BookShelf } from "../app/tuiApp.ts";
import { BookList, bookKey } from "./BookList.tsx";
import { BookView, type BookViewPlace } from "./BookView.tsx";
import { EntryEditor } from "./EntryEditor.tsx";
import { nextUid } from "./entryFields.ts";
import { useLiveState } from "../hooks/useLiveState.ts";
import { ScreenKeys, useScreenKeys } from "./screenKeys.tsx";

export interface LorebooksScreenProps {
  services: BookShelf;
  color: boolean;
  rows: number;
  columns: number;
  keybindings?: Keybindings;
  /** Back to the home screen. */
  onBack(): void;
  /** Ctrl+C twice, with nothing unsaved. */
  onQuit?(): void;
}

/** The book being worked on: a draft of it, changed in memory until saved. */
interface Opened {
  book: Lorebook;
  source: LorebookSource;
  /** Set for a card's own book: saving writes it into this card. */
  card?: CardBookOwner;
  dirty: boolean;
}

type BookTarget = Pick<LorebookSummary, "name" | "card">;

interface State {
  view: "books" | "opening" | "book" | "entry";
  opened: Opened | null;
  place: BookViewPlace;
  editing: number | null;
  /** The book being opened, then the one to select in the list when it shows again. */
  lastBook: BookTarget | undefined;
  notice: string | null;
}

const startPlace: BookViewPlace = { query: "", uid: null };

/** Lorebooks: the list of books, one book's entries, and one entry's editor. */
export function LorebooksScreen(props: LorebooksScreenProps) {
  const [quitNotice, setQuitNotice] = useState<string | null>(null);
  const armed = useRef(false);
  // Read at the key press from the views' live state: a change a moment ago counts.
  const dirty = useRef<() => boolean>(() => false);
  // Ctrl+C in any view, as on the other screens: twice quits, never over unsaved changes.
  const quitKey = (char: string, key: Key): boolean => {
    if (!(key.ctrl && char === "c")) {
      if (armed.current || quitNotice) {
        armed.current = false;
        setQuitNotice(null);
      }
      return false;
    }
    if (dirty.current()) setQuitNotice("Unsaved changes in this book: s saves them, or Esc then d discards them, before quitting");
    else if (armed.current) props.onQuit?.();
    else {
      armed.current = true;
      setQuitNotice("Press Ctrl+C again to quit");
    }
    return true;
  };
  return (
    <ScreenKeys intercept={quitKey}>
      <Box flexDirection="column">
        <LorebookViews {...props} rows={props.rows - (quitNotice ? 1 : 0)} dirtyProbe={dirty} />
        {quitNotice ? <Text color={props.color ? "yellow" : undefined} wrap="truncate-end">{quitNotice}</Text> : null}
      </Box>
    </ScreenKeys>
  );
}

function LorebookViews(props: LorebooksScreenProps & { dirtyProbe: { current: () => boolean } }) {
  const { services, color } = props;
  const [state, get, set] = useLiveState<State>(() => ({ view: "books", opened: null, place: startPlace, editing: null, lastBook: undefined, notice: null }));
  props.dirtyProbe.current = () => get().opened?.dirty ?? false;

  const openBook = (book: LorebookSummary) => set({ view: "opening", lastBook: { name: book.name, ...(book.card && { card: book.card }) }, notice: null });
  useEffect(() => {
    const target = state.lastBook;
    if (state.view !== "opening" || !target) return;
    let live = true;
    (target.card ? services.openCardBook(target.card.id) : services.open(target.name))
      .then((o) => live && set({ view: "book", opened: { book: o.book, source: o.source, ...(o.card && { card: o.card }), dirty: false }, place: startPlace }))
      .catch((error: Error) => live && set({ view: "books", notice: `Could not open the book: ${displayText(error.message)}` }));
    return () => void (live = false);
  }, [state.view, state.lastBook, services]);

  const changeBook = (change: (entries: LoreEntry[]) => LoreEntry[]) =>
    set((s) => (s.opened ? { opened: { ...s.opened, book: { ...s.opened.book, entries: change(s.opened.book.entries) }, dirty: true } } : {}));

  switch (state.view) {
    case "opening":
      return <Waiting text="Opening the book…" />;
    case "books":
      return (
        <BookList
          key="books"
          services={services}
          color={color}
          rows={props.rows}
          notice={state.notice}
          {...(state.lastBook !== undefined && { selectKey: bookKey(state.lastBook) })}
          onOpen={openBook}
          onBack={props.onBack}
        />
      );
    case "book": {
      const opened = state.opened!;
      return (
        <BookView
          key={`book-${opened.book.name}`}
          services={services}
          book={opened.book}
          source={opened.source}
          {...(opened.card && { card: opened.card })}
          dirty={opened.dirty}
          color={color}
          rows={props.rows}
          place={state.place}
          onEdit={(uid, place) => set({ view: "entry", editing: uid, place })}
          onAdd={(place) => {
            const uid = nextUid(get().opened?.book.entries ?? []);
            changeBook((entries) => [...entries, defaultEntry(uid)]);
            set({ view: "entry", editing: uid, place: { ...place, query: "", uid } });
          }}
          onDelete={(uid) => changeBook((entries) => entries.filter((e) => e.uid !== uid))}
          onSave={async () => {
            const o = get().opened;
            if (!o) return;
            if (o.card) {
              // A sample card's book is saved into the user's copy of the card, which is then the one open.
              const card = await services.saveCardBook(o.card.id, o.book, { asCopy: o.source === "sample" });
              return set((s) => (s.opened ? { opened: { ...s.opened, source: "user", card, dirty: false }, lastBook: { name: o.book.name, card } } : {}));
            }
            await services.save(o.book, { source: o.source, asCopy: o.source === "sample" });
            // Once saved, a sample's copy is the user's own book.
            set((s) => (s.opened ? { opened: { ...s.opened, source: "user", dirty: false } } : {}));
          }}
          onBack={() => set({ view: "books", opened: null, notice: null })}
        />
      );
    }
    case "entry": {
      const opened = state.opened!;
      const entry = opened.book.entries.find((e) => e.uid === state.editing);
      if (!entry) return <Waiting text="No such entry (Esc back)." onEscape={() => set({ view: "book" })} />;
      return (
        <EntryEditor
          key={`entry-${entry.uid}`}
          entry={entry}
          color={color}
          rows={props.rows}
          columns={props.columns}
          {...(props.keybindings && { keybindings: props.keybindings })}
          onChange={(next) => changeBook((entries) => entries.map((e) => (e.uid === next.uid ? next : e)))}
          onBack={() => set((s) => ({ view: "book", place: { ...s.place, uid: s.editing } }))}
        />
      );
    }
  }
}

/** A moment with nothing to do: keys are ignored until the next view shows. */
function Waiting({ text, onEscape }: { text: string; onEscape?: () => void }) {
  useScreenKeys((_char, key) => key.escape && onEscape?.());
  return <Text dimColor>{text}</Text>;
}

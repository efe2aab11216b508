import React, { useEffect } from "react";
import { plural } from "../../core/units/format.ts";
import { Box, Text } from "ink";
import { displayText } from "../../core/text/sanitize.ts";
import type { LorebookSummary } from "../../app/lore.ts";
import type { BookShelf } from "../app/tuiApp.ts";
import { SelectList } from "../components/SelectList.tsx";
import { moveSelection } from "../components/listWindow.ts";
import { editActions } from "../input/editKeys.ts";
import { emptyInput, inputReducer, type InputState } from "../input/inputReducer.ts";
import { InputView } from "../input/InputView.tsx";
import { useLiveState } from "../hooks/useLiveState.ts";
import { useScreenKeys } from "./screenKeys.tsx";

export interface BookListProps {
  services: BookShelf;
  color: boolean;
  rows: number;
  notice?: string | null;
  /** The book to select when the list loads (the one just left), as bookKey gives it. */
  selectKey?: string;
  onOpen(book: LorebookSummary): void;
  onBack(): void;
}

interface State {
  books: LorebookSummary[] | null;
  selected: number;
  /** The import prompt's text while it is open. */
  importing: InputState | null;
  busy: boolean;
  notice: string | null;
  error: string | null;
}

/** What tells books apart in the list: a card's book by its card, any other by its name. */
export function bookKey(b: Pick<LorebookSummary, "name" | "card">): string {
  return b.card ? `card:${b.card.id}` : `book:${b.name.toLowerCase()}`;
}

export function bookDetail(b: LorebookSummary): string {
  const count = `${b.entries} ${b.entries === 1 ? "entry" : "entries"}`;
  const owner = b.card ? ` · ${b.card.format.toUpperCase()} card` : b.characters.length ? ` · ${b.characters.map(displayText).join(", ")}` : "";
  return `${count} · ${b.source === "sample" ? "sample" : "yours"}${owner}`;
}

/** Every lorebook (the user's, the samples, the books inside cards); `i` imports one by path, Enter opens one. */
export function BookList(props: BookListProps) {
  const { services, color } = props;
  const [state, get, set] = useLiveState<State>(() => ({ books: null, selected: 0, importing: null, busy: false, notice: props.notice ?? null, error: null }));

  const load = (select?: string) =>
    services
      .list()
      .then((books) => {
        const at = select ? books.findIndex((b) => bookKey(b) === select) : -1;
        set((s) => ({ books, selected: at >= 0 ? at : Math.min(s.selected, Math.max(0, books.length - 1)) }));
      })
      .catch((error: Error) => set({ books: [], error: `Could not list the lorebooks: ${error.message}` }));

  useEffect(() => void load(props.selectKey), [services]);

  const runImport = (path: string) => {
    set({ busy: true, error: null, notice: null });
    services
      .importFile(path)
      .then(async (book) => {
        set({ busy: false, importing: null, notice: `${book.alreadyImported ? "Already imported" : "Imported"} "${displayText(book.name)}" (${plural(book.entries, "entry", "entries")})` });
        await load(bookKey(book));
      })
      .catch((error: Error) => set({ busy: false, error: `Could not import: ${displayText(error.message.split("\n")[0] ?? "")}` }));
  };

  useScreenKeys((char, key) => {
    const s = get();
    if (s.busy) return;
    if (s.importing) {
      if (key.escape) return set({ importing: null, error: null });
      if (key.return) {
        const path = s.importing.text.trim();
        if (path) runImport(path);
        return;
      }
      const actions = editActions(char, key);
      if (actions) set({ importing: actions.reduce(inputReducer, s.importing), error: null });
      return;
    }
    const count = s.books?.length ?? 0;
    if (key.escape) return props.onBack();
    if (key.upArrow) return set({ selected: moveSelection(count, s.selected, -1) });
    if (key.downArrow) return set({ selected: moveSelection(count, s.selected, 1) });
    if (key.pageUp) return set({ selected: moveSelection(count, s.selected, -10) });
    if (key.pageDown) return set({ selected: moveSelection(count, s.selected, 10) });
    if (char === "i") return set({ importing: emptyInput, error: null, notice: null });
    const book = s.books?.[s.selected];
    if (key.return && book) props.onOpen(book);
  });

  const listRows = Math.max(3, props.rows - (state.importing ? 8 : 5));
  return (
    <Box flexDirection="column">
      <Text bold color={color ? "magenta" : undefined}>Lorebooks</Text>
      {state.notice ? <Text color={color ? "yellow" : undefined}>{displayText(state.notice)}</Text> : null}
      {state.error ? <Text color={color ? "red" : undefined} wrap="truncate-end">{displayText(state.error)}</Text> : null}
      {state.books === null ? (
        <Text dimColor>Loading…</Text>
      ) : (
        <SelectList
          items={state.books.map((b) => ({ key: bookKey(b), label: displayText(b.name), detail: bookDetail(b) }))}
          selected={state.selected}
          height={listRows}
          color={color}
          empty="No lorebooks yet: press i to import one."
        />
      )}
      {state.importing ? (
        <Box flexDirection="column">
          <Text>{state.busy ? "Importing…" : "Import a lorebook (World Info JSON, character_book or card JSON) from:"}</Text>
          <InputView state={state.importing} color={color} busy={state.busy} />
          <Text dimColor>Enter import · Esc cancel</Text>
        </Box>
      ) : (
        <Text dimColor wrap="truncate-end">↑↓ select · Enter open · i import a file · Esc back</Text>
      )}
    </Box>
  );
}

import React, { useEffect, useRef } from "react";
import { useLiveState } from "../hooks/useLiveState.ts";
import { keyHintRows } from "../components/keyHints.ts";
import { Box, Text, useInput, type Key } from "ink";
import type { ChatTarget } from "../../app/chats/session.ts";
import type { TuiApp } from "../app/tuiApp.ts";
import { listWindow, moveSelection } from "../components/listWindow.ts";
import { useModelLoading } from "../app/useModelLoading.ts";
import { loadingLine } from "../models/modelLines.ts";
import { displayText } from "../../core/text/sanitize.ts";
import type { Flash } from "../app/flash.ts";
import { homeItems, type HomeItem } from "./homeItems.ts";
import { groupFormKey, groupFormLines, newGroupForm, type GroupForm } from "./groupForm.ts";
import { editAtEnd } from "../input/editAtEnd.ts";

/** A screen the home screen can open with one key. */
export interface HomeLink {
  key: string;
  label: string;
  open(): void;
}

export interface HomeScreenProps {
  app: TuiApp;
  color: boolean;
  rows: number;
  /** Terminal columns: the key hints wrap between hints to fit (80 when unknown). */
  columns?: number;
  notice?: string | null;
  /** A line that arrives while the screen is open (the start-up load's outcome); shown when it changes. */
  flash?: Flash | null;
  links: HomeLink[];
  onOpen(target: ChatTarget): void;
  onQuit(): void;
  now?: () => Date;
}

type Loaded = { items: HomeItem[]; error: null } | { items: null; error: string | null };

/** Besides the list: a new group being filled in or made, or a group's deletion being confirmed. */
type Mode = { name: "list" } | { name: "group"; form: GroupForm } | { name: "making"; form: GroupForm } | { name: "delete"; item: HomeItem };

/** Recent chats and characters: Enter resumes the latest chat, a digit opens any of the first nine. */
export function HomeScreen(props: HomeScreenProps) {
  const { app, color } = props;
  // One state object, read by the key handler as the keys before it left it.
  const [state, get, set] = useLiveState(() => ({ loaded: { items: null, error: null } as Loaded, selected: 0, notice: props.notice ?? null, reloads: 0, quitArmed: false, mode: { name: "list" } as Mode }));
  const { loaded, selected, notice, reloads, mode } = state;
  const setNotice = (text: string | null) => set({ notice: text });
  const restoring = useRef(false);
  const loading = useModelLoading(app.models);
  useEffect(() => {
    if (props.flash) set({ notice: displayText(props.flash.text) });
  }, [props.flash, set]);

  useEffect(() => {
    let live = true;
    // The trash only marks chats; a trash that cannot be read marks none.
    // Groups that cannot be read only leave the groups out.
    const groups = app.groups ? app.groups.list().then((g) => g.groups, () => []) : Promise.resolve([]);
    Promise.all([app.chats.list(), app.library.list(), app.library.trash().catch(() => []), groups])
      .then(([chats, characters, trashed, parties]) => live && set({ loaded: { items: homeItems(chats, characters.cards, props.now?.() ?? new Date(), trashed, parties), error: null } }))
      .catch((error: Error) => live && set({ loaded: { items: null, error: error.message } }));
    return () => void (live = false);
  }, [app, reloads, set]);

  const restore = (item: HomeItem) => {
    if (!item.deletedCard || restoring.current) return;
    restoring.current = true;
    app.library
      .restore(item.deletedCard)
      .then((card) => {
        setNotice(`Restored ${displayText(card.name)} from the trash: its chats are linked to it again`);
        set((s) => ({ reloads: s.reloads + 1 }));
      })
      .catch((error: Error) => setNotice(`Could not restore the card: ${displayText(error.message)}`))
      .finally(() => void (restoring.current = false));
  };

  const makeGroup = (form: GroupForm, wanted: { name: string; members: string[]; strategy: string }) => {
    if (!app.groups) return;
    set({ mode: { name: "making", form } });
    app.groups.create(wanted).then(
      (made) => {
        set({ mode: { name: "list" }, notice: `Made the group ${displayText(made.name)}: ${made.members.map((m) => displayText(m.name)).join(", ")}` });
        props.onOpen({ groupId: made.id });
      },
      (error: Error) => set({ mode: { name: "group", form: { ...form, problem: error.message.split("\n")[0]! } } }),
    );
  };

  const deleteGroup = (item: HomeItem) => {
    set({ mode: { name: "list" } });
    app.groups?.remove(item.target.groupId!).then(
      ({ group, chats }) => set((s) => ({ notice: `Deleted the group ${displayText(group.name)} and its ${chats} chat${chats === 1 ? "" : "s"} (to the trash)`, reloads: s.reloads + 1 })),
      (error: Error) => setNotice(`Could not delete the group: ${displayText(error.message.split("\n")[0]!)}`),
    );
  };

  /** Keys for the form or the confirmation; false when the list has them. */
  const modeKeys = (m: Mode, char: string, key: Key): boolean => {
    if (m.name === "making") return true;
    if (m.name === "delete") {
      if (char === "y") deleteGroup(m.item);
      else set({ mode: { name: "list" }, notice: "The group is kept" });
      return true;
    }
    if (m.name === "group") {
      const step = groupFormKey(m.form, char, key, (text) => editAtEnd(text, char, key));
      if ("cancel" in step) set({ mode: { name: "list" } });
      else if ("create" in step) makeGroup(m.form, step.create);
      else if (step.form !== m.form) set({ mode: { name: "group", form: step.form } });
      return true;
    }
    return false;
  };

  const items = loaded.items ?? [];
  useInput((char, key) => {
    const current = get();
    if (modeKeys(current.mode, char, key)) return;
    if (key.ctrl && char === "c") {
      if (current.quitArmed) return props.onQuit();
      return set({ quitArmed: true, notice: "Press Ctrl+C again to quit" });
    }
    if (current.quitArmed) set({ quitArmed: false });
    const items = current.loaded.items ?? [];
    const move = (delta: number) => set((s) => ({ selected: moveSelection(items.length, s.selected, delta) }));
    if (key.upArrow) return move(-1);
    if (key.downArrow) return move(1);
    if (key.pageUp) return move(-10);
    if (key.pageDown) return move(10);
    const item = items[current.selected];
    if (key.return && item) return props.onOpen(item.target);
    if (/^[1-9]$/.test(char)) {
      const picked = items[Number(char) - 1];
      if (picked) props.onOpen(picked.target);
      return;
    }
    if (char === "n" && item) return props.onOpen({ ...(item.target.groupId !== undefined ? { groupId: item.target.groupId } : { characterId: item.target.characterId }), fresh: true });
    if (char === "u" && item?.deletedCard) return restore(item);
    if (char === "g" && app.groups) return set({ mode: { name: "group", form: newGroupForm(item?.section === "characters" ? item.label : undefined) }, notice: null });
    if (char === "x" && item?.section === "groups") return set({ mode: { name: "delete", item } });
    if (char === "q") return props.onQuit();
    const link = props.links.find((l) => l.key === char);
    if (link) link.open();
  });

  const panel = modeLines(mode);
  const listRows = Math.max(3, props.rows - 7 - panel.length);
  const [start, end] = listWindow(items.length, selected, listRows);
  return (
    <Box flexDirection="column">
      <Text>
        <Text bold color={color ? "magenta" : undefined}>taproom</Text>
        <Text dimColor>{` · ${loading ? loadingLine(loading) : app.models.line()}`}</Text>
      </Text>
      {notice ? <Text color={color ? "yellow" : undefined}>{displayText(notice)}</Text> : null}
      {loaded.error ? <Text color={color ? "red" : undefined}>{`Could not read the library: ${loaded.error}`}</Text> : null}
      {panel.map((line, i) => (
        <Text key={`p${i}`} wrap="truncate-end" color={color && i === 0 ? "cyan" : undefined}>
          {line}
        </Text>
      ))}
      {loaded.items === null && !loaded.error ? <Text dimColor>Loading…</Text> : null}
      {loaded.items?.length === 0 ? <Text>No characters yet: press c to import a card.</Text> : null}
      {items.slice(start, end).map((item, i) => {
        const index = start + i;
        const header = index === start || items[index - 1]?.section !== item.section;
        return (
          <Box key={item.key} flexDirection="column">
            {header ? <Text bold>{item.section === "chats" ? "Recent chats" : item.section === "groups" ? "Groups" : "Characters"}</Text> : null}
            <HomeRow item={item} index={index} active={index === selected} color={color} />
          </Box>
        );
      })}
      {/* Wrapped, never cut: a narrow terminal must still show how to leave. The layout keeps a row free for it. */}
      <Text dimColor wrap="wrap">
        {mode.name === "group"
          ? "Tab/↑↓ field · ←→ who replies · Enter makes the group and opens its chat · Esc cancels"
          : keyHintRows(["↑↓ Enter open", "1-9", "n new", ...(app.groups ? ["g group"] : []), ...(items[selected]?.section === "groups" ? ["x delete"] : []), ...props.links.map((l) => `${l.key} ${l.label}`), "q quit"], props.columns ?? 80)}
      </Text>
    </Box>
  );
}

function modeLines(mode: Mode): string[] {
  switch (mode.name) {
    case "list":
      return [];
    case "group":
      return groupFormLines(mode.form);
    case "making":
      return [`Making the group ${displayText(mode.form.name.trim())}…`];
    case "delete":
      return [`Delete the group ${mode.item.label} and its chats? They go to the trash. y deletes, any other key keeps it.`];
  }
}

function HomeRow({ item, index, active, color }: { item: HomeItem; index: number; active: boolean; color: boolean }) {
  const number = index < 9 ? `${index + 1}` : " ";
  return (
    <Text wrap="truncate-end" bold={active} inverse={active && !color} color={active && color ? "cyan" : undefined}>
      {`${active ? "›" : " "} ${number} ${item.label}`}
      {item.detail ? <Text dimColor>{`  ${item.detail}`}</Text> : null}
    </Text>
  );
}

import React, { useCallback, useEffect, useRef, useState } from "react";
import type { CurrentModel } from "../../app/models.ts";
import type { RemoteModel } from "../../app/backends.ts";
import type { ChatSession, ChatTarget } from "../../app/chats/session.ts";
import type { TuiApp } from "./tuiApp.ts";
import type { Flash } from "./flash.ts";
import { Text } from "ink";
import type { Keybindings } from "./keybindings.ts";
import { useTerminalSize, type SizedStream } from "./useTerminalSize.ts";
import { ChatScreen } from "../chat/ChatScreen.tsx";
import { HomeScreen, type HomeLink } from "../home/HomeScreen.tsx";
import { ModelsScreen } from "../models/ModelsScreen.tsx";
import { usePrintLog } from "./PrintLog.tsx";
import { CharactersScreen } from "../characters/CharactersScreen.tsx";
import type { CharacterChoice } from "../commands/command.ts";
import { LorebooksScreen } from "../lorebooks/LorebooksScreen.tsx";

/** Where the app is: one screen at a time; the chat screen holds an open chat. */
export type Screen = { name: "home" } | { name: "characters" } | { name: "lorebooks" } | { name: "models" } | { name: "opening"; target: ChatTarget } | { name: "chat"; session: ChatSession };

export interface AppProps {
  /** The application's services (src/app): the real ones, or small in-memory ones in tests. */
  app: TuiApp;
  /** Opens text in $VISUAL/$EDITOR and returns it as saved there. */
  editExternally(text: string): Promise<string>;
  stdout: SizedStream;
  color: boolean;
  keybindings: Keybindings;
  /** The chat to open at start (--character); else home, or the model screen while no model is loaded or loading. */
  start?: ChatTarget | null;
  /** Shown once on the first screen (the model that loaded, or why none did). */
  notice?: string | null;
  /** The model load started with the app (--model), drawn behind it: its outcome is shown on the screen then open. */
  startLoad?: Promise<CurrentModel> | null;
  /** The connection to the server remembered from last time, made behind the first frame: its outcome is shown like a load's. */
  startConnect?: Promise<RemoteModel> | null;
  /** A notice that takes a moment to work out (it probes the machine): shown on the screen then open once it is ready. */
  startNotice?: Promise<string> | null;
  onQuit(): void;
}

/** The app shell: follows the terminal's size and shows one screen at a time. */
export function App(props: AppProps) {
  const { app, color } = props;
  const { rows, columns } = useTerminalSize(props.stdout);
  const [screen, setScreen] = useState<Screen>(() =>
    props.start ? { name: "opening", target: props.start } : app.models.current() || app.models.loading() || app.backends.current() || props.startConnect ? { name: "home" } : { name: "models" },
  );
  const [notice, setNotice] = useState(props.notice ?? null);
  const [flash, setFlash] = useState<Flash | null>(null);
  const screenName = useRef(screen.name);
  screenName.current = screen.name;

  useEffect(() => {
    let live = true;
    const show = (text: string) => live && setFlash((f) => ({ id: (f?.id ?? 0) + 1, text }));
    props.startLoad?.then(
      (model) => show(`${model.name}: ${model.reasons.join("; ")}`),
      (error: Error) => show(error.message.split("\n")[0]!),
    );
    props.startNotice?.then(show, () => {});
    props.startConnect?.then(
      (remote) => show(`Connected: ${remote.notes.join("; ")}`),
      (error: Error) => show(`Could not connect to the server used last time: ${error.message.split("\n")[0]} (m: the model screen connects again or loads a local model)`),
    );
    return () => void (live = false);
  }, [props.startLoad, props.startNotice, props.startConnect]);

  const log = usePrintLog();
  // Each screen starts on a clean terminal, before it prints anything of its own.
  const go = useCallback((next: Screen) => {
    log.reset();
    // A flash is kept for the next screen only where the open one could not show it.
    if (screenName.current !== "characters" && screenName.current !== "lorebooks") setFlash(null);
    setScreen(next);
  }, [log]);
  const openChat = useCallback((target: ChatTarget) => go({ name: "opening", target }), [go]);
  const goHome = useCallback(() => go({ name: "home" }), [go]);
  // The notice belonged to the screen being left.
  const backHome = () => {
    setNotice(null);
    goHome();
  };

  useEffect(() => {
    if (screen.name !== "opening") return;
    let live = true;
    app.chats
      .open(screen.target)
      .then((session) => (live ? setScreen({ name: "chat", session }) : void session.close()))
      .catch((error: Error) => {
        if (!live) return;
        setNotice(`Could not open the chat: ${error.message}`);
        goHome();
      });
    return () => void (live = false);
  }, [screen, app, goHome]);

  // Leaving a chat closes its session: a reply still being stopped is saved before the chat reopens.
  useEffect(() => {
    if (screen.name !== "chat") return;
    const { session } = screen;
    return () => void session.close().catch(() => {});
  }, [screen]);

  // The names /char can switch to, read again whenever a chat opens.
  const [characters, setCharacters] = useState<CharacterChoice[]>([]);
  useEffect(() => {
    if (screen.name !== "chat") return;
    let live = true;
    app.library
      .list()
      .then(({ cards }) => live && setCharacters(cards.map((c) => ({ id: c.id, name: c.name }))))
      .catch(() => {});
    return () => void (live = false);
  }, [screen.name, app]);

  const links: HomeLink[] = [
    { key: "c", label: "characters", open: () => go({ name: "characters" }) },
    { key: "l", label: "lorebooks", open: () => go({ name: "lorebooks" }) },
    { key: "m", label: "models", open: () => go({ name: "models" }) },
  ];

  switch (screen.name) {
    case "opening":
      return <Text dimColor>Opening the chat…</Text>;
    case "models":
      return (
        <ModelsScreen
          services={app.models}
          backends={app.backends}
          color={color}
          rows={rows}
          columns={columns}
          notice={notice}
          flash={flash}
          onBack={backHome}
          onQuit={props.onQuit}
        />
      );
    case "home":
      return <HomeScreen app={app} color={color} rows={rows} columns={columns} notice={notice} flash={flash} links={links} onOpen={openChat} onQuit={props.onQuit} />;
    case "characters":
      return (
        <CharactersScreen
          cards={app.library}
          color={color}
          rows={rows}
          columns={columns}
          keybindings={props.keybindings}
          onOpenChat={openChat}
          onBack={backHome}
          onQuit={props.onQuit}
        />
      );
    case "lorebooks":
      return <LorebooksScreen services={app.lore} color={color} rows={rows} columns={columns} keybindings={props.keybindings} onBack={backHome} onQuit={props.onQuit} />;
    case "chat": {
      const { session } = screen;
      const first = notice;
      return (
        <ChatScreen
          key={session.chat().id}
          session={session}
          models={app.models}
          editExternally={props.editExternally}
          initialNotice={[first, session.notice].filter(Boolean).join(" · ") || null}
          flash={flash}
          color={color}
          rows={rows}
          columns={columns}
          keybindings={props.keybindings}
          characters={characters}
          onOpenCharacter={(characterId) => openChat({ characterId })}
          onQuit={props.onQuit}
          onOpenChat={(target, message) => {
            setNotice(message ?? null);
            openChat(target);
          }}
          onLeave={backHome}
        />
      );
    }
  }
}

import React from "react";
import type { ChatMessage } from "../../core/chat/types.ts";
import type { SamplerSettings } from "../../core/samplers/types.ts";
import type { AppServices } from "./services.ts";
import type { Keybindings } from "./keybindings.ts";
import { useTerminalSize, type SizedStream } from "./useTerminalSize.ts";
import { ChatScreen } from "../chat/ChatScreen.tsx";

export interface AppProps {
  services: AppServices;
  stdout: SizedStream;
  color: boolean;
  characterName: string;
  personaName: string;
  initialMessages?: ChatMessage[];
  notice?: string | null;
  samplers: SamplerSettings;
  keybindings: Keybindings;
  onQuit(messages: ChatMessage[]): void;
}

/** The app shell: follows the terminal's size and hosts the chat screen. */
export function App(props: AppProps) {
  const { rows } = useTerminalSize(props.stdout);
  return (
    <ChatScreen
      services={props.services}
      characterName={props.characterName}
      personaName={props.personaName}
      initialMessages={props.initialMessages ?? []}
      initialNotice={props.notice ?? null}
      initialSamplers={props.samplers}
      color={props.color}
      rows={rows}
      keybindings={props.keybindings}
      onQuit={props.onQuit}
    />
  );
}

import React from "react";
import type { SamplerSettings } from "../../core/samplers/types.ts";
import type { ChatSession } from "../../app/chats/session.ts";
import type { ModelService } from "../../app/models.ts";
import type { Keybindings } from "../app/keybindings.ts";
import { HelpOverlay } from "../app/HelpOverlay.tsx";
import { slashCommands } from "../commands/index.ts";
import { TurnPanel, type TurnPanelView } from "../panels/TurnPanel.tsx";
import { LorePanel } from "../panels/LorePanel.tsx";
import { ModelPanel } from "../panels/ModelPanel.tsx";
import { SamplerPanel } from "../panels/SamplerPanel.tsx";
import { MembersPanel } from "../panels/MembersPanel.tsx";
import type { GroupInfo } from "../../app/groups/groupChats.ts";
import type { ChatPanel } from "./keys/panelKeys.ts";

export interface ChatPanelsProps {
  panel: ChatPanel | null;
  session: Pick<ChatSession, "lastTurn">;
  models: Pick<ModelService, "details">;
  bindings: Keybindings;
  /** Lines the panel may take. */
  room: number;
  /** Terminal columns: the help narrows to fit. */
  columns?: number;
  color: boolean;
  samplers: SamplerSettings;
  samplerRow: number;
  presetName: string | null;
  /** Changes when the model panel should read the model's details again. */
  refresh: string;
  /** The prompt panel's view, scroll offset and text width. */
  turn?: { view: TurnPanelView; offset: number; width: number };
  /** A group chat's members (the members panel), and the one picked. */
  group?: GroupInfo | null;
  memberRow?: number;
}

/** The one panel or overlay open over the chat, if any. */
export function ChatPanels(props: ChatPanelsProps) {
  const { panel, session, models, room, color } = props;
  switch (panel) {
    case "help":
      return <HelpOverlay bindings={props.bindings} commands={slashCommands} {...(props.columns !== undefined && { columns: props.columns })} />;
    case "turn":
      return <TurnPanel report={session.lastTurn()} maxLines={room} color={color} {...props.turn} />;
    case "lore":
      return <LorePanel report={session.lastTurn()} maxLines={room} color={color} width={Math.max(10, (props.columns ?? 80) - 4)} />;
    case "model":
      return <ModelPanel details={models.details} turn={session.lastTurn()} refresh={props.refresh} color={color} />;
    case "members":
      return props.group ? <MembersPanel group={props.group} selected={props.memberRow ?? 0} maxLines={room} color={color} /> : null;
    case "samplers":
      return <SamplerPanel samplers={props.samplers} selected={props.samplerRow} preset={props.presetName} maxLines={room} color={color} />;
    default:
      return null;
  }
}

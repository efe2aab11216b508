/**
 * What the app's screens need from the layers below, beyond one open chat: the library,
 * recent chats, and opening a chat. createAppServices() implements it on the real
 * layers; screen tests pass small in-memory implementations.
 */
import type { ChatMessage } from "../../core/chat/types.ts";
import type { SamplerSettings } from "../../core/samplers/types.ts";
import type { CardSummary } from "../../store/cards/library.ts";
import type { ChatIndexEntry } from "../../store/chats/chatStore.ts";
import type { CardServices } from "./cardServices.ts";
import type { ChatServices } from "./services.ts";
import type { LorebookServices } from "./lorebookServices.ts";
import type { ModelServices } from "./modelServices.ts";

/** Which chat to open: a saved one by id, or the character's latest (a new one when `fresh`). */
export interface ChatTarget {
  characterId: string;
  chatId?: string;
  fresh?: boolean;
  /** For a new chat: which greeting opens it (0 = first message; see chatGreetings). */
  greetingIndex?: number;
}

/** An open chat: what the chat screen starts from, and its services. */
export interface OpenedChat {
  chatId: string;
  chatTitle: string;
  characterId: string;
  characterName: string;
  personaName: string;
  initialMessages: ChatMessage[];
  /** Text typed in this chat last time and not sent: it goes back in the input. */
  draft?: string;
  samplers: SamplerSettings;
  /** The sampler preset the chat uses, if one was picked. */
  presetName?: string | null;
  /** Shown when the chat opens: a lorebook that is missing, a save that failed... */
  notice: string | null;
  services: ChatServices;
}

export interface AppServices {
  /** Saved chats, most recently used first. */
  recentChats(): Promise<ChatIndexEntry[]>;
  /** The user's cards and the bundled samples. */
  characters(): Promise<CardSummary[]>;
  /** Opens a chat; the one open before it is saved and closed first. */
  openChat(target: ChatTarget): Promise<OpenedChat>;
  /** One line on the loaded model, or what to do without one. */
  modelLine(): string;
  /** The card library: browse, import, edit, delete. */
  cards: CardServices;
  /** The lorebook library: browse, import, edit and save books. */
  lorebooks: LorebookServices;
  /** The machine, the model library, loading and downloading. */
  models: ModelServices;
}

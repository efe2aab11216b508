/**
 * The chat as taproom keeps it: the contract shared by chat operations (core/chat),
 * prompt building (core/prompt), storage (store) and the UI. Field names stay close to
 * SillyTavern's JSONL so import/export is a mapping, not a translation.
 */
import type { SamplerSettings } from "../samplers/types.ts";

export type MessageRole = "user" | "assistant" | "system";

/** How one swipe (one candidate text of a message) was produced. */
export interface GenerationInfo {
  model?: string;
  startedAt?: string;
  finishedAt?: string;
  tokens?: number;
  tokensPerSecond?: number;
  stopReason?: "eos" | "stop-string" | "max-tokens" | "abort" | "error";
  samplers?: Partial<SamplerSettings>;
}

/**
 * What the model thought before it replied (SillyTavern's extra.reasoning*): kept apart
 * from the reply text, which never contains it.
 */
export interface Reasoning {
  /** Without its markers, trimmed; "" once deleted. */
  text: string;
  /** From the start of generation to the end of the reasoning; null when unknown. */
  durationMs?: number | null;
  /** "model" (the backend gave it apart), "parsed" (split out of the text), "manual" (added by a person), "edited". */
  type?: "model" | "parsed" | "manual" | "edited";
  /** Shown instead of `text` when present (a translation, say). */
  displayText?: string;
  /** A provider's signature (Claude, Gemini); kept, never made here. */
  signature?: string;
}

export interface Swipe {
  text: string;
  /** ISO time for messages made here; imported chats keep SillyTavern's own date text. */
  sentAt: string;
  generation?: GenerationInfo;
  /** This swipe's reasoning: each swipe has its own. */
  reasoning?: Reasoning;
  /** Keys from imported data this program does not know, kept for export. */
  extra?: Record<string, unknown>;
}

export interface ChatMessage {
  id: string;
  role: MessageRole;
  /** Display name at the time of sending (character or persona name). */
  name: string;
  swipes: Swipe[];
  /** Index into swipes of the text currently shown and used in prompts. */
  swipeIndex: number;
  /** A hidden message stays in the chat but is left out of prompts. */
  hidden?: boolean;
  /**
   * The chat's running summary as it stood when this message held it (SillyTavern's
   * extra.memory): the newest one before the last message is the summary in use.
   */
  memory?: string;
  extra?: Record<string, unknown>;
}

export interface AuthorsNote {
  text: string;
  /** Messages from the end at which the note is inserted. */
  depth: number;
  /** Insert every N user turns; 1 = always, 0 = never. */
  frequency: number;
  role: MessageRole;
}

export interface ChatSettings {
  samplers?: Partial<SamplerSettings>;
  presetName?: string;
  authorsNote?: AuthorsNote;
  /** Names of lorebooks attached to this chat, besides global and character books. */
  lorebooks?: string[];
  instructTemplate?: string;
  /** `Name: ` before each message in the prompt; unset follows the template (on). */
  names?: boolean;
  personaName?: string;
  /**
   * SillyTavern's scenario override (chat_metadata.scenario): replaces the card's scenario
   * in this chat; in a group, every member's.
   */
  scenario?: string;
}

export interface Chat {
  id: string;
  title: string;
  /** Library id or file of the character this chat is with. */
  characterId: string;
  characterName: string;
  createdAt: string;
  updatedAt: string;
  messages: ChatMessage[];
  settings: ChatSettings;
  /** Lorebook timed effects (sticky, cooldown, delay), owned by core/lorebook. */
  loreState?: unknown;
  /**
   * Id of the first history message the last prompt kept after trimming: the next prompt
   * holds that boundary while it can, so the model's cached prefix stays valid.
   */
  keptFrom?: string;
  /** Values set by {{setvar}} and the seed for {{pick}}. */
  variables: Record<string, string>;
  /** Chat metadata from imported files, kept for export. */
  extra?: Record<string, unknown>;
  /** Text waiting in the user's input box (an impersonation lands here, unsent). */
  draft?: string;
  /** The group this chat belongs to (core/group); absent for a chat with one character. */
  groupId?: string;
}

import type { Character } from "../cards/character.ts";
import type { AuthorsNote, ChatMessage } from "../chat/types.ts";
import type { LoreInsertion, PromptRole } from "../lorebook/insertion.ts";
import type { ReasoningSettings } from "../reasoning/templates.ts";
import type { RegexFinder } from "../regexScripts/finder.ts";
import type { RegexScript } from "../regexScripts/script.ts";
import type { InstructTemplate } from "./templates.ts";

export type SectionKind =
  | "system"
  | "card"
  | "examples"
  | "lore"
  | "history"
  | "authors_note"
  | "post_history"
  | "reply_prefix"
  /** The chat's running summary (long-term memory). */
  | "memory"
  /** An instruction at the very end for a background request (the summary's). */
  | "quiet_prompt";

/** One piece of the prompt, for the prompt inspector. The texts concatenate to the prompt. */
export interface PromptSection {
  kind: SectionKind;
  /** Which part, in words: "description", "lore before_char", "message 12 (user)". */
  label: string;
  text: string;
  tokens: number;
  /** The chat message a history section shows (for explaining what changed between prompts). */
  messageId?: string;
}

/** Counts tokens with the model's tokenizer (or an approximation). */
export type CountTokens = (text: string) => number;

export interface Persona {
  name: string;
  description: string;
}

export type PromptMode = "reply" | "continue" | "impersonate";

export interface PromptSettings {
  template: InstructTemplate;
  contextSize: number;
  /** The model's trained context: when the prompt does not fit, advice never asks for a context past it. */
  contextLimit?: number;
  /** Tokens kept free for the reply. */
  responseTokens: number;
  /** The user's own system prompt (the card's may replace it, with {{original}}). */
  systemPrompt?: string;
  /** The user's own post-history instructions. */
  postHistoryInstructions?: string;
  /** Use the user's prompts even when the card has its own. */
  preferUserPrompts?: boolean;
  /** Keep example messages even when history must be trimmed. */
  pinExamples?: boolean;
  /**
   * When history must be trimmed, this share of its budget is freed at once, so the
   * start of the prompt stays the same for many turns (what keeps llama.cpp's KV cache
   * warm). 0 trims one message at a time. Default 0.3.
   */
  trimFreeFraction?: number;
  /**
   * Tokens kept free for at-depth lore and the author's note, so their coming and going
   * does not move the trimming point. Default: steps of 10% of the budget, when lore or
   * a note is given.
   */
  insertionReserve?: number;
}

/** A character's note (SillyTavern's depth prompt): text injected at a depth in the history. */
export interface CharacterNote {
  text: string;
  depth: number;
  role: PromptRole;
}

/** A group's card fields joined from every member's (core/group/cards.ts), already expanded: used as they are. */
export interface JoinedCardFields {
  description: string;
  personality: string;
  scenario: string;
  mesExamples: string;
}

/**
 * A group chat's turn (SillyTavern's selected_group): every other member's line is named
 * and stops the reply, `{{group}}` lists the members, and in join modes the card fields
 * and character notes come from all of them. `character` is the member speaking.
 */
export interface GroupPromptContext {
  /** Every member's name in list order, muted ones too ({{group}}, stop strings). */
  members: string[];
  /** The members not muted ({{groupNotMuted}}). */
  unmuted: string[];
  joined?: JoinedCardFields;
  /** Join modes: the members' character notes instead of the speaker's own. */
  characterNotes?: CharacterNote[];
}
/**
 * A block an extension puts into the prompt (SillyTavern's setExtensionPrompt): before or
 * after the story string, or into the history at a depth. Blocks at one place go in the
 * order of their keys ("1_memory" before "2_floating_prompt").
 */
export interface ExtensionPrompt {
  key: string;
  text: string;
  position: "before_story" | "after_story" | "in_chat";
  /** For in_chat: messages from the end. */
  depth: number;
  role: PromptRole;
  kind: SectionKind;
  label: string;
}

/** Regex scripts that change the prompt (prompt-only ones), with where they are matched. */
export interface PromptRegex {
  scripts: readonly RegexScript[];
  finder: RegexFinder;
  report?: (script: RegexScript, problem: string) => void;
}

export type PromptReasoningSettings = Pick<ReasoningSettings, "add_to_prompts" | "max_additions" | "prefix" | "suffix" | "separator">;

export interface BuildPromptInput {
  character: Character;
  persona: Persona;
  /** The chat history to show the model, oldest first. Hidden messages are skipped. */
  messages: ChatMessage[];
  chatId: string;
  /** {{setvar}} values; a copy is returned updated. */
  variables?: Record<string, string>;
  lore?: LoreInsertion[];
  authorsNote?: AuthorsNote;
  /**
   * Id of the first history message the chat's previous prompt kept: trimming holds that
   * boundary while the history from it fits (see budget.ts), so the prompt's start stays put.
   */
  keptFrom?: string;
  /** "continue" extends the last message; "impersonate" writes the user's next one. */
  mode?: PromptMode;
  /** Set for a group chat's turn. */
  group?: GroupPromptContext;
  /** Prompt-only regex scripts, run on the history, lore and reasoning as they go in. */
  regex?: PromptRegex;
  /** Stored reasoning put back into the prompt (off unless add_to_prompts; a continued message always carries its own). */
  reasoning?: PromptReasoningSettings;
  /** Blocks from extensions: the chat's summary. */
  extensionPrompts?: ExtensionPrompt[];
  /**
   * A background instruction at the very end, answered by a neutral voice (SillyTavern's
   * quiet prompt, as the summary request uses it); with mode "reply" only.
   */
  quietPrompt?: string;
  settings: PromptSettings;
  countTokens: CountTokens;
  now?: () => Date;
  random?: () => number;
  timeZone?: string;
}

export interface BuiltPrompt {
  sections: PromptSection[];
  text: string;
  /** Strings that end the reply (besides the model's end-of-generation token). */
  stops: string[];
  /** Token count of the whole text, counted once. */
  tokens: number;
  /** Tokens available to the prompt: context size minus response length. */
  budget: number;
  /** How many history messages were trimmed from the start. */
  droppedMessages: number;
  /** Id of the first history message kept: the next turn's `keptFrom`. */
  firstKeptMessageId?: string;
  examplesIncluded: boolean;
  /** The card has example messages, but they gave way to history (SillyTavern's rule). */
  examplesDropped: boolean;
  variables: Record<string, string>;
  /** The continued message's reasoning block was left open: the prompt ends inside it, holding this reasoning. */
  openReasoning?: string;
}

export class PromptBudgetError extends Error {
  /** Tokens the prompt needs without history, and the tokens the context leaves for it; undefined when no reply fits at all. */
  readonly need: { tokens: number; budget: number } | undefined;
  constructor(message: string, need?: { tokens: number; budget: number }) {
    super(message);
    this.name = "PromptBudgetError";
    this.need = need;
  }
}

/**
 * What the chat screen needs from the layers below for one open chat. The real layers implement it in
 * createServices(); tests pass small in-memory implementations.
 */
import type { ChatMessage } from "../../core/chat/types.ts";
import type { SamplerPreset } from "../../core/samplers/presets.ts";
import type { SamplerSettings } from "../../core/samplers/types.ts";
import type { TurnMode } from "../../core/prompt/turn.ts";
import type { ChatTarget } from "./appServices.ts";
import type { CurrentModel, ModelDetails, ModelLoadWatch } from "./modelServices.ts";
import type { ReuseExplanation } from "../../core/promptCache/explain.ts";

export interface GenerateRequest {
  /** What to generate (core/prompt's turn modes): the real layer builds history with historyForTurn. */
  mode: TurnMode;
  /** The whole chat as shown; for a swipe, without the reply being replaced. */
  messages: ChatMessage[];
  characterName: string;
  samplers: SamplerSettings;
  signal: AbortSignal;
  /** Called with the whole generated text so far (not a delta), so the UI sanitizes whole text. */
  onText(text: string): void;
}

export interface GenerateResult {
  text: string;
  stopReason: "eos" | "stop-string" | "max-tokens" | "abort" | "error";
  tokens: number;
  tokensPerSecond: number;
}

export interface ModelStatus {
  model: string | null;
  backend: string;
  contextUsed: number;
  contextSize: number;
}

/** What the last turn sent and why: the model, prompt and lore panel. */
export interface TurnReport {
  template: string;
  promptTokens: number;
  /** Prompt tokens llama.cpp really evaluated; the rest came from the KV cache. */
  evaluatedTokens: number;
  /** Milliseconds spent evaluating the prompt (to the first reply token). */
  promptMs?: number;
  tokensPerSecond?: number;
  /** Each section of the prompt as sent (its text, when the report carries it). */
  sections: Array<{ kind: string; label: string; tokens: number; text?: string }>;
  /** What gave way to fit the prompt's budget. */
  fit?: { budget: number; droppedMessages: number; examplesDropped: boolean };
  lore: Array<{ title: string; fired: boolean; outcome: string; detail: string; tokens: number | null }>;
  /** Why the model was loaded as it was (the planner's words). */
  plan: string[];
  /** What the KV cache reused, what was evaluated, and why evaluation began where it did. */
  reuse?: ReuseExplanation;
}

export interface ChatLorebooks {
  /** Attached to this chat (ChatSettings.lorebooks). */
  attached: string[];
  /** Every book the next turn scans: the card's own, its world book, the attached ones. */
  inUse: string[];
  /** Names of the books in the library (the user's and the samples). */
  available: string[];
}

export interface ChatServices {
  generate(request: GenerateRequest): Promise<GenerateResult>;
  modelStatus(): ModelStatus;
  /** A model load in progress: the status line shows it, and generate() waits for it. */
  modelLoad?: ModelLoadWatch;
  /** Called whenever the finished conversation changes, so it is saved at once. */
  saveMessages?(messages: ChatMessage[]): void;
  /** Calls back with the reason whenever a save of this chat fails; returns the unsubscribe. */
  onSaveError?(listener: (message: string) => void): () => void;
  /** The text typed and not sent, saved as the chat's draft; blank text clears it. */
  saveDraft?(text: string): void;
  /** The last turn's prompt and lore, or null before the first reply. */
  lastTurn?(): TurnReport | null;
  /** The loaded model's live figures for the model panel; null without a model. */
  modelDetails?(): Promise<ModelDetails | null>;
  /** The library's usable models by name, for /model and its completion. */
  libraryModels?(): Promise<Array<{ name: string; path: string }>>;
  /** Loads a model in place of the current one (for /model); rejects with a one-line reason. */
  loadModel?(path: string): Promise<CurrentModel>;
  /** Sets (or, with empty text, removes) the chat's author's note, saved with the chat. */
  setAuthorsNote?(text: string): void;
  presets?(): SamplerPreset[];
  /** Records the preset the chat uses, saved with the chat. */
  setPreset?(name: string): void;
  /** The chat's lorebooks: attached to it, in use by the next turn (with the character's), and in the library. */
  lorebooks?(): ChatLorebooks;
  /**
   * Attaches exactly these books to the chat (saved with it) and reloads the books the
   * next turn uses; resolves with the problems found loading them (none when all load).
   */
  setLorebooks?(names: string[]): Promise<string[]>;
  /** Merges sampler changes into the chat's own overrides, saved with the chat. */
  setSamplerOverrides?(change: Partial<SamplerSettings>): void;
  /** The persona the chat speaks as from now on, saved with the chat; returns the name used. */
  setPersona?(name: string): string;
  /** Names of the personas in the settings file (for completion). */
  personas?(): string[];
  /** The chat's instruct template (null: the model's own) and name-prefix choice. */
  instructTemplate?(): { name: string | null; names: boolean | undefined };
  /** Saves the chat's instruct template ("auto" for the model's own); throws UnknownTemplateError. */
  setInstructTemplate?(name: string): string | null;
  setNamesInPrompt?(names: boolean | undefined): void;
  /**
   * A new saved chat holding the messages up to and including this index (of the
   * messages last saved); the original stays. Returns how to open it.
   */
  branch?(messageIndex: number): Promise<ChatTarget>;
  /** Writes the chat as SillyTavern JSONL (to `path`, else the exports folder); returns the file. */
  exportChat?(path?: string): Promise<string>;
  /** Opens text in $VISUAL/$EDITOR and returns it as saved there. */
  editExternally?(text: string): Promise<string>;
}

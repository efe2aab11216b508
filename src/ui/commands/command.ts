import type { SamplerPreset } from "../../core/samplers/presets.ts";
import type { SamplerSettings } from "../../core/samplers/types.ts";

/** What a slash command may do to the chat screen. */
export interface CommandContext {
  setSamplers(change: Partial<SamplerSettings>): void;
  notify(message: string): void;
  swipe(): void;
  continueReply(): void;
  impersonate(): void;
  setPersona(name: string): void;
  /** The chat's author's note; empty text removes it. */
  setAuthorsNote(text: string): void;
  /** Sampler presets the user can pick: shipped ones and their own. */
  presets(): SamplerPreset[];
  /** Records the chosen preset with the chat. */
  choosePreset(name: string): void;
  listCommands(): SlashCommand[];
  /** The characters of the library, for /char. */
  characters(): CharacterChoice[];
  /** Leaves this chat (saved) for the character's latest chat. */
  openCharacter(characterId: string): void;
  /** The chat's lorebooks: attached to it, in use (the character's too), in the library. */
  lorebooks(): { attached: string[]; inUse: string[]; available: string[] };
  /** Attaches exactly these books to the chat; the next turn uses them. */
  setLorebooks(names: string[]): void;
  /** A new chat from the last message; it opens at once. */
  branch(): void;
  /** Writes the chat as SillyTavern JSONL (to `path`, else the exports folder) and says where. */
  exportChat(path: string | null): void;
  /** Names of the saved personas. */
  personaNames(): string[];
  /** Names of the models in the library (for /model and its completion). */
  modelNames(): string[];
  /** Loads the library model of that exact name in place of the current one. */
  loadModel(name: string): void;
  /** The chat's instruct template (null: the model's own) and its name-prefix choice. */
  template(): { name: string | null; names: boolean | undefined };
  /** Sets the chat's instruct template ("auto" for the model's own); the canonical name, or null. */
  setTemplate(name: string): string | null;
  /** `Name: ` prefixes in this chat's prompt on or off; undefined follows the template. */
  setNames(names: boolean | undefined): void;
  /** A group chat's members in list order (muted ones marked); null in a chat with one character. */
  members(): { name: string; muted: boolean }[] | null;
  /** A group chat: the member (a name, or its start) replies now, muted or not. */
  speak(member: string): void;
  /** The chat's summary in use ("" when none). */
  summary(): string;
  /** Replaces the summary with the person's text; empty text clears it from the prompt. */
  setSummary(text: string): void;
  /** Writes the summary now with the loaded model, and says what it wrote. */
  summarize(): void;
  /** The card's own regex scripts: how many, and whether they run. */
  cardScripts(): { count: number; state: "none" | "allowed" | "ask" | "declined" };
  /** Lets the card's scripts run (or keeps them off), remembered for the card. */
  answerCardScripts(allow: boolean): void;
}

export interface CharacterChoice {
  id: string;
  name: string;
}

export interface SlashCommand {
  name: string;
  description: string;
  usage: string;
  action(args: string, ctx: CommandContext): void;
  /** Completions for the arguments typed so far: whole argument strings. */
  complete?(args: string, ctx: CommandContext): string[];
}

export class CommandArgumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CommandArgumentError";
  }
}

/** A number within [min, max], or a one-line reason naming the command. */
export function parseBounded(command: string, raw: string, min: number, max: number, integer = false): number {
  const value = Number(raw.trim());
  if (raw.trim() === "" || !Number.isFinite(value)) throw new CommandArgumentError(`/${command} needs a number, got "${raw.trim()}"`);
  if (value < min || value > max) throw new CommandArgumentError(`/${command} must be between ${min} and ${max}, got ${value}`);
  if (integer && !Number.isInteger(value)) throw new CommandArgumentError(`/${command} must be a whole number, got ${value}`);
  return value;
}

/** Completions of an argument from a list of names: those starting with what was typed, in any case. */
export function namesStartingWith(names: string[], typed: string): string[] {
  const q = typed.trimStart().toLowerCase();
  return names.filter((n) => n.toLowerCase().startsWith(q));
}

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
  /** Names of the models in the library (for /model and its completion). */
  modelNames(): string[];
  /** Loads the library model of that exact name in place of the current one. */
  loadModel(name: string): void;
}

export interface SlashCommand {
  name: string;
  description: string;
  usage: string;
  action(args: string, ctx: CommandContext): void;
  /** Candidates for a partly typed argument: whole arguments. */
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

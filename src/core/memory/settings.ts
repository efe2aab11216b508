/**
 * Long-term memory as SillyTavern's Summarize extension keeps it: its settings
 * (extension_settings.memory) under its own key names, so they can be exchanged.
 */

/** Where the summary goes (ST's extension_prompt_types). */
export const MemoryPosition = { NONE: -1, IN_PROMPT: 0, IN_CHAT: 1, BEFORE_PROMPT: 2 } as const;
export type MemoryPosition = (typeof MemoryPosition)[keyof typeof MemoryPosition];

/** How the summary request is built (ST's prompt_builders). */
export const SummaryBuilder = { DEFAULT: 0, RAW_BLOCKING: 1, RAW_NON_BLOCKING: 2 } as const;

export interface MemorySettings {
  /** "main", "extras" or "webllm" in ST; taproom always uses the loaded model and keeps the value. */
  source: string;
  /** The instruction; {{words}} is promptWords. */
  prompt: string;
  /** How the summary is put in; {{summary}} is its text. */
  template: string;
  position: MemoryPosition;
  /** For IN_CHAT: messages from the end. */
  depth: number;
  /** For IN_CHAT: 0 system, 1 user, 2 assistant. */
  role: 0 | 1 | 2;
  /** Let lorebook keys see the summary. */
  scan: boolean;
  /** No automatic updates (a forced one still runs). */
  memoryFrozen: boolean;
  /** Leave lorebooks and the author's note out of the summary request. */
  SkipWIAN: boolean;
  promptWords: number;
  /** Update every this many messages; 0 never automatically. */
  promptInterval: number;
  /** Also update when this many words were written since the last summary; 0 off. */
  promptForceWords: number;
  /** Tokens the summary may take; 0: the chat's response length. */
  overrideResponseLength: number;
  /** Raw builders: the most messages one request takes; 0 no limit. */
  maxMessagesPerRequest: number;
  prompt_builder: 0 | 1 | 2;
  /**
   * taproom's own: updates run by themselves every promptInterval messages. Off by
   * default, as SillyTavern's extension summarizes nothing until a source is chosen.
   */
  enabled: boolean;
}

/** SillyTavern's wording of the default instruction: a setting equal to it is "the default". */
export const SILLYTAVERN_DEFAULT_SUMMARY_PROMPT =
  "Ignore previous instructions. Summarize the most important facts and events in the story so far. If a summary already exists in your memory, use that as a base and expand with new facts. Limit the summary to {{words}} words or less. Your response should include nothing but the summary.";

export const DEFAULT_SUMMARY_PROMPT =
  "Set the roleplay aside for a moment. Write a summary of the story so far: the important facts, events and relationships. If there is already a summary, keep what it says and add what happened since. Use at most {{words}} words. Reply with the summary alone.";

export const DEFAULT_MEMORY_SETTINGS: MemorySettings = {
  source: "main",
  prompt: DEFAULT_SUMMARY_PROMPT,
  template: "[Summary: {{summary}}]",
  position: MemoryPosition.IN_PROMPT,
  depth: 2,
  role: 0,
  scan: false,
  memoryFrozen: false,
  SkipWIAN: false,
  promptWords: 200,
  promptInterval: 10,
  promptForceWords: 0,
  overrideResponseLength: 0,
  maxMessagesPerRequest: 0,
  prompt_builder: 0,
  enabled: false,
};

type Field = { kind: "string" } | { kind: "boolean" } | { kind: "number"; min: number; max: number; values?: number[] };

/** Each setting's type and range (ST's slider limits); the UI stores some numbers as text, which is accepted. */
export const MEMORY_FIELDS: Record<keyof MemorySettings, Field> = {
  source: { kind: "string" },
  prompt: { kind: "string" },
  template: { kind: "string" },
  position: { kind: "number", min: -1, max: 2, values: [-1, 0, 1, 2] },
  depth: { kind: "number", min: 0, max: 999 },
  role: { kind: "number", min: 0, max: 2, values: [0, 1, 2] },
  scan: { kind: "boolean" },
  memoryFrozen: { kind: "boolean" },
  SkipWIAN: { kind: "boolean" },
  promptWords: { kind: "number", min: 1, max: 10_000 },
  promptInterval: { kind: "number", min: 0, max: 10_000 },
  promptForceWords: { kind: "number", min: 0, max: 1_000_000 },
  overrideResponseLength: { kind: "number", min: 0, max: 1_000_000 },
  maxMessagesPerRequest: { kind: "number", min: 0, max: 100_000 },
  prompt_builder: { kind: "number", min: 0, max: 2, values: [0, 1, 2] },
  enabled: { kind: "boolean" },
};

export class MemorySettingsError extends Error {
  constructor(readonly field: string, detail: string) {
    super(`memory.${field} ${detail}`);
    this.name = "MemorySettingsError";
  }
}

/**
 * The settings from JSON (taproom's settings.json "memory", or ST's extension_settings.memory):
 * known keys checked, unknown ones (ST's slider limits) ignored, the rest defaults.
 */
export function readMemorySettings(raw: unknown): MemorySettings {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new MemorySettingsError("(root)", "must be an object");
  const out: Record<string, unknown> = { ...DEFAULT_MEMORY_SETTINGS };
  for (const [key, field] of Object.entries(MEMORY_FIELDS)) {
    const value = (raw as Record<string, unknown>)[key];
    if (value === undefined || value === null) continue;
    if (field.kind === "string") {
      if (typeof value !== "string") throw new MemorySettingsError(key, "must be text");
      out[key] = value;
    } else if (field.kind === "boolean") {
      if (typeof value !== "boolean") throw new MemorySettingsError(key, "must be true or false");
      out[key] = value;
    } else {
      const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
      if (typeof n !== "number" || !Number.isInteger(n) || n < field.min || n > field.max || (field.values && !field.values.includes(n))) {
        throw new MemorySettingsError(key, field.values ? `must be one of ${field.values.join(", ")}` : `must be a whole number from ${field.min} to ${field.max}`);
      }
      out[key] = n;
    }
  }
  if (out.prompt === SILLYTAVERN_DEFAULT_SUMMARY_PROMPT) out.prompt = DEFAULT_SUMMARY_PROMPT;
  return out as unknown as MemorySettings;
}

/**
 * The user's settings (dataPaths().settings). Checked on load with one clear line per
 * problem; keys this version does not know are kept when the file is written back.
 */
import type { Low } from "lowdb";
import { openJsonDb } from "./jsonDb.ts";
import { choosePersona, findPersona, PersonaError, removePersona, upsertPersona, type Persona } from "../core/chat/persona.ts";
import type { ChatSettings } from "../core/chat/types.ts";
import type { LoreSettings } from "../core/lorebook/activate.ts";
import { readRoleplaySettings, type RoleplaySettings } from "./roleplaySettings.ts";

export interface Settings extends RoleplaySettings {
  personas: Persona[];
  /** Name of the persona new chats use. */
  defaultPersona?: string;
  /** Name of the sampler preset chats use unless they pick one. */
  defaultPreset?: string;
  modelsDir?: string;
  /** Extra folders holding models (read by the models library too). */
  modelFolders: string[];
  /** Action name -> key, overriding the TUI's defaults. */
  keybindings: Record<string, string>;
  lastModel?: string;
  lastCharacter?: string;
  /**
   * The user's own system prompt; a card's may replace it or hold it as {{original}}. Left
   * out, SillyTavern's default; empty, no system prompt at all (the card's neither).
   */
  systemPrompt?: string;
  /** The prompt template chats use unless they choose one: a shipped or imported name, or "auto". */
  template?: string;
  /** The user's own post-history instructions (the card's may replace them likewise). */
  postHistoryInstructions?: string;
  /** Use the user's own system prompt and post-history instructions even when a card brings its own. */
  preferUserSystemPrompt: boolean;
  /** Lorebooks every chat uses (SillyTavern's global World Info), by name. */
  globalLorebooks: string[];
  /** World Info activation settings; what is left out keeps the defaults. */
  worldInfo: Partial<LoreSettings>;
  /** How the model's KV cache is kept between turns and runs; what is left out keeps the defaults. */
  promptCache?: PromptCacheSettings;
  /** The server the TUI chatted through last (its key is kept apart, in secrets.json); it connects again at start. */
  backend?: SavedBackend;
}

export interface SavedBackend {
  url: string;
  /** What it speaks (koboldcpp, llamacpp, openai...): checked when connecting. */
  api: string;
  /** The model asked for, where the server offers several. */
  model?: string;
  /** A GGUF whose vocabulary counts tokens where the server cannot. */
  tokenizer?: string;
}

function savedBackend(value: unknown, path: string): SavedBackend {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new SettingsError(path, "backend", "must be an object with url and api");
  const { url, api, model, tokenizer, ...rest } = value as Record<string, unknown>;
  if (typeof url !== "string" || !/^https?:\/\/\S+$/i.test(url)) throw new SettingsError(path, "backend.url", "must be an http:// or https:// address");
  if (typeof api !== "string" || api.trim() === "") throw new SettingsError(path, "backend.api", "must name what the server speaks (koboldcpp, llamacpp, openai...)");
  if (model !== undefined && typeof model !== "string") throw new SettingsError(path, "backend.model", "must be text");
  if (tokenizer !== undefined && (typeof tokenizer !== "string" || tokenizer.trim() === "")) throw new SettingsError(path, "backend.tokenizer", "must be a GGUF path");
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) throw new SettingsError(path, `backend.${unknown}`, "is not a backend setting (known: url, api, model, tokenizer; the key goes in secrets.json)");
  return { url, api, ...(model !== undefined && { model }), ...(tokenizer !== undefined && { tokenizer: tokenizer as string }) };
}

export interface PromptCacheSettings {
  /** Save each chat's KV state so a restart or a headless turn evaluates only what is new (default true). */
  saveState?: boolean;
  /** A chat's state larger than this is not kept (default 2048 MiB). */
  maxChatMiB?: number;
  /** All chats' states together; the oldest are deleted to stay under it (default 6144 MiB). */
  maxTotalMiB?: number;
  /** Erase blocks that went (trimmed messages, lore) from the cache and keep the rest, as KoboldCpp's ContextShift (default true). */
  contextShift?: boolean;
  /**
   * With context shift, keep lore and notes that moved and evaluate a block that came in
   * its place, so the messages after it are not evaluated again (default true).
   */
  splice?: boolean;
}

export const defaultPromptCache: Required<PromptCacheSettings> = { saveState: true, maxChatMiB: 2048, maxTotalMiB: 6144, contextShift: true, splice: true };

/** The prompt cache settings with defaults for what the file leaves out. */
export function promptCacheSettings(settings: Settings): Required<PromptCacheSettings> {
  return { ...defaultPromptCache, ...settings.promptCache };
}

function promptCache(value: unknown, path: string): PromptCacheSettings {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new SettingsError(path, "promptCache", "must be an object");
  const out: PromptCacheSettings = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === "saveState" || key === "contextShift" || key === "splice") {
      if (typeof v !== "boolean") throw new SettingsError(path, `promptCache.${key}`, "must be true or false");
      out[key] = v;
    } else if (key === "maxChatMiB" || key === "maxTotalMiB") {
      if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > 10_000_000) throw new SettingsError(path, `promptCache.${key}`, "must be a whole number of MiB from 0 to 10000000");
      out[key] = v;
    } else {
      throw new SettingsError(path, `promptCache.${key}`, "is not a prompt cache setting (known: saveState, maxChatMiB, maxTotalMiB, contextShift, splice)");
    }
  }
  return out;
}

/** The prompt-building settings a turn takes from the user's settings (TurnSettings fields). */
export interface UserPromptSettings {
  systemPrompt?: string;
  defaultTemplate?: string;
  postHistoryInstructions?: string;
  preferUserPrompts: boolean;
}

export const defaultSettings: Settings = {
  personas: [],
  modelFolders: [],
  keybindings: {},
  preferUserSystemPrompt: false,
  globalLorebooks: [],
  worldInfo: {},
};

const WORLD_INFO_NUMBERS: Record<string, [min: number, max: number]> = {
  scanDepth: [0, 1000], budgetPercent: [1, 100], budgetCap: [0, 10_000_000], maxRecursionSteps: [0, 1000],
  minActivations: [0, 10_000], minActivationsDepthMax: [0, 1000],
};
const WORLD_INFO_FLAGS = ["recursive", "caseSensitive", "matchWholeWords", "includeNames", "useGroupScoring"];

function worldInfo(value: unknown, path: string): Partial<LoreSettings> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new SettingsError(path, "worldInfo", "must be an object");
  const out: Record<string, number | boolean> = {};
  for (const [key, v] of Object.entries(value)) {
    const range = WORLD_INFO_NUMBERS[key];
    if (range) {
      if (typeof v !== "number" || !Number.isInteger(v) || v < range[0] || v > range[1]) {
        throw new SettingsError(path, `worldInfo.${key}`, `must be a whole number from ${range[0]} to ${range[1]}`);
      }
      out[key] = v;
    } else if (WORLD_INFO_FLAGS.includes(key)) {
      if (typeof v !== "boolean") throw new SettingsError(path, `worldInfo.${key}`, "must be true or false");
      out[key] = v;
    } else {
      throw new SettingsError(path, `worldInfo.${key}`, `is not a World Info setting (known: ${[...Object.keys(WORLD_INFO_NUMBERS), ...WORLD_INFO_FLAGS].join(", ")})`);
    }
  }
  return out as Partial<LoreSettings>;
}

export class SettingsError extends Error {
  constructor(
    readonly path: string,
    readonly field: string,
    detail: string,
  ) {
    super(`${path}: "${field}" ${detail}`);
    this.name = "SettingsError";
  }
}

const OPTIONAL_STRINGS = [
  "defaultPersona",
  "defaultPreset",
  "modelsDir",
  "lastModel",
  "lastCharacter",
  "systemPrompt",
  "postHistoryInstructions",
  "template",
] as const;

/** The settings a raw settings.json holds, with defaults for what it leaves out. */
export function validateSettings(raw: unknown, path: string): Settings {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new SettingsError(path, "(root)", "must be a JSON object");
  const value = raw as Record<string, unknown>;
  const settings: Settings = structuredClone(defaultSettings);
  for (const key of OPTIONAL_STRINGS) {
    const v = value[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== "string") throw new SettingsError(path, key, "must be text");
    settings[key] = v;
  }
  if (value.personas !== undefined) settings.personas = personas(value.personas, path);
  if (value.modelFolders !== undefined) {
    if (!Array.isArray(value.modelFolders) || value.modelFolders.some((f) => typeof f !== "string")) {
      throw new SettingsError(path, "modelFolders", "must be a list of folder paths");
    }
    settings.modelFolders = value.modelFolders as string[];
  }
  if (value.keybindings !== undefined) {
    const k = value.keybindings;
    if (typeof k !== "object" || k === null || Array.isArray(k) || Object.values(k).some((v) => typeof v !== "string")) {
      throw new SettingsError(path, "keybindings", "must map action names to keys (text)");
    }
    settings.keybindings = { ...(k as Record<string, string>) };
  }
  if (value.globalLorebooks !== undefined) {
    if (!Array.isArray(value.globalLorebooks) || value.globalLorebooks.some((n) => typeof n !== "string" || n.trim() === "")) {
      throw new SettingsError(path, "globalLorebooks", "must be a list of lorebook names");
    }
    settings.globalLorebooks = value.globalLorebooks as string[];
  }
  if (value.worldInfo !== undefined) settings.worldInfo = worldInfo(value.worldInfo, path);
  if (value.promptCache !== undefined) settings.promptCache = promptCache(value.promptCache, path);
  if (value.backend !== undefined && value.backend !== null) settings.backend = savedBackend(value.backend, path);
  Object.assign(settings, readRoleplaySettings(value, (field, detail) => {
    throw new SettingsError(path, field, detail);
  }));
  if (value.preferUserSystemPrompt !== undefined) {
    if (typeof value.preferUserSystemPrompt !== "boolean") throw new SettingsError(path, "preferUserSystemPrompt", "must be true or false");
    settings.preferUserSystemPrompt = value.preferUserSystemPrompt;
  }
  return settings;
}

function personas(value: unknown, path: string): Persona[] {
  if (!Array.isArray(value)) throw new SettingsError(path, "personas", "must be a list");
  return value.map((p, i) => {
    const entry = p as Partial<Persona> | null;
    if (!entry || typeof entry.name !== "string" || entry.name.trim() === "") {
      throw new SettingsError(path, `personas[${i}].name`, "must be a non-empty text");
    }
    if (entry.description !== undefined && typeof entry.description !== "string") {
      throw new SettingsError(path, `personas[${i}].description`, "must be text");
    }
    return { name: entry.name, description: entry.description ?? "" };
  });
}

export class SettingsStore {
  private constructor(
    readonly path: string,
    private readonly db: Low<Record<string, unknown>>,
    private current: Settings,
  ) {}

  /** path: dataPaths().settings. A corrupt file is moved aside and reported. */
  static async open(options: { path: string; onCorrupt?: (backup: string) => void }): Promise<SettingsStore> {
    const db = await openJsonDb<Record<string, unknown>>({
      path: options.path,
      defaults: {},
      indent: 2,
      ...(options.onCorrupt && { onCorrupt: options.onCorrupt }),
    });
    return new SettingsStore(options.path, db, validateSettings(db.data, options.path));
  }

  get settings(): Settings {
    return this.current;
  }

  /** The persona a chat uses: its own choice, else the default persona, else "User". */
  personaFor(chatSettings: ChatSettings = {}): Persona {
    return choosePersona({
      personas: this.current.personas,
      ...(this.current.defaultPersona !== undefined && { defaultName: this.current.defaultPersona }),
      ...(chatSettings.personaName !== undefined && { chatName: chatSettings.personaName }),
    });
  }

  /** What every chat turn takes from the settings for its prompt: spread into TurnSettings. */
  promptSettings(): UserPromptSettings {
    const { systemPrompt, postHistoryInstructions, preferUserSystemPrompt, template } = this.current;
    return {
      ...(systemPrompt !== undefined && { systemPrompt }),
      ...(template !== undefined && { defaultTemplate: template }),
      ...(postHistoryInstructions !== undefined && { postHistoryInstructions }),
      preferUserPrompts: preferUserSystemPrompt,
    };
  }

  get personas(): Persona[] {
    return this.current.personas;
  }

  /** Adds a persona, or replaces the one with its name (any case); the first one becomes the default. */
  async savePersona(persona: Persona): Promise<Settings> {
    const personas = upsertPersona(this.current.personas, persona);
    const first = this.current.defaultPersona === undefined && this.current.personas.length === 0;
    return this.update({ personas, ...(first && { defaultPersona: persona.name.trim() }) });
  }

  /** Removes a persona; if it was the default, there is no default until one is chosen. */
  async deletePersona(name: string): Promise<Settings> {
    if (!findPersona(this.current.personas, name)) throw new PersonaError(`no persona named "${name}"`);
    const wasDefault = this.current.defaultPersona !== undefined && findPersona([{ name: this.current.defaultPersona, description: "" }], name);
    return this.update({ personas: removePersona(this.current.personas, name), ...(wasDefault && { defaultPersona: undefined }) });
  }

  /** The persona new chats (and chats without their own choice) use. */
  async setDefaultPersona(name: string): Promise<Settings> {
    const found = findPersona(this.current.personas, name);
    if (!found) throw new PersonaError(`no persona named "${name}" (have: ${this.current.personas.map((p) => p.name).join(", ") || "none"})`);
    return this.update({ defaultPersona: found.name });
  }

  /** Sets the given fields (undefined removes one) and writes the file. */
  async update(patch: Partial<Settings>): Promise<Settings> {
    const next: Record<string, unknown> = { ...this.db.data };
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined) delete next[key];
      else next[key] = value;
    }
    const checked = validateSettings(next, this.path);
    this.db.data = next;
    await this.db.write();
    this.current = checked;
    return checked;
  }
}

/**
 * The settings for reasoning blocks, regex scripts and long-term memory, checked when
 * settings.json is read. Reasoning and memory use SillyTavern's own key names
 * (power_user.reasoning, extension_settings.memory); global regex scripts are a list of
 * ST script objects (extension_settings.regex), each read leniently when used.
 */
import { DEFAULT_MEMORY_SETTINGS, MemorySettingsError, readMemorySettings, type MemorySettings } from "../core/memory/settings.ts";
import { DEFAULT_REASONING_SETTINGS, REASONING_SETTING_TYPES, type ReasoningSettings } from "../core/reasoning/templates.ts";
import type { CardScriptPermissions } from "../core/regexScripts/permission.ts";

export interface RoleplaySettings {
  /** How reasoning is split out and shown; what is left out keeps the defaults. */
  reasoning?: Partial<ReasoningSettings>;
  /** The chat summary's settings; what is left out keeps the defaults. */
  memory?: Partial<MemorySettings>;
  /** Global regex scripts, run in every chat (SillyTavern script objects). */
  regexScripts?: unknown[];
  /** Cards whose regex scripts may run (allowed) or were refused (declined), by card id. */
  cardScripts?: CardScriptPermissions;
}

type Fail = (field: string, detail: string) => never;

export function readRoleplaySettings(value: Record<string, unknown>, fail: Fail): RoleplaySettings {
  const out: RoleplaySettings = {};
  if (value.reasoning !== undefined) out.reasoning = reasoning(value.reasoning, fail);
  if (value.memory !== undefined) out.memory = memory(value.memory, fail);
  if (value.regexScripts !== undefined) {
    if (!Array.isArray(value.regexScripts) || value.regexScripts.some((s) => typeof s !== "object" || s === null || Array.isArray(s))) {
      fail("regexScripts", "must be a list of regex script objects (SillyTavern's format)");
    }
    out.regexScripts = value.regexScripts as unknown[];
  }
  if (value.cardScripts !== undefined) out.cardScripts = permissions(value.cardScripts, fail);
  return out;
}

function reasoning(value: unknown, fail: Fail): Partial<ReasoningSettings> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) fail("reasoning", "must be an object");
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const type = REASONING_SETTING_TYPES[key as keyof ReasoningSettings];
    // SillyTavern's power_user.reasoning may carry keys this version does not use: they are kept in the file, not read.
    if (!type) continue;
    if (type === "count" ? !(typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 1000) : typeof v !== type) {
      fail(`reasoning.${key}`, type === "count" ? "must be a whole number from 0 to 1000" : type === "boolean" ? "must be true or false" : "must be text");
    }
    out[key] = v;
  }
  return out as Partial<ReasoningSettings>;
}

function memory(value: unknown, fail: Fail): Partial<MemorySettings> {
  try {
    const full = readMemorySettings(value);
    const given = value as Record<string, unknown>;
    return Object.fromEntries(Object.entries(full).filter(([key]) => given[key] !== undefined)) as Partial<MemorySettings>;
  } catch (error) {
    if (error instanceof MemorySettingsError) fail(`memory.${error.field}`, error.message.slice(`memory.${error.field} `.length));
    throw error;
  }
}

function permissions(value: unknown, fail: Fail): CardScriptPermissions {
  const map = (v: unknown, field: string): Record<string, string> => {
    if (v === undefined) return {};
    if (typeof v !== "object" || v === null || Array.isArray(v) || Object.values(v).some((x) => typeof x !== "string")) fail(`cardScripts.${field}`, "must map card ids to script fingerprints");
    return { ...(v as Record<string, string>) };
  };
  if (typeof value !== "object" || value === null || Array.isArray(value)) fail("cardScripts", "must be an object with allowed and declined");
  const v = value as Record<string, unknown>;
  return { allowed: map(v.allowed, "allowed"), declined: map(v.declined, "declined") };
}

/** The reasoning settings in force: the defaults, then the file's. */
export function reasoningSettingsOf(settings: RoleplaySettings): ReasoningSettings {
  return { ...DEFAULT_REASONING_SETTINGS, ...settings.reasoning };
}

export function memorySettingsOf(settings: RoleplaySettings): MemorySettings {
  return { ...DEFAULT_MEMORY_SETTINGS, ...settings.memory };
}

export function cardScriptPermissionsOf(settings: RoleplaySettings): CardScriptPermissions {
  return settings.cardScripts ?? { allowed: {}, declined: {} };
}

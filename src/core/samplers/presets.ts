/**
 * Sampler presets: named partial SamplerSettings. A few ship with taproom; users save
 * their own and import SillyTavern's text-completion preset JSON.
 */
import type { SamplerSettings } from "./types.ts";

export interface SamplerPreset {
  name: string;
  description: string;
  samplers: Partial<SamplerSettings>;
  builtIn: boolean;
}

const neutral: Partial<SamplerSettings> = {
  temperature: 1,
  topK: 0,
  topP: 1,
  minP: 0,
  repeatPenalty: 1,
  frequencyPenalty: 0,
  presencePenalty: 0,
  dryMultiplier: 0,
  xtcProbability: 0,
};

export const builtInPresets: readonly SamplerPreset[] = [
  {
    name: "Neutral",
    description: "Every sampler off: the model's own distribution at temperature 1.",
    samplers: { ...neutral },
    builtIn: true,
  },
  {
    name: "Universal-Light",
    description: "Warmer than neutral, with min-p cutting the unlikely tail; a good all-round roleplay start.",
    samplers: { ...neutral, temperature: 1.25, minP: 0.1 },
    builtIn: true,
  },
  {
    name: "Balanced",
    description: "A little cooler, light top-p and min-p, a mild repetition penalty over the recent context.",
    samplers: { ...neutral, temperature: 0.8, topP: 0.95, minP: 0.05, repeatPenalty: 1.05, repeatLastN: 256 },
    builtIn: true,
  },
  {
    name: "Deterministic",
    description: "Always the most likely token: the same prompt gives the same reply. For testing and tools.",
    samplers: { ...neutral, temperature: 0, topK: 1 },
    builtIn: true,
  },
  {
    name: "Creative",
    description: "Varied prose: min-p for sanity, DRY against looping phrases, XTC to skip the most obvious words now and then.",
    samplers: {
      ...neutral,
      temperature: 1.1,
      minP: 0.05,
      dryMultiplier: 0.8,
      dryBase: 1.75,
      dryAllowedLength: 2,
      xtcProbability: 0.5,
      xtcThreshold: 0.1,
    },
    builtIn: true,
  },
];

export class PresetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PresetError";
  }
}

/** Built-ins first, then the user's; a user preset with a built-in's name replaces it. */
export function allPresets(userPresets: SamplerPreset[]): SamplerPreset[] {
  const names = new Set(userPresets.map((p) => p.name.toLowerCase()));
  return [...builtInPresets.filter((p) => !names.has(p.name.toLowerCase())), ...userPresets];
}

export function findPreset(presets: SamplerPreset[], name: string): SamplerPreset | undefined {
  const wanted = name.trim().toLowerCase();
  return presets.find((p) => p.name.toLowerCase() === wanted);
}

export interface ChatSamplerSources {
  /** Every field set: the runtime's defaults. */
  defaults: SamplerSettings;
  presets: SamplerPreset[];
  /** The settings file's default preset. */
  defaultPresetName?: string;
  /** ChatSettings.presetName */
  chatPresetName?: string;
  /** ChatSettings.samplers */
  chatOverrides?: Partial<SamplerSettings>;
}

/**
 * The samplers a chat generates with, later sources winning: defaults, then the
 * chat's preset (or, without one, the default preset), then the chat's own overrides.
 * A preset name that does not exist is an error, not a silent fallback.
 */
export function samplersForChat(sources: ChatSamplerSources): SamplerSettings {
  const presetName = sources.chatPresetName ?? sources.defaultPresetName;
  let preset: Partial<SamplerSettings> = {};
  if (presetName !== undefined) {
    const found = findPreset(sources.presets, presetName);
    if (!found) throw new PresetError(`preset "${presetName}" does not exist (have: ${sources.presets.map((p) => p.name).join(", ")})`);
    preset = found.samplers;
  }
  return { ...sources.defaults, ...definedOnly(preset), ...definedOnly(sources.chatOverrides ?? {}) };
}

function definedOnly(partial: Partial<SamplerSettings>): Partial<SamplerSettings> {
  return Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined)) as Partial<SamplerSettings>;
}

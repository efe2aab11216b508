/**
 * Sampler presets (the shipped ones and the user's presets.json) and the samplers a
 * chat generates with: defaults, then its preset (or the default preset), then its own
 * overrides, then whatever one turn asks for.
 */
import { readFile } from "node:fs/promises";
import { basename, resolve } from "node:path";
import type { ChatSettings } from "../core/chat/types.ts";
import { PresetError, samplersForChat, type SamplerPreset } from "../core/samplers/presets.ts";
import { importSillyTavernPreset } from "../core/samplers/sillyTavernPreset.ts";
import type { SamplerSettings } from "../core/samplers/types.ts";
import { resolveSamplers } from "../core/samplers/validate.ts";
import { isBuiltInPresetName, type PresetStore } from "../store/presets/presetStore.ts";

export type { SamplerPreset };
export { isBuiltInPresetName, PresetError };

/** A preset saved from a SillyTavern file, and what of it taproom has no sampler for. */
export interface ImportedPreset {
  name: string;
  samplers: number;
  ignored: { key: string; value: unknown }[];
}

export interface PresetService {
  /** Shipped first, then the user's; a user preset with a shipped one's name replaces it. */
  list(): Promise<SamplerPreset[]>;
  find(name: string): Promise<SamplerPreset | undefined>;
  /** Saves a SillyTavern text-completion preset under `name` (default: the file's name). */
  importSillyTavern(file: string, name?: string): Promise<ImportedPreset>;
  /**
   * The samplers a chat generates with; a turn may name another preset and set samplers
   * of its own on top. An unknown preset or a value out of range is an error, never ignored.
   */
  forChat(chat: ChatSettings, turn?: { preset?: string; samplers?: Partial<SamplerSettings> }): Promise<SamplerSettings>;
}

export function createPresetService(options: { store(): Promise<PresetStore>; defaultPreset(): Promise<string | undefined>; cwd?: string }): PresetService {
  const list = async () => (await options.store()).list();
  return {
    list,
    find: async (name) => (await options.store()).find(name),
    async importSillyTavern(file, wanted) {
      const path = resolve(options.cwd ?? process.cwd(), file);
      const name = (wanted ?? basename(file).replace(/\.json$/i, "")).trim();
      if (name === "") throw new PresetError("a preset needs a name");
      if (isBuiltInPresetName(name)) throw new PresetError(`"${name}" is a shipped preset's name; pick another`);
      let json: unknown;
      try {
        json = JSON.parse(await readFile(path, "utf8"));
      } catch (error) {
        if (error instanceof SyntaxError) throw new PresetError(`${path}: not valid JSON`);
        throw error;
      }
      const imported = importSillyTavernPreset(json, path);
      await (await options.store()).save({ name, description: `Imported from ${basename(file)}`, samplers: imported.samplers });
      return { name, samplers: Object.keys(imported.samplers).length, ignored: imported.ignored };
    },
    async forChat(chat, turn = {}) {
      const defaultPresetName = await options.defaultPreset();
      const preset = turn.preset ?? chat.presetName;
      const samplers = samplersForChat({
        defaults: resolveSamplers(),
        presets: await list(),
        ...(defaultPresetName !== undefined && { defaultPresetName }),
        ...(preset !== undefined && { chatPresetName: preset }),
        ...(chat.samplers && { chatOverrides: chat.samplers }),
      });
      return resolveSamplers(samplers, turn.samplers);
    },
  };
}

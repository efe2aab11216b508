/**
 * Presets: sampler presets (the shipped ones and the user's presets.json) and the samplers
 * a chat generates with (defaults, then its preset or the default preset, then its own
 * overrides, then whatever one turn asks for); and the prompt templates imported from
 * SillyTavern (context and instruct templates, system prompts), chosen by name.
 */
import { readFile } from "node:fs/promises";
import { basename, resolve } from "node:path";
import type { ChatSettings } from "../core/chat/types.ts";
import { readPromptPreset } from "../core/prompt/stPresets.ts";
import type { InstructTemplate } from "../core/prompt/templates.ts";
import { PresetError, samplersForChat, type SamplerPreset } from "../core/samplers/presets.ts";
import { importSillyTavernPreset } from "../core/samplers/sillyTavernPreset.ts";
import type { SamplerSettings } from "../core/samplers/types.ts";
import { resolveSamplers } from "../core/samplers/validate.ts";
import { isBuiltInPresetName, type PresetStore, type TemplateRecord } from "../store/presets/presetStore.ts";

export type { SamplerPreset, TemplateRecord };
export { isBuiltInPresetName, PresetError };

/** A sampler preset saved from a SillyTavern file, and what of it taproom has no sampler for. */
export interface ImportedPreset {
  name: string;
  /** The name asked for (the file's, --name, or the preset's own in a master export). */
  wanted: string;
  samplers: number;
  ignored: { key: string; value: unknown }[];
}

/** A prompt template saved from a SillyTavern file: under which name, which parts, what happened. */
export interface ImportedPromptTemplate {
  name: string;
  /** "context template", "instruct template", "system prompt". */
  parts: string[];
  /** Saved, joined, renamed, unchanged: in words. */
  notes: string[];
}

/** What one SillyTavern file brought: a template, a sampler preset, or both (a master export). */
export interface PresetImport {
  template?: ImportedPromptTemplate;
  preset?: ImportedPreset;
  /** What reading the file repaired, one line each naming the file. */
  repairs: string[];
}

export interface PresetService {
  /** Shipped first, then the user's; a user preset with a shipped one's name replaces it. */
  list(): Promise<SamplerPreset[]>;
  find(name: string): Promise<SamplerPreset | undefined>;
  /** The imported prompt templates as saved (their parts). */
  templateRecords(): Promise<TemplateRecord[]>;
  /** The imported prompt templates, as templates a prompt can use by name. */
  templates(): Promise<InstructTemplate[]>;
  /**
   * Saves a SillyTavern preset file: a text-completion preset (samplers), a context or an
   * instruct template, a system prompt, or a master export holding several. A taken name
   * gets a free one ("ChatML (2)") unless `replace`; a shipped preset's name always does.
   */
  importSillyTavern(file: string, options?: { name?: string; replace?: boolean }): Promise<PresetImport>;
  /**
   * The samplers a chat generates with; a turn may name another preset and set samplers
   * of its own on top. An unknown preset or a value out of range is an error, never ignored.
   */
  forChat(chat: ChatSettings, turn?: { preset?: string; samplers?: Partial<SamplerSettings> }): Promise<SamplerSettings>;
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    if (error instanceof SyntaxError) throw new PresetError(`${path}: not valid JSON`);
    throw error;
  }
}

/** A text-completion preset: its samplers saved under a free name (or over its own with `replace`). */
async function saveSamplers(store: PresetStore, json: unknown, wanted: string, path: string, replace: boolean): Promise<ImportedPreset> {
  const imported = importSillyTavernPreset(json, path);
  if (Object.keys(imported.samplers).length === 0 && imported.ignored.length === 0) {
    throw new PresetError(`${path}: not a SillyTavern preset taproom knows (no sampler, context, instruct or system prompt fields)`);
  }
  const name = replace && !isBuiltInPresetName(wanted) ? wanted : store.freeName(wanted);
  await store.save({ name, description: `Imported from ${basename(path)}`, samplers: imported.samplers });
  return { name, wanted, samplers: Object.keys(imported.samplers).length, ignored: imported.ignored };
}

export function createPresetService(options: { store(): Promise<PresetStore>; defaultPreset(): Promise<string | undefined>; cwd?: string }): PresetService {
  const list = async () => (await options.store()).list();
  return {
    list,
    find: async (name) => (await options.store()).find(name),
    templateRecords: async () => (await options.store()).templateRecords(),
    templates: async () => (await options.store()).templates(),
    async importSillyTavern(file, { name: asked, replace = false } = {}) {
      const path = resolve(options.cwd ?? process.cwd(), file);
      if (asked !== undefined && asked.trim() === "") throw new PresetError("a preset needs a name");
      const json = await readJson(path);
      const stem = basename(file).replace(/\.json$/i, "");
      const store = await options.store();
      const prompt = readPromptPreset(json);
      if (!prompt) return { preset: await saveSamplers(store, json, (asked ?? stem).trim(), path, replace), repairs: [] };
      const out: PresetImport = { repairs: prompt.warnings.map((w) => `${path}: repaired ${w}`) };
      const { instruct, context, sysprompt, samplers } = prompt.parts;
      if (instruct || context || sysprompt) {
        const wanted = (asked ?? (instruct?.name || context?.name || sysprompt?.name || stem)).trim();
        const saved = await store.importTemplate(prompt.parts, wanted, { replace });
        const parts = [context && "context template", instruct && "instruct template", (sysprompt || instruct?.systemPrompt) && "system prompt"];
        out.template = { name: saved.name, parts: parts.filter((p): p is string => typeof p === "string"), notes: saved.notes };
      }
      if (samplers) out.preset = await saveSamplers(store, samplers.json, samplers.name || stem, path, replace);
      return out;
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

/**
 * What `taproom serve` needs below it: a model loaded with N sequences, sized by the
 * same planner as the chat's, and the user's samplers as the defaults of requests
 * that leave a field out.
 */
import { isAbsolute, resolve } from "node:path";
import { samplersForChat } from "../core/samplers/presets.ts";
import type { SamplerSettings } from "../core/samplers/types.ts";
import { resolveSamplers } from "../core/samplers/validate.ts";
import { dataDir, dataPaths } from "../store/paths.ts";
import { PresetStore } from "../store/presets/presetStore.ts";
import { SettingsStore } from "../store/settings.ts";
export { ServedModel, type ServedModelFacts, type ServedChatMessage } from "../engine/serving/servedModel.ts";
export type { GenerationResult, TokenGenerationRequest } from "../engine/generation/sequenceRunner.ts";
export type { ReuseFacts } from "../core/promptCache/explain.ts";
export { ContextOverflowError, ModelLoadError } from "../engine/generation/errors.ts";


/** The samplers a request gets for the fields it leaves out: the user's default preset over taproom's defaults. */
export async function servingDefaults(env: NodeJS.ProcessEnv): Promise<SamplerSettings> {
  const paths = dataPaths(dataDir(env));
  const settings = await SettingsStore.open({ path: paths.settings });
  const presets = await PresetStore.open({ root: paths.root });
  return samplersForChat({
    defaults: resolveSamplers(),
    presets: presets.list(),
    ...(settings.settings.defaultPreset !== undefined && { defaultPresetName: settings.settings.defaultPreset }),
  });
}

/** A --model path as the person typed it, from where they typed it. */
export function modelPathFrom(flag: string, cwd: string): string {
  return isAbsolute(flag) ? flag : resolve(cwd, flag);
}

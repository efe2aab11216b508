import type { TuiOptions } from "../../cli/commands/tuiCommand.ts";
import { detectMachineRemembered } from "../../engine/planning/rememberedMachine.ts";
import { defaultMachineMemoryPath } from "../../store/machineMemory.ts";
import { describeFitMachine } from "../../engine/planning/machine.ts";
import { scanModelLibrary } from "../../engine/library/scanModelLibrary.ts";
import { defaultModelCachePath } from "../../store/models/metadataCache.ts";
import { readExtraModelFolders } from "../../store/models/modelFolders.ts";
import { dataDir, dataPaths } from "../../store/paths.ts";

/** What a first start without a model shows: this machine, the models found, and how to get one. */
export async function noModelNotice(options: TuiOptions, env: NodeJS.ProcessEnv): Promise<string> {
  const root = dataDir(env);
  const folders = [options.modelsDir ?? dataPaths(root).models, ...(await readExtraModelFolders(root))];
  const machine = await detectMachineRemembered({ backend: options.gpu ?? "auto", memoryPath: defaultMachineMemoryPath(root), env }).catch(() => undefined);
  const models = machine ? await scanModelLibrary({ folders, machine, cachePath: defaultModelCachePath(root) }) : [];
  const usable = models.filter((m) => !m.error);
  const where = machine ? `${describeFitMachine(machine)}. ` : "";
  if (usable.length === 0) {
    return `${where}No model loaded and none found in ${folders[0]}. Get one with: taproom fit --params 8B (which quant suits you), then taproom pull hf:USER/REPO; or start with taproom --model FILE.gguf`;
  }
  const list = usable.slice(0, 5).map((m) => `${m.paths[0]} (${m.verdict?.summary ?? "unknown fit"})`).join(", ");
  return `${where}No model loaded. Found: ${list}. Start with taproom --model PATH`;
}

/**
 * Planning, for the surfaces: how a model would load on a machine (this one, remembered,
 * or one the flags describe) and how fast it would write, and which quant of a size or a
 * file fits best. The engine does the work (src/engine/planning); surfaces reach it
 * through here only, so this file is the one place that follows the engine's planning
 * modules. Nothing here loads the downloader (app/downloads.ts) or llama.cpp before a
 * probe needs it.
 */
import type { BackendChoice, MachineFacts } from "../engine/planning/machine.ts";
import { detectMachineRemembered } from "../engine/planning/rememberedMachine.ts";
import { defaultMachineMemoryPath } from "../store/machineMemory.ts";
import { dataDir } from "../store/paths.ts";

export {
  ARCHITECTURES, architectureById, formatParameters, headDimension, kvCacheBytes, parseParameterCount, perplexityIncreasePercent, qualityLoss,
  type ArchitectureShape,
} from "../engine/quants/index.ts";
export {
  fitModelSize, planLoad, shapeForSize, shapeFromFacts, formatSpeed, formatKld, DEFAULT_MIN_SPEED, parseMemorySize, describeFitMachine,
  BackendUnavailableError,
  type FitReport, type QuantFit, type QuantChoice, type LoadPlan, type RepoChoice, type MachineBandwidths, type ShapeSource,
  type FitMachine, type GpuBackend, type MachineFacts,
} from "../engine/planning/index.ts";
export { modelFileBytes, readModelFacts, type LibraryFacts } from "../engine/library/index.ts";

/**
 * This machine as a backend choice sees it: probed once (llama.cpp, seconds) and then
 * remembered in the data directory the environment names, until its GPUs, drivers or
 * llama.cpp builds change; RAM and free VRAM are read fresh each time.
 */
export function detectThisMachine(env: NodeJS.ProcessEnv, backend: BackendChoice = "auto"): Promise<MachineFacts> {
  return detectMachineRemembered({ backend, memoryPath: defaultMachineMemoryPath(dataDir(env)), env });
}

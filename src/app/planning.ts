/**
 * Planning, for the surfaces: how a model would load on a machine (this one, or one the
 * flags describe) and how fast it would write, which quant of a size or a file fits best,
 * which file of a hub repository to pull, and the pull itself. The engine does the work
 * (src/engine/planning); surfaces reach it through here only, so this file is the one
 * place that follows the engine's planning modules.
 */
export {
  ARCHITECTURES, architectureById, formatParameters, headDimension, kvCacheBytes, parseParameterCount, perplexityIncreasePercent, qualityLoss,
  type ArchitectureShape,
} from "../engine/quants/index.ts";
export {
  fitModelSize, planLoad, shapeForSize, shapeFromFacts, formatSpeed, formatKld, DEFAULT_MIN_SPEED, parseMemorySize, describeFitMachine,
  BackendUnavailableError, detectMachine,
  type FitReport, type QuantFit, type QuantChoice, type LoadPlan, type RepoChoice, type MachineBandwidths, type ShapeSource,
  type FitMachine, type GpuBackend, type MachineFacts,
} from "../engine/planning/index.ts";
export { modelFileBytes, readModelFacts, type LibraryFacts } from "../engine/library/index.ts";
export { HfUriError, parseHfUri, type HfUri } from "../engine/download/hfUri.ts";
export { hubOptionsFromEnv } from "../engine/download/hubClient.ts";
export type { RepoModel } from "../engine/download/repoModels.ts";
export { planPull, type PullPlan } from "../engine/download/planPull.ts";
export { pullModel, type PullModelOptions } from "../engine/download/pullModel.ts";
export { DownloadCancelledError } from "../engine/download/errors.ts";
export type { DownloadRetry } from "../engine/download/downloadFile.ts";
export type { ModelDownloadProgress } from "../engine/download/downloadRepoModel.ts";

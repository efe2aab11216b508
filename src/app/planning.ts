/**
 * Planning, for the surfaces: how a model would load on a machine (this one, or one the
 * flags describe), which quant of a size fits, which file of a hub repository to pull,
 * and the pull itself. The engine does the work; surfaces reach it through here only, so
 * this file is the one place that follows the engine's planning modules.
 */
export { ARCHITECTURES, architectureById, formatParameters, kvCacheBytes, parseParameterCount } from "../engine/quants/index.ts";
export { fitModelSize, type FitReport } from "../engine/fit/fitModelSize.ts";
export type { QuantFit } from "../engine/fit/chooseQuant.ts";
export { parseMemorySize } from "../engine/fit/parseSize.ts";
export { BackendUnavailableError, detectMachine } from "../engine/fit/detectMachine.ts";
export { describeFitMachine, type FitMachine, type GpuBackend, type MachineFacts } from "../engine/fit/machine.ts";
export { modelFileBytes, readModelFacts, type LibraryFacts } from "../engine/library/index.ts";
export { planLoad, type LoadPlan } from "../engine/planner/planLoad.ts";
export { HfUriError, parseHfUri, type HfUri } from "../engine/download/hfUri.ts";
export { hubOptionsFromEnv } from "../engine/download/hubClient.ts";
export type { RepoModel } from "../engine/download/repoModels.ts";
export type { RepoChoice } from "../engine/download/chooseRepoModel.ts";
export { planPull, type PullPlan } from "../engine/download/planPull.ts";
export { pullModel, type PullModelOptions } from "../engine/download/pullModel.ts";
export { DownloadCancelledError } from "../engine/download/errors.ts";
export type { DownloadRetry } from "../engine/download/downloadFile.ts";
export type { ModelDownloadProgress } from "../engine/download/downloadRepoModel.ts";

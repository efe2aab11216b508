/**
 * Models from the hub, for the surfaces: an `hf:` address, which file of its repository
 * to pull for a machine, and the pull itself (resumed, verified). This loads the
 * downloader and Node's HTTP client: import it only where a download is asked for.
 */
export { HfUriError, parseHfUri, type HfUri } from "../engine/download/hfUri.ts";
export { hubOptionsFromEnv } from "../engine/download/hubClient.ts";
export type { RepoModel } from "../engine/download/repoModels.ts";
export { planPull, type PullPlan } from "../engine/download/planPull.ts";
export { pullModel, type PullModelOptions } from "../engine/download/pullModel.ts";
export { DownloadCancelledError } from "../engine/download/errors.ts";
export type { DownloadRetry } from "../engine/download/downloadFile.ts";
export type { ModelDownloadProgress } from "../engine/download/downloadRepoModel.ts";

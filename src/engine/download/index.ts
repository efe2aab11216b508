export { parseHfUri, HfUriError, type HfUri } from "./hfUri.ts";
export { DEFAULT_HF_ENDPOINT, hubOptionsFromEnv, listRepoFiles, fileUrl, authHeaders, type HubOptions, type RepoFile } from "./hubClient.ts";
export { groupRepoModels, type RepoModel } from "./repoModels.ts";
export { readRemoteHeader, type ReadRemoteHeaderOptions, type RemoteHeader } from "./readRemoteHeader.ts";
export { planPull, PullChoiceError, type PlanPullOptions, type PullPlan } from "./planPull.ts";
export { downloadFile, type DownloadFileOptions, type DownloadFileResult, type DownloadProgress, type DownloadRetry } from "./downloadFile.ts";
export { downloadRepoModel, NotEnoughDiskSpaceError, type DownloadRepoModelOptions, type DownloadRepoModelResult, type ModelDownloadProgress } from "./downloadRepoModel.ts";
export { HubError, DownloadBusyError, DownloadCancelledError, DownloadInterruptedError, DownloadVerifyError } from "./errors.ts";
export { pullModel, DEFAULT_RETRIES, type PullModelOptions, type PulledModel } from "./pullModel.ts";

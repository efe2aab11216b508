import { parseHfUri, type HfUri } from "./hfUri.ts";
import { sanitizeForTerminal } from "../../core/text/sanitize.ts";
import { fileUrl, listRepoFiles, type HubOptions } from "./hubClient.ts";
import type { LibraryFacts } from "../library/readModelFacts.ts";
import { groupRepoModels, type RepoModel } from "./repoModels.ts";
import { readRemoteHeader } from "./readRemoteHeader.ts";
import { chooseRepoModel, type RepoChoice } from "../planning/chooseRepoModel.ts";
import type { FitMachine } from "../planning/machine.ts";

export class PullChoiceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PullChoiceError";
  }
}

export interface PlanPullOptions {
  /** `hf:USER/REPO[:QUANT]` or `hf:USER/REPO:FILE.gguf`. */
  uri: string;
  hub: HubOptions;
  /** Needed only when the address names no quant. */
  machine?: FitMachine;
  /** Context the user wants; default 8192. */
  contextSize?: number;
  /** Reading-speed floor in tokens/s for the automatic choice; default 8. */
  minSpeed?: number;
  signal?: AbortSignal;
}

export interface PullPlan {
  uri: HfUri;
  /** Every GGUF model of the repository. */
  models: RepoModel[];
  /** What to download; undefined when nothing runs on the machine. */
  model: RepoModel | undefined;
  /** How the choice was made (absent when the address named the quant or file). */
  choice?: RepoChoice<RepoModel>;
  /** Why the GGUF header could not be read, when the choice fell back to a typical shape. */
  headerError?: string;
}

/**
 * Lists the repository and decides what `pull` would download: the named quant or
 * file, or the best one for the machine. Downloads nothing (this is `--dry-run`).
 */
export async function planPull(options: PlanPullOptions): Promise<PullPlan> {
  const uri = parseHfUri(options.uri);
  const models = groupRepoModels(await listRepoFiles({ hub: options.hub, repo: uri.repo, ...(options.signal ? { signal: options.signal } : {}) }));
  if (models.length === 0) throw new PullChoiceError(`${uri.repo}: the repository has no .gguf model files`);
  if (uri.quant || uri.file) return { uri, models, model: pickNamed(uri, models) };
  if (!options.machine) throw new PullChoiceError(`${uri.repo}: name a quant (hf:${uri.repo}:Q4_K_M) or give the machine to choose for`);
  const { header, headerError } = await readOneHeader(uri.repo, models, options);
  const choice = chooseRepoModel({
    models,
    machine: options.machine,
    contextSize: options.contextSize ?? 8192,
    ...(header ? { header } : {}),
    ...(options.minSpeed !== undefined ? { minSpeed: options.minSpeed } : {}),
  });
  return { uri, models, model: choice.model, choice, ...(headerError ? { headerError } : {}) };
}

/** The header of the smallest model file: all quants of a repository share one architecture. */
async function readOneHeader(repo: string, models: RepoModel[], options: PlanPullOptions): Promise<{ header?: LibraryFacts; headerError?: string }> {
  const smallest = models.filter((m) => m.quant && m.missingParts.length === 0).sort((a, b) => a.totalBytes - b.totalBytes)[0];
  const file = smallest?.files[0];
  if (!file) return {};
  try {
    const url = fileUrl(options.hub, repo, file.path);
    const read = await readRemoteHeader({ hub: options.hub, url, what: `${repo}/${file.path}`, ...(options.signal ? { signal: options.signal } : {}) });
    return { header: read.facts };
  } catch (error) {
    return { headerError: `${file.path}: ${error instanceof Error ? error.message.split(": ").pop() : String(error)}` };
  }
}

function pickNamed(uri: HfUri, models: RepoModel[]): RepoModel {
  const found = uri.file
    ? models.find((m) => m.files.some((f) => f.path === uri.file || f.path.endsWith(`/${uri.file}`)))
    : models.find((m) => m.quantLabel === uri.quant);
  if (!found) {
    const have = sanitizeForTerminal([...new Set(models.map((m) => m.quantLabel ?? m.name))].join(", "));
    throw new PullChoiceError(`${uri.repo}: no ${uri.file ?? uri.quant} file; the repository has ${have}`);
  }
  if (found.missingParts.length > 0) throw new PullChoiceError(`${uri.repo}/${found.name}: the repository lacks part(s) ${found.missingParts.join(", ")}`);
  return found;
}

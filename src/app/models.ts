/**
 * The models of the app: this machine, the model library with a fit verdict per file,
 * the one loaded model (loaded and unloaded at run time, one after another), downloads
 * from the hub, and a model's tokenizer alone for exact token counts. llama.cpp is only
 * loaded when something here needs it (the engine imports it lazily).
 */
import { basename } from "node:path";
import { stat } from "node:fs/promises";
import { formatBytes } from "../core/units/format.ts";
import { detectMachineRemembered } from "../engine/planning/rememberedMachine.ts";
import { describeFitMachine, type FitMachine, type MachineFacts } from "../engine/planning/machine.ts";
import { loadModel, type LoadedModel, type LoadedModelInfo } from "../engine/generation/loadModel.ts";
import { loadTokenizer, type ModelTokenizer } from "../engine/generation/loadTokenizer.ts";
import { scanModelLibrary, type LibraryModel } from "../engine/library/scanModelLibrary.ts";
import type { ModelVerdict } from "../engine/planning/modelVerdict.ts";
import type { RepoModel } from "../engine/download/repoModels.ts";
import type { ModelDownloadProgress } from "../engine/download/downloadRepoModel.ts";
import { defaultMachineMemoryPath } from "../store/machineMemory.ts";
import { defaultModelCachePath } from "../store/models/metadataCache.ts";
import { addModelFolder, readExtraModelFolders, removeModelFolder } from "../store/models/modelFolders.ts";
import { dataPaths } from "../store/paths.ts";
import type { RuntimeOptions } from "./options.ts";
import { findModel } from "./findModel.ts";
import type { RemoteModel } from "../engine/remote/remoteModel.ts";

export type { FitMachine, LibraryModel, LoadedModelInfo, MachineFacts, ModelDownloadProgress, ModelTokenizer, ModelVerdict };
export { formatParameters } from "../engine/quants/index.ts";
export { ModelFolderError } from "../store/models/modelFolders.ts";
export { ModelNotFoundError } from "./findModel.ts";

/** The loaded model as screens show it: what the planner chose, and why. */
export interface CurrentModel {
  name: string;
  path: string;
  backend: "cuda" | "vulkan" | "metal" | "cpu";
  gpuLayers: number;
  totalLayers: number;
  contextSize: number;
  threads: number;
  reasons: string[];
  suggestions: string[];
}

/** The loaded model's live figures, for the chat's model panel. */
export interface ModelDetails extends CurrentModel {
  gpuNames: string[];
  /** VRAM the model took when it loaded. */
  modelVramBytes: number;
  weightsBytes: number;
  /** The whole GPU now (every program): total, used, free. 0 on the CPU. */
  vramTotalBytes: number;
  vramUsedBytes: number;
  vramFreeBytes: number;
  contextUsed: number;
}

/** The server turns go to, for the model panel: its model, address, context and what connecting found. */
export interface RemoteDetails {
  remote: true;
  name: string;
  server: string;
  contextSize: number;
  notes: string[];
}

/** The chat's status line: the model, where it runs, and how full its context is. */
export interface ModelStatus {
  model: string | null;
  backend: string;
  /** Null where it is not known (a remote server). */
  contextUsed: number | null;
  contextSize: number;
}

/** What a pull of an `hf:` address would fetch, and why that file. */
export interface PullPreview {
  uri: string;
  repo: string;
  /** Every model file of the repository: "Q4_K_M (4.58 GiB)". */
  available: string[];
  /** Undefined when nothing in the repository runs on this machine. */
  model: RepoModel | undefined;
  /** One or two sentences: the choice and its reason, or that the address named it. */
  explanation: string;
}

/** A model being loaded: the file, and how far along (0..1, in whole percent steps). */
export interface ModelLoading {
  path: string;
  /** The file's name, for "Loading NAME… 42%". */
  name: string;
  fraction: number;
  /** Settles with the load: the model, or the one-line reason it failed. */
  done: Promise<CurrentModel>;
}

/** What screens watch to draw a load in progress. */
export type ModelLoadWatch = Pick<ModelService, "loading" | "subscribe">;

export interface ModelService {
  /** Folders scanned: the models folder first, then the extra ones from settings. */
  folders(): Promise<string[]>;
  /** The file a typed model names: a path, or a library model's name; rejects with ModelNotFoundError. */
  find(pathOrName: string): Promise<string>;
  machine(): Promise<MachineFacts>;
  /** Every GGUF of the folders, judged for this machine (or the one given); broken files carry an error. */
  library(options?: { machine?: FitMachine; modelsDir?: string }): Promise<LibraryModel[]>;
  current(): CurrentModel | null;
  /** The loaded model's whole plan as the planner made it (for `--json`), or null. */
  plan(): LoadedModelInfo | null;
  /** The load in progress (the latest asked for), or null; the same object until something changes. */
  loading(): ModelLoading | null;
  /** Calls `listener` whenever loading() or current() change (a load starts, moves on, ends); returns the unsubscribe. */
  subscribe(listener: () => void): () => void;
  /** The model loaded last on this machine (settings.json, a file that is still there), to load at start; null when none. */
  lastModel(): Promise<string | null>;
  /** Loads a model (a path or a library name) in place of the current one; rejects with a one-line reason (the old one is gone then). */
  load(path: string, onProgress?: (fraction: number) => void, options?: { startAfter?: Promise<void> }): Promise<CurrentModel>;
  unload(): Promise<void>;
  details(): Promise<ModelDetails | RemoteDetails | null>;
  /** The status line's figures, read at once. */
  status(): ModelStatus;
  /** One line on the loaded model, or that there is none. */
  line(): string;
  previewPull(uri: string, signal?: AbortSignal): Promise<PullPreview>;
  /** Downloads into the models folder; resolves with the first part's path. Cancelled by the signal. */
  download(preview: PullPreview, signal: AbortSignal, onProgress: (p: ModelDownloadProgress) => void): Promise<string>;
  /** A model's tokenizer alone (no weights; a path or a library name): exact token counts for prompts and cards. Close it when done. */
  tokenizer(path: string): Promise<ModelTokenizer>;
  /** What a start without a model says: this machine, the models found, how to get one. */
  noModelNotice(): Promise<string>;
  /** Adds or removes an extra folder (kept in settings.json); returns the extra folders now. */
  addFolder(folder: string, cwd: string): Promise<string[]>;
  removeFolder(folder: string, cwd: string): Promise<string[]>;
}

/** The service, and what only the app itself touches: the engine's model, and unloading at exit. */
export interface ModelRuntime {
  service: ModelService;
  loaded(): LoadedModel | null;
  close(): Promise<void>;
}

export function currentModelOf(model: LoadedModel): CurrentModel {
  const { info } = model;
  return {
    name: info.name,
    path: info.path,
    backend: info.backend,
    gpuLayers: info.gpuLayers,
    totalLayers: info.totalLayers,
    contextSize: model.contextSize,
    threads: info.threads,
    reasons: info.reasons,
    suggestions: info.suggestions,
  };
}

/** "koboldcpp at 10.0.0.5:5001": the server's address without scheme or path. */
export const remoteLabel = (remote: { api: string; url: string }) => `${remote.api} at ${remote.url.replace(/^https?:\/\//i, "").replace(/\/.*$/, "")}`;
const layersOf = (model: LoadedModel) => (model.info.backend === "cpu" ? "" : ` ${model.info.gpuLayers}/${model.info.totalLayers} layers`);

export interface ModelRuntimeOptions {
  root: string;
  modelsDir: string;
  runtime: RuntimeOptions;
  env: NodeJS.ProcessEnv;
  /** Where a typed relative model path starts; default the process's. */
  cwd?: string;
  /** Where the last model loaded is remembered (the user's settings); not remembered when left out. */
  remember?: { read(): Promise<string | undefined>; write(path: string): Promise<void> };
  /** This machine; detected afresh each time when not given (free VRAM changes as models load). */
  machine?: () => Promise<MachineFacts>;
  /** Runs before each load: open chats' saves land first, whatever the load does to the process. */
  beforeLoad?: () => Promise<void>;
  /** The server turns go to instead, while one is connected: the status line names it. */
  remote?: () => RemoteModel | null;
}

export function createModelRuntime(options: ModelRuntimeOptions): ModelRuntime {
  const { root, modelsDir, runtime, env } = options;
  let model: LoadedModel | null = null;
  // Loads and unloads run one after another: llama.cpp must never hold two at once by accident.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(job: () => Promise<T>): Promise<T> => {
    const next = queue.then(job, job);
    queue = next.catch(() => {});
    return next;
  };
  const unloadNow = async () => {
    const old = model;
    model = null;
    await old?.unload();
  };
  let loading: ModelLoading | null = null;
  const listeners = new Set<() => void>();
  const changed = () => listeners.forEach((listener) => listener());
  // Probed once and remembered; free VRAM is read afresh each time (it changes as models load).
  const detect = options.machine ?? (() => detectMachineRemembered({ backend: runtime.gpu ?? "auto", memoryPath: defaultMachineMemoryPath(root), env }));
  const contextSize = runtime.contextSize !== undefined ? { contextSize: runtime.contextSize } : {};
  const folders = async (dir = modelsDir) => [dir, ...(await readExtraModelFolders(root))];
  const find = async (query: string) => findModel(query, { cwd: options.cwd ?? process.cwd(), folders: await folders() });

  const service: ModelService = {
    folders: () => folders(),
    find,
    async lastModel() {
      const path = await options.remember?.read().catch(() => undefined);
      if (!path) return null;
      return (await stat(path).catch(() => null))?.isFile() ? path : null;
    },
    machine: detect,
    async library(which = {}) {
      return scanModelLibrary({
        folders: await folders(which.modelsDir),
        machine: which.machine ?? (await detect()),
        ...contextSize,
        cachePath: defaultModelCachePath(root),
      });
    },
    current: () => (model ? currentModelOf(model) : null),
    plan: () => model?.info ?? null,
    loading: () => loading,
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    load(path, onProgress, loadOptions) {
      // Progress is drawn in whole percents: llama.cpp reports far more often than that.
      const progress = (fraction: number) => {
        onProgress?.(fraction);
        if (loading !== mine || Math.floor(fraction * 100) === Math.floor(mine.fraction * 100)) return;
        loading = mine = { ...mine, fraction };
        changed();
      };
      const job = serial(async () => {
        // Shown as loading at once; the work (llama.cpp's hundreds of modules first) may wait for the first frame.
        await loadOptions?.startAfter;
        await options.beforeLoad?.().catch(() => {});
        const file = await find(path);
        await unloadNow();
        changed();
        model = await loadModel({
          path: file,
          ...(runtime.gpu && { gpu: runtime.gpu }),
          ...(runtime.gpuLayers !== undefined && { gpuLayers: runtime.gpuLayers }),
          ...contextSize,
          ...(runtime.threads !== undefined && { threads: runtime.threads }),
          onProgress: progress,
          loadCheckFile: `${dataPaths(root).cache}/checked-loads.json`,
        });
        // Remembered for the next plain start; a settings file that cannot be written costs only that.
        await options.remember?.write(file).catch(() => {});
        return currentModelOf(model);
      });
      let mine: ModelLoading = { path, name: basename(path), fraction: 0, done: job };
      loading = mine;
      changed();
      // Attached first, so whoever awaits the load sees loading() over already.
      const settle = () => {
        if (loading?.done === job) loading = null;
        changed();
      };
      job.then(settle, settle);
      return job;
    },
    unload: () =>
      serial(async () => {
        await unloadNow();
        changed();
      }),
    async details() {
      const remote = options.remote?.();
      if (remote) return { remote: true as const, name: remote.name, server: remoteLabel(remote), contextSize: remote.contextSize, notes: remote.notes };
      const m = model;
      if (!m) return null;
      const usage = await m.memoryUsage();
      return {
        ...currentModelOf(m),
        gpuNames: m.info.gpuNames,
        modelVramBytes: usage.modelVramBytes,
        weightsBytes: usage.weightsBytes,
        vramTotalBytes: usage.vramTotalBytes,
        vramUsedBytes: usage.vramUsedBytes,
        vramFreeBytes: usage.vramFreeBytes,
        contextUsed: m.contextUsed,
      };
    },
    status: () => {
      const remote = options.remote?.();
      if (remote) return { model: remote.name, backend: remoteLabel(remote), contextUsed: null, contextSize: remote.contextSize };
      return {
        model: model?.name ?? null,
        backend: model ? `${model.info.backend}${layersOf(model)}` : "/model NAME loads one",
        contextUsed: model?.contextUsed ?? 0,
        contextSize: model?.contextSize ?? 0,
      };
    },
    line: () => {
      const remote = options.remote?.();
      if (remote) return `${remote.name} · ${remoteLabel(remote)} · ${remote.contextSize} ctx`;
      return model ? `${model.name} · ${model.info.backend}${layersOf(model)} · ${model.contextSize} ctx` : "no model loaded";
    },
    async previewPull(uri, signal) {
      // The downloader is loaded when a download is asked for, never at start-up.
      const [{ planPull }, { hubOptionsFromEnv }] = await Promise.all([import("../engine/download/planPull.ts"), import("../engine/download/hubClient.ts")]);
      const plan = await planPull({ uri, hub: hubOptionsFromEnv(env), machine: await detect(), ...contextSize, ...(signal && { signal }) });
      const label = (m: RepoModel) => `${m.quantLabel ?? m.name} (${formatBytes(m.totalBytes)}${m.files.length > 1 ? ` in ${m.files.length} parts` : ""})`;
      const chosen = plan.model ? `${label(plan.model)}` : "";
      const explanation = plan.choice
        ? `${chosen ? `Choice: ${chosen}. ` : ""}${plan.choice.choice.reason}${plan.headerError ? ` (GGUF header unreadable, a current GQA shape for the size assumed: ${plan.headerError})` : ""}`
        : `Named in the address: ${chosen}.`;
      return { uri, repo: plan.uri.repo, available: plan.models.map(label), model: plan.model, explanation };
    },
    async download(preview, signal, onProgress) {
      if (!preview.model) throw new Error(`${preview.repo}: nothing to download for this machine; name a quant (hf:${preview.repo}:Q2_K)`);
      const [{ downloadRepoModel }, { DEFAULT_RETRIES }, { hubOptionsFromEnv }] = await Promise.all([
        import("../engine/download/downloadRepoModel.ts"), import("../engine/download/pullModel.ts"), import("../engine/download/hubClient.ts"),
      ]);
      // A dropped link resumes by itself, as `taproom pull` does.
      const result = await downloadRepoModel({
        hub: hubOptionsFromEnv(env), repo: preview.repo, model: preview.model, modelsDir, signal, onProgress, progressIntervalMs: 100,
        retries: DEFAULT_RETRIES,
      });
      return result.paths[0]!;
    },
    tokenizer: async (path) => loadTokenizer(await find(path)),
    async noModelNotice() {
      const where = await folders();
      const machine = await detect().catch(() => undefined);
      const models = machine ? await scanModelLibrary({ folders: where, machine, cachePath: defaultModelCachePath(root) }) : [];
      const usable = models.filter((m) => !m.error);
      const intro = machine ? `${describeFitMachine(machine)}. ` : "";
      if (usable.length === 0) {
        return `${intro}No model loaded and none found in ${where[0]}. Get one with: taproom fit --params 8B (which quant suits you), then taproom pull hf:USER/REPO; or start with taproom --model FILE.gguf`;
      }
      const list = usable.slice(0, 5).map((m) => `${m.paths[0]} (${m.verdict?.summary ?? "unknown fit"})`).join(", ");
      return `${intro}No model loaded. Found: ${list}. Start with taproom --model PATH`;
    },
    addFolder: (folder, cwd) => addModelFolder(root, folder, cwd),
    removeFolder: (folder, cwd) => removeModelFolder(root, folder, cwd),
  };
  return { service, loaded: () => model, close: () => serial(unloadNow) };
}

import { basename } from "node:path";
import type { LlamaContext, LlamaContextSequence, LlamaGrammarEvaluationState, LlamaModel, Token, TokenBias } from "node-llama-cpp";
import type { TurnGenerationRequest, TurnModel } from "../chatTurn.ts";
import type { LibraryFacts } from "../library/readModelFacts.ts";
import { readModelFile } from "./readModelFile.ts";
import { checkLoadIsolated } from "./loadCheck.ts";
import { detectMachine } from "../planning/detectMachine.ts";
import type { MachineFacts } from "../planning/machine.ts";
import { LoadPlanError, planLoad, type LoadPlan, type PlanLoadOptions } from "../planning/planLoad.ts";
import { getLlamaFor, recentLlamaLogs, type GpuChoice } from "../runtime/llama.ts";
import { ContextOverflowError, GrammarError, ModelLoadCancelledError, ModelLoadError } from "./errors.ts";
import type { DrySupport, LogitBias } from "./samplerOptions.ts";
import type { ReplyInput } from "./generateReply.ts";
import { presetBias } from "./presetBias.ts";
import type { SamplerSettings } from "../../core/samplers/types.ts";
import type { InstructTemplate } from "../../core/prompt/templates.ts";
import type { ModelIdentity, StateKey } from "../../core/promptCache/state.ts";
import { describeKvStrategy, kvStrategy, type KvStrategy } from "../kv/strategy.ts";
import { modelIdentity } from "../kv/modelIdentity.ts";
import type { PromptCacheOptions, SaveReport } from "../kv/sequenceCache.ts";
import { SequenceRunner, type GenerationResult } from "./sequenceRunner.ts";

export type { GenerationResult } from "./sequenceRunner.ts";

export interface LoadModelOptions {
  path: string;
  gpu?: GpuChoice;
  /** Layers on the GPU; unset lets the planner decide. */
  gpuLayers?: number;
  contextSize?: number;
  threads?: number;
  flashAttention?: boolean;
  /** Plan for these figures instead of probing the machine (the model screen already has them). */
  machine?: MachineFacts;
  /** Aborting stops the load and frees what was allocated: a ModelLoadCancelledError. */
  signal?: AbortSignal;
  /** Loading progress from 0 to 1 (weights, then the context). */
  onProgress?: (fraction: number) => void;
  /** Where files that test-loaded safely are remembered (see loadCheck.ts); this process only without it. */
  loadCheckFile?: string;
  /** Sequences that generate side by side (taproom serve --parallel); the planned context is split between them. */
  sequences?: number;
}

/** What the loaded model occupies now: the GPU device's figures and this model's own share. */
export interface ModelMemoryUsage {
  backend: LoadedModelInfo["backend"];
  /** The GPU device(s) as llama.cpp reads them at this moment; all 0 on the CPU backend. */
  vramTotalBytes: number;
  vramUsedBytes: number;
  vramFreeBytes: number;
  /** VRAM this model took when it loaded (device use after the load less before it); 0 on the CPU. */
  modelVramBytes: number;
  /** Weights in memory (GPU and CPU parts together). */
  weightsBytes: number;
  /** The context's KV cache and state. */
  contextBytes: number;
}

/** What was chosen at load time, and why, for the status line and the model panel. */
export interface LoadedModelInfo {
  path: string;
  name: string;
  backend: "cuda" | "vulkan" | "metal" | "cpu";
  gpuLayers: number;
  totalLayers: number;
  contextSize: number;
  threads: number;
  trainContext: number;
  facts: LibraryFacts;
  reasons: string[];
  suggestions: string[];
  /** GPU device names (empty on the CPU). */
  gpuNames: string[];
  /** VRAM the load took on the device (0 on the CPU backend). */
  vramBytes: number;
  /** The weights' size in memory, wherever they are. */
  weightsBytes: number;
  /** How the KV cache is reused between turns (see engine/kv/strategy.ts). */
  kvStrategy: KvStrategy;
}


/** A model and its context as loaded, before a surface wraps them (the chat's LoadedModel, the server's slots). */
export interface OpenedModel {
  model: LlamaModel;
  context: LlamaContext;
  info: LoadedModelInfo;
  runtime: LoadedModelRuntime;
}

export async function loadModel(options: LoadModelOptions): Promise<LoadedModel> {
  const opened = await openModel(options);
  return new LoadedModel(opened.model, opened.context, opened.context.getSequence(), opened.info, opened.runtime);
}

/** Plans and loads a model with its context (of `options.sequences` sequences, 1 by default). */
export async function openModel(options: LoadModelOptions): Promise<OpenedModel> {
  const { path, signal } = options;
  const cancelled = () => new ModelLoadCancelledError(path);
  if (signal?.aborted) throw cancelled();
  const { facts, fileBytes } = await readModelFile(path);
  const machine = options.machine ?? (await detectMachine({ backend: options.gpu ?? "auto" }));
  const plan = planOrExplain(path, {
    model: { ...facts, fileBytes },
    machine,
    wishes: {
      ...(options.contextSize !== undefined && { contextSize: options.contextSize }),
      ...(options.gpuLayers !== undefined && { gpuLayers: options.gpuLayers }),
      ...(options.threads !== undefined && { threads: options.threads }),
      ...(options.flashAttention !== undefined && { flashAttention: options.flashAttention }),
      ...(options.machine && options.gpu && { gpu: options.gpu }),
    },
  });
  if (!plan.runnable) throw new ModelLoadError(path, [...plan.reasons, ...plan.suggestions].join("; "));
  const llama = await getLlamaFor(plan.backend === "cpu" ? "cpu" : plan.backend);
  const sequences = Math.max(1, Math.floor(options.sequences ?? 1));
  const { threads } = plan;
  // llama-server's -np: the planned context (the KV cache's memory) is shared by the sequences.
  const contextSize = Math.floor(plan.contextSize / sequences);
  if (sequences > 1 && contextSize < 256) throw new ModelLoadError(path, `${plan.contextSize} tokens of context split ${sequences} ways leaves ${contextSize} per sequence; ask for a larger --context or fewer sequences`);
  const vramBefore = plan.backend === "cpu" ? 0 : (await llama.getVramState()).used;
  // Weights are most of the time; the context's allocation is the last step.
  const progress = (fraction: number) => options.onProgress?.(Math.min(1, Math.max(0, fraction)));
  progress(0);
  // A file this machine has not loaded before is loaded first in a child process: a native abort kills that, not the chat.
  await checkLoadIsolated(path, options.loadCheckFile ? { rememberFile: options.loadCheckFile } : {});
  if (signal?.aborted) throw cancelled();
  let model: LlamaModel;
  try {
    model = await llama.loadModel({
      modelPath: path,
      gpuLayers: plan.gpuLayers,
      // Unless asked or planned on, llama.cpp decides ("auto"): off, as planned for the CPU, evaluated prompts 1.4x slower.
      defaultContextFlashAttention: options.flashAttention ?? (plan.flashAttention || "auto"),
      ...(signal && { loadSignal: signal }),
      ...(options.onProgress && { onLoadProgress: (p: number) => progress(p * 0.95) }),
    });
  } catch (error) {
    if (signal?.aborted) throw cancelled();
    throw new ModelLoadError(path, explainLoadError(error));
  }
  if (signal?.aborted) {
    await model.dispose();
    throw cancelled();
  }
  const insights = model.fileInsights;
  let strategy = kvStrategy({
    architecture: model.fileInfo.metadata?.general?.architecture,
    isRecurrent: insights.isRecurrent,
    isHybrid: insights.isHybrid,
    ...(insights.swaSize !== undefined && { swaSize: insights.swaSize }),
  });
  let context: LlamaContext;
  const create = (swaFullCache: boolean) => model.createContext({ contextSize, threads, sequences, swaFullCache, ...(signal && { createSignal: signal }) });
  try {
    try {
      context = await create(strategy === "swa-full-cache");
    } catch (error) {
      // A full sliding-window cache takes more memory than the plan counted on: load without it, reuse by checkpoints.
      if (strategy !== "swa-full-cache" || signal?.aborted) throw error;
      context = await create(false);
      strategy = "checkpoints";
    }
  } catch (error) {
    await model.dispose();
    if (signal?.aborted) throw cancelled();
    throw new ModelLoadError(path, `${explainLoadError(error)} (context ${contextSize}: try --context ${Math.max(512, contextSize / 2)})`);
  }
  const vramAfter = plan.backend === "cpu" ? 0 : (await llama.getVramState()).used;
  progress(1);
  const info: LoadedModelInfo = {
    path,
    name: facts.name ?? basename(path).replace(/\.gguf$/i, ""),
    backend: plan.backend,
    gpuLayers: model.gpuLayers,
    totalLayers: plan.totalLayers,
    contextSize: context.contextSize,
    threads,
    trainContext: facts.trainContext,
    facts,
    reasons: [
      ...plan.reasons,
      ...(sequences > 1 ? [`${sequences} sequences of ${context.contextSize} tokens each: the ${plan.contextSize} planned are shared between them (as llama-server's --parallel does)`] : []),
      describeKvStrategy(strategy),
    ],
    suggestions: plan.suggestions,
    gpuNames: plan.backend === "cpu" ? [] : await llama.getGpuDeviceNames(),
    vramBytes: Math.max(0, vramAfter - vramBefore),
    weightsBytes: model.size,
    kvStrategy: strategy,
  };
  // Imported here, not at the top: node-llama-cpp is hundreds of modules and the app draws before it needs them.
  const { TokenBias, LlamaGrammarEvaluationState } = await import("node-llama-cpp");
  const { ownTemplateFrom } = await import("./renderChatTemplate.ts");
  return { model, context, info, runtime: { tokenBias: (m) => TokenBias.for(m), GrammarState: LlamaGrammarEvaluationState, ownTemplateFrom } };
}

function planOrExplain(path: string, options: PlanLoadOptions): LoadPlan {
  try {
    return planLoad(options);
  } catch (error) {
    if (error instanceof LoadPlanError) throw new ModelLoadError(path, error.message);
    throw error;
  }
}

function explainLoadError(error: unknown): string {
  const name = (error as Error)?.name ?? "";
  const message = ((error as Error)?.message ?? String(error)).split("\n")[0] ?? "";
  if (name === "InsufficientMemoryError" || /memory|alloc/i.test(message)) {
    return `not enough memory to load it (${message}); try fewer --gpu-layers, a smaller --context or a smaller quant`;
  }
  const lastLog = recentLlamaLogs.at(-1)?.message;
  return lastLog && !message.includes(lastLog) ? `${message} (llama.cpp: ${lastLog})` : message || "llama.cpp could not load it";
}

/** The parts of node-llama-cpp a loaded model uses beyond its own objects, handed over once loaded. */
export interface LoadedModelRuntime {
  tokenBias(model: LlamaModel): TokenBias;
  GrammarState: typeof LlamaGrammarEvaluationState;
  ownTemplateFrom(chatTemplate: string | undefined): InstructTemplate | undefined;
}

/** The key a saved state of this context has: the model's bytes, the context's size and cache layout, the template. */
export function stateKeyFor(context: LlamaContext, info: LoadedModelInfo): (template: string) => Promise<StateKey> {
  let identity: Promise<ModelIdentity> | undefined;
  return async (template) => {
    identity ??= modelIdentity(info.path, info.name);
    return {
      model: await identity,
      contextSize: context.contextSize,
      cacheLayout: `flash-attention=${context.flashAttention};swa-full-cache=${info.kvStrategy === "swa-full-cache"}`,
      template,
    };
  };
}

/** Token biases on a model: logit offsets, and bans that reach end-of-generation tokens too. */
export function biasSupport(model: LlamaModel, runtime: LoadedModelRuntime): DrySupport {
  return {
    textOf: (token) => model.detokenize([token], true),
    bias: (offsets) => {
      const bias = runtime.tokenBias(model);
      // TokenBias.set skips end-of-generation tokens; a ban of them (ban_eos_token) goes into its map directly (node-llama-cpp 3.21.1).
      const direct = (bias as unknown as { _biases: Map<number, number> })._biases;
      for (const [token, value] of offsets) {
        const logit = value === "never" ? -Infinity : value;
        if (model.isEogToken(token as Token)) direct.set(token, logit);
        else bias.set(token as Token, { logit });
      }
      return bias;
    },
  };
}

export class LoadedModel implements TurnModel {
  private busy = false;
  private readonly runner: SequenceRunner;

  constructor(
    private readonly model: LlamaModel,
    private readonly context: LlamaContext,
    private readonly sequence: LlamaContextSequence,
    readonly info: LoadedModelInfo,
    private readonly runtime: LoadedModelRuntime,
  ) {
    this.runner = new SequenceRunner(model, sequence, info.kvStrategy, stateKeyFor(context, info), biasSupport(model, runtime));
  }

  private get cache() {
    return this.runner.cache;
  }

  /** Where chats' KV states are saved, and whether blocks may be shifted out; the app sets it once. */
  usePromptCache(options: PromptCacheOptions): void {
    this.cache.configure(options);
  }

  /** Saves the KV state of the chat the model last served (if it changed), so it is reused after a restart. */
  saveState(): Promise<SaveReport | undefined> {
    return this.cache.save();
  }

  /** The last save's outcome, for the model panel. */
  get lastStateSave(): SaveReport | undefined {
    return this.cache.lastSave;
  }

  /** Empties the KV cache: the next prompt is evaluated whole. */
  async forgetCache(): Promise<void> {
    await this.cache.clear();
  }

  get name(): string {
    return this.info.name;
  }

  get contextSize(): number {
    return this.context.contextSize;
  }

  get trainContext(): number {
    return this.info.trainContext;
  }

  get chatTemplate(): string | undefined {
    return this.model.fileInfo.metadata.tokenizer?.chat_template;
  }

  private derived?: { template: InstructTemplate | undefined };

  /** The chat template as rendered from the GGUF (derived once), for templates taproom has no table for. */
  get ownTemplate(): InstructTemplate | undefined {
    this.derived ??= { template: this.runtime.ownTemplateFrom(this.chatTemplate) };
    return this.derived.template;
  }

  /** Tokens of the prompt being written to, while a generation runs. */
  private writing = 0;

  /** Tokens held in the KV cache: how much of the context is in use; during a generation, at least its prompt. */
  get contextUsed(): number {
    // While the prompt is evaluated the cache holds only the reused part (a few tokens when little is reused).
    return Math.max(this.sequence.nextTokenIndex, this.writing);
  }

  /** Special tokens are parsed: an assembled prompt's `<|im_start|>` is one token, not text. */
  tokenize(text: string): Token[] {
    return this.model.tokenize(text, true);
  }

  detokenize(tokens: readonly Token[]): string {
    return this.model.detokenize(tokens);
  }

  countTokens(text: string): number {
    return this.model.tokenize(text, true).length;
  }

  async generate(request: TurnGenerationRequest): Promise<GenerationResult> {
    if (this.busy) throw new Error("a generation is already running on this model");
    this.busy = true;
    try {
      return await this.run(request);
    } finally {
      this.busy = false;
      this.writing = 0;
    }
  }

  private promptTokens(prompt: string): Token[] {
    const tokens = this.model.tokenize(prompt, true);
    const bos = this.model.tokens.bos;
    if (bos !== null && this.model.tokens.shouldPrependBosToken && tokens[0] !== bos) tokens.unshift(bos);
    return tokens;
  }

  private eogCache?: number[];

  /** The chat's logit biases, bans and ban of end-of-generation, in this model's tokens. */
  private presetBias(samplers: SamplerSettings): LogitBias {
    const vocabularySize = this.model.fileInfo.metadata?.tokenizer?.ggml?.tokens?.length ?? 0;
    const eogTokens = () => (this.eogCache ??= Array.from({ length: vocabularySize }, (_, t) => t).filter((t) => this.model.isEogToken(t as Token)));
    return presetBias(samplers, {
      tokenize: (text) => this.model.tokenize(text, false),
      vocabularySize,
      get eogTokens() {
        return eogTokens();
      },
    });
  }

  /** The chat's grammar as a fresh evaluation state for one reply; a grammar llama.cpp cannot read is a GrammarError. */
  private async grammarFor(samplers: SamplerSettings): Promise<ReplyInput["grammar"]> {
    if (samplers.grammar.trim() === "") return undefined;
    let grammar;
    try {
      grammar = await this.model.llama.createGrammar({ grammar: samplers.grammar });
    } catch (error) {
      throw new GrammarError((error as Error)?.message?.split("\n")[0] ?? String(error));
    }
    return new this.runtime.GrammarState({ model: this.model, grammar });
  }

  private async run(request: TurnGenerationRequest): Promise<GenerationResult> {
    const tokens = this.promptTokens(request.prompt);
    if (tokens.length >= this.contextSize) throw new ContextOverflowError(tokens.length, this.contextSize);
    this.writing = tokens.length;
    const bias = this.presetBias(request.samplers);
    const grammar = await this.grammarFor(request.samplers);
    return this.runner.run({
      tokens,
      samplers: request.samplers,
      ...(bias.size > 0 && { bias }),
      ...(grammar && { grammar }),
      stops: request.stops,
      maxTokens: request.samplers.maxTokens,
      turn: { ...(request.chatId !== undefined && { chatId: request.chatId }), ...(request.layout && { layout: request.layout }) },
      ...(request.signal && { signal: request.signal }),
      ...(request.onText && { onText: request.onText }),
      ...(request.reasoning && { reasoning: request.reasoning }),
      ...(request.onReasoning && { onReasoning: request.onReasoning }),
    });
  }

  /** Reads the device now: for a model panel's "VRAM used / free". */
  async memoryUsage(): Promise<ModelMemoryUsage> {
    const onGpu = this.info.backend !== "cpu";
    const vram = onGpu ? await this.model.llama.getVramState() : { total: 0, used: 0, free: 0 };
    return {
      backend: this.info.backend,
      vramTotalBytes: vram.total,
      vramUsedBytes: vram.used,
      vramFreeBytes: vram.free,
      modelVramBytes: onGpu ? this.info.vramBytes : 0,
      weightsBytes: this.model.size,
      contextBytes: this.context.stateSize,
    };
  }

  get unloaded(): boolean {
    return this.model.disposed;
  }

  /** Saves the chat's KV state (when a store is set), then frees the context and the weights; abort a running generation first. Safe to call twice. */
  async unload(): Promise<void> {
    if (this.model.disposed) return;
    await this.cache.save();
    await this.context.dispose();
    await this.model.dispose();
  }
}

import { basename } from "node:path";
import type { LlamaContext, LlamaContextSequence, LlamaModel, Token, TokenBias } from "node-llama-cpp";
import type { TurnGenerationRequest, TurnGenerationResult, TurnModel } from "../chatTurn.ts";
import type { LibraryFacts } from "../library/readModelFacts.ts";
import { readModelFile } from "./readModelFile.ts";
import { detectMachine } from "../planning/detectMachine.ts";
import type { MachineFacts } from "../planning/machine.ts";
import { LoadPlanError, planLoad, type LoadPlan, type PlanLoadOptions } from "../planning/planLoad.ts";
import { getLlamaFor, recentLlamaLogs, type GpuChoice } from "../runtime/llama.ts";
import { ContextOverflowError, ModelLoadCancelledError, ModelLoadError } from "./errors.ts";
import type { DrySupport } from "./samplerOptions.ts";
import type { InstructTemplate } from "../../core/prompt/templates.ts";
import type { ModelIdentity, StateKey } from "../../core/promptCache/state.ts";
import type { ReuseFacts } from "../../core/promptCache/explain.ts";
import { generateReply } from "./generateReply.ts";
import { describeKvStrategy, kvStrategy, type KvStrategy } from "../kv/strategy.ts";
import { modelIdentity } from "../kv/modelIdentity.ts";
import { SequenceCache, type PromptCacheOptions, type SaveReport } from "../kv/sequenceCache.ts";

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

export interface GenerationResult extends TurnGenerationResult {
  promptTokens: number;
  evaluatedPromptTokens: number;
  reusedPromptTokens: number;
  promptMs: number;
  durationMs: number;
  tokensPerSecond: number;
  /** What the KV cache held and what of it served this prompt. */
  reuse: ReuseFacts;
}

export async function loadModel(options: LoadModelOptions): Promise<LoadedModel> {
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
  const { contextSize, threads } = plan;
  const vramBefore = plan.backend === "cpu" ? 0 : (await llama.getVramState()).used;
  // Weights are most of the time; the context's allocation is the last step.
  const progress = (fraction: number) => options.onProgress?.(Math.min(1, Math.max(0, fraction)));
  progress(0);
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
  const create = (swaFullCache: boolean) => model.createContext({ contextSize, threads, sequences: 1, swaFullCache, ...(signal && { createSignal: signal }) });
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
    reasons: [...plan.reasons, describeKvStrategy(strategy)],
    suggestions: plan.suggestions,
    gpuNames: plan.backend === "cpu" ? [] : await llama.getGpuDeviceNames(),
    vramBytes: Math.max(0, vramAfter - vramBefore),
    weightsBytes: model.size,
    kvStrategy: strategy,
  };
  // Imported here, not at the top: node-llama-cpp is hundreds of modules and the app draws before it needs them.
  const { TokenBias } = await import("node-llama-cpp");
  const { ownTemplateFrom } = await import("./renderChatTemplate.ts");
  return new LoadedModel(model, context, context.getSequence(), info, { tokenBias: (m) => TokenBias.for(m), ownTemplateFrom });
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
interface LoadedModelRuntime {
  tokenBias(model: LlamaModel): TokenBias;
  ownTemplateFrom(chatTemplate: string | undefined): InstructTemplate | undefined;
}

export class LoadedModel implements TurnModel {
  private busy = false;
  private readonly cache: SequenceCache;
  private identity?: Promise<ModelIdentity>;

  constructor(
    private readonly model: LlamaModel,
    private readonly context: LlamaContext,
    private readonly sequence: LlamaContextSequence,
    readonly info: LoadedModelInfo,
    private readonly runtime: LoadedModelRuntime,
  ) {
    this.cache = new SequenceCache(sequence, model, info.kvStrategy, (template) => this.stateKey(template));
  }

  /** The key a saved state of this context has: the model's bytes, the context's size and cache layout, the template. */
  private async stateKey(template: string): Promise<StateKey> {
    this.identity ??= modelIdentity(this.info.path, this.info.name);
    return {
      model: await this.identity,
      contextSize: this.context.contextSize,
      cacheLayout: `flash-attention=${this.context.flashAttention};swa-full-cache=${this.info.kvStrategy === "swa-full-cache"}`,
      template,
    };
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

  get chatTemplate(): string | undefined {
    return this.model.fileInfo.metadata.tokenizer?.chat_template;
  }

  private derived?: { template: InstructTemplate | undefined };

  /** The chat template as rendered from the GGUF (derived once), for templates taproom has no table for. */
  get ownTemplate(): InstructTemplate | undefined {
    this.derived ??= { template: this.runtime.ownTemplateFrom(this.chatTemplate) };
    return this.derived.template;
  }

  /** Tokens now held in the KV cache: how much of the context is in use. */
  get contextUsed(): number {
    return this.sequence.nextTokenIndex;
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
    }
  }

  private readonly dry: DrySupport = {
    textOf: (token) => this.model.detokenize([token], true),
    penalise: (penalties) => {
      const bias = this.runtime.tokenBias(this.model);
      for (const [token, amount] of penalties) bias.set(token as Token, { logit: -amount });
      return bias;
    },
  };

  private promptTokens(prompt: string): Token[] {
    const tokens = this.model.tokenize(prompt, true);
    const bos = this.model.tokens.bos;
    if (bos !== null && this.model.tokens.shouldPrependBosToken && tokens[0] !== bos) tokens.unshift(bos);
    return tokens;
  }

  private async run(request: TurnGenerationRequest): Promise<GenerationResult> {
    const startedAt = performance.now();
    const tokens = this.promptTokens(request.prompt);
    if (tokens.length >= this.contextSize) throw new ContextOverflowError(tokens.length, this.contextSize);
    const turn = { ...(request.chatId !== undefined && { chatId: request.chatId }), ...(request.layout && { layout: request.layout }) };
    const { from, facts } = await this.cache.prepare(tokens, turn);
    try {
      const reply = await generateReply({
        model: this.model,
        sequence: this.sequence,
        tokens,
        from,
        samplers: request.samplers,
        stops: request.stops,
        maxTokens: Math.min(request.samplers.maxTokens, this.contextSize - tokens.length),
        contextSize: this.contextSize,
        dry: this.dry,
        checkpointPrompt: this.info.kvStrategy === "checkpoints",
        startedAt,
        ...(request.signal && { signal: request.signal }),
        ...(request.onText && { onText: request.onText }),
        ...(request.reasoning && { reasoning: request.reasoning }),
        ...(request.onReasoning && { onReasoning: request.onReasoning }),
      });
      const durationMs = performance.now() - startedAt;
      const genMs = Math.max(1, durationMs - reply.promptMs);
      return {
        text: reply.text,
        stopReason: reply.stopReason,
        tokens: reply.tokens,
        promptTokens: tokens.length,
        evaluatedPromptTokens: facts.evaluated,
        reusedPromptTokens: facts.reused,
        promptMs: reply.promptMs,
        durationMs,
        tokensPerSecond: reply.tokens > 1 ? ((reply.tokens - 1) * 1000) / genMs : 0,
        reuse: facts,
        ...(reply.reasoning && { reasoning: reply.reasoning }),
      };
    } finally {
      this.cache.settle(turn);
    }
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

import { basename } from "node:path";
import type { Llama, LlamaContext, LlamaContextSequence, LlamaModel, Token } from "node-llama-cpp";
import type { TurnGenerationRequest, TurnGenerationResult, TurnModel } from "../chatTurn.ts";
import type { LibraryFacts } from "../library/readModelFacts.ts";
import { readModelFile } from "./readModelFile.ts";
import { detectMachine } from "../fit/detectMachine.ts";
import { planLoad } from "../planner/planLoad.ts";
import { getLlamaFor, recentLlamaLogs, type GpuChoice } from "../runtime/llama.ts";
import { ContextOverflowError, ModelLoadError } from "./errors.ts";
import { toEvaluateOptions } from "./samplerOptions.ts";
import { scanForStops } from "./stopStrings.ts";

export interface LoadModelOptions {
  path: string;
  gpu?: GpuChoice;
  /** Layers on the GPU; unset lets the planner decide. */
  gpuLayers?: number;
  contextSize?: number;
  threads?: number;
  flashAttention?: boolean;
  /** Called with 0..1 as the weights load. */
  onProgress?: (fraction: number) => void;
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
  /** VRAM this load took (weights, KV cache, buffers), measured before and after; 0 on the CPU. */
  vramBytes: number;
  /** The weights' size in memory, wherever they are. */
  weightsBytes: number;
}

/** The GPU's memory right now (all zero on the CPU). */
export interface VramState {
  totalBytes: number;
  usedBytes: number;
  freeBytes: number;
}

export interface GenerationResult extends TurnGenerationResult {
  promptTokens: number;
  evaluatedPromptTokens: number;
  reusedPromptTokens: number;
  promptMs: number;
  durationMs: number;
  tokensPerSecond: number;
}

export async function loadModel(options: LoadModelOptions): Promise<LoadedModel> {
  const { path } = options;
  const { facts, fileBytes } = await readModelFile(path);
  const machine = await detectMachine({ backend: options.gpu ?? "auto" });
  const plan = planLoad({
    model: { ...facts, fileBytes },
    machine,
    wishes: {
      ...(options.contextSize !== undefined && { contextSize: options.contextSize }),
      ...(options.gpuLayers !== undefined && { gpuLayers: options.gpuLayers }),
      ...(options.threads !== undefined && { threads: options.threads }),
      ...(options.flashAttention !== undefined && { flashAttention: options.flashAttention }),
    },
  });
  if (!plan.runnable) throw new ModelLoadError(path, [...plan.reasons, ...plan.suggestions].join("; "));
  const llama = await getLlamaFor(plan.backend === "cpu" ? "cpu" : plan.backend);
  const { contextSize, threads } = plan;
  const vramBefore = (await llama.getVramState()).used;
  let model: LlamaModel;
  try {
    model = await llama.loadModel({
      modelPath: path,
      gpuLayers: plan.gpuLayers,
      defaultContextFlashAttention: plan.flashAttention,
      ...(options.onProgress && { onLoadProgress: options.onProgress }),
    });
  } catch (error) {
    throw new ModelLoadError(path, explainLoadError(error));
  }
  let context: LlamaContext;
  try {
    context = await model.createContext({ contextSize, threads, sequences: 1 });
  } catch (error) {
    await model.dispose();
    throw new ModelLoadError(path, `${explainLoadError(error)} (context ${contextSize}: try --context ${Math.max(512, contextSize / 2)})`);
  }
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
    reasons: plan.reasons,
    suggestions: plan.suggestions,
    gpuNames: plan.backend === "cpu" ? [] : await llama.getGpuDeviceNames(),
    vramBytes: Math.max(0, (await llama.getVramState()).used - vramBefore),
    weightsBytes: model.size,
  };
  return new LoadedModel(model, context, context.getSequence(), info, llama);
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

export class LoadedModel implements TurnModel {
  private busy = false;

  constructor(
    private readonly model: LlamaModel,
    private readonly context: LlamaContext,
    private readonly sequence: LlamaContextSequence,
    readonly info: LoadedModelInfo,
    private readonly llama?: Llama,
  ) {}

  /** The GPU's memory now: what this and every other program use, and what is left. */
  async vram(): Promise<VramState> {
    if (!this.llama || this.info.backend === "cpu") return { totalBytes: 0, usedBytes: 0, freeBytes: 0 };
    const state = await this.llama.getVramState();
    return { totalBytes: state.total, usedBytes: state.used, freeBytes: state.free };
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

  private promptTokens(prompt: string): Token[] {
    const tokens = this.model.tokenize(prompt, true);
    const bos = this.model.tokens.bos;
    if (bos !== null && this.model.tokens.shouldPrependBosToken && tokens[0] !== bos) tokens.unshift(bos);
    return tokens;
  }

  /** Keeps the longest common prefix in the KV cache; returns how many tokens were reused. */
  private async reusePrefix(tokens: Token[]): Promise<number> {
    const cached = this.sequence.nextTokenIndex;
    const { firstDifferentIndex } = this.sequence.compareContextTokens(tokens);
    // The last prompt token is always evaluated again: its logits pick the first reply token.
    const keep = Math.min(firstDifferentIndex, tokens.length - 1);
    if (keep < cached) await this.sequence.eraseContextTokenRanges([{ start: keep, end: cached }]);
    return keep;
  }

  private async run(request: TurnGenerationRequest): Promise<GenerationResult> {
    const { samplers, signal, onText } = request;
    const started = performance.now();
    const tokens = this.promptTokens(request.prompt);
    if (tokens.length >= this.contextSize) throw new ContextOverflowError(tokens.length, this.contextSize);
    const maxTokens = Math.min(samplers.maxTokens, this.contextSize - tokens.length);
    const reused = await this.reusePrefix(tokens);
    const generated: Token[] = [];
    const recent = () => [...tokens, ...generated];
    let emitted = 0;
    let text = "";
    // The evaluation ends by itself at an end-of-generation token.
    let stopReason: GenerationResult["stopReason"] = "eos";
    let promptMs = 0;
    if (signal?.aborted) stopReason = "abort";
    else {
      const evaluation = this.sequence.evaluate(tokens.slice(reused), toEvaluateOptions(samplers, recent, this.contextSize));
      for await (const token of evaluation) {
        if (generated.length === 0) promptMs = performance.now() - started;
        if (this.model.isEogToken(token)) {
          stopReason = "eos";
          break;
        }
        generated.push(token);
        const full = this.model.detokenize(generated);
        const scan = scanForStops(full, request.stops);
        text = full.slice(0, scan.stopAt ?? full.length);
        if (scan.safeLength > emitted) {
          onText?.(full.slice(emitted, scan.safeLength));
          emitted = scan.safeLength;
        }
        if (scan.stopAt !== undefined) {
          stopReason = "stop-string";
          break;
        }
        if (signal?.aborted) {
          stopReason = "abort";
          break;
        }
        if (generated.length >= maxTokens) {
          stopReason = "max-tokens";
          break;
        }
      }
    }
    if (stopReason !== "stop-string" && text.length > emitted) onText?.(text.slice(emitted));
    const durationMs = performance.now() - started;
    const genMs = Math.max(1, durationMs - promptMs);
    return {
      text,
      stopReason,
      tokens: generated.length,
      promptTokens: tokens.length,
      evaluatedPromptTokens: tokens.length - reused,
      reusedPromptTokens: reused,
      promptMs,
      durationMs,
      tokensPerSecond: generated.length > 1 ? ((generated.length - 1) * 1000) / genMs : 0,
    };
  }

  async unload(): Promise<void> {
    await this.context.dispose();
    await this.model.dispose();
  }
}

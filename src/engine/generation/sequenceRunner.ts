/**
 * One context sequence that generates: align its KV cache with a prompt's tokens
 * (SequenceCache: keep what it can, say what it reused), write the reply, and remember
 * what it now holds. The chat's loaded model has one; `taproom serve --parallel N` has N.
 */
import type { LlamaContextSequence, LlamaModel, Token } from "node-llama-cpp";
import type { ReuseFacts } from "../../core/promptCache/explain.ts";
import type { StateKey } from "../../core/promptCache/state.ts";
import type { SamplerSettings } from "../../core/samplers/types.ts";
import type { TurnGenerationResult } from "../chatTurn.ts";
import { SequenceCache, type CacheTurn } from "../kv/sequenceCache.ts";
import type { KvStrategy } from "../kv/strategy.ts";
import { ContextOverflowError } from "./errors.ts";
import { generateReply, type ReplyInput } from "./generateReply.ts";
import type { DrySupport, LogitBias } from "./samplerOptions.ts";

export interface TokenGenerationRequest {
  /** The whole prompt, beginning-of-sequence token included where the model wants one. */
  tokens: Token[];
  samplers: SamplerSettings;
  stops: readonly string[];
  /** Reply tokens at most; clamped to what the context leaves. */
  maxTokens: number;
  turn?: CacheTurn;
  /** False: this request does not reuse the cache (evaluated whole). */
  reuse?: boolean;
  bias?: LogitBias;
  grammar?: ReplyInput["grammar"];
  keepStop?: boolean;
  renderSpecial?: boolean;
  signal?: AbortSignal;
  onText?: (chunk: string, tokens: readonly Token[]) => void;
  /** Reasoning split out of the reply as it streams (see ReasoningStreamOptions). */
  reasoning?: ReplyInput["reasoning"];
  onReasoning?: (chunk: string) => void;
  /** Once the cache is aligned with the prompt: what it reused, before evaluation starts. */
  onPrepared?: (facts: ReuseFacts) => void;
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
  /** The stop string that ended the reply. */
  stopString?: string;
  /** The reply's tokens. */
  generated: Token[];
}

export class SequenceRunner {
  readonly cache: SequenceCache;

  constructor(
    private readonly model: LlamaModel,
    private readonly sequence: LlamaContextSequence,
    private readonly strategy: KvStrategy,
    keyFor: (template: string) => Promise<StateKey>,
    private readonly dry: DrySupport,
  ) {
    this.cache = new SequenceCache(sequence, model, strategy, keyFor);
  }

  get contextSize(): number {
    return this.sequence.contextSize;
  }

  /** The tokens the sequence's KV cache holds now. */
  get contextTokens(): readonly Token[] {
    return this.sequence.contextTokens;
  }

  /** How many leading tokens of `tokens` this sequence holds already. */
  sharedPrefix(tokens: readonly Token[]): number {
    return this.sequence.compareContextTokens(tokens as Token[]).firstDifferentIndex;
  }

  async run(request: TokenGenerationRequest): Promise<GenerationResult> {
    const startedAt = performance.now();
    const { tokens } = request;
    if (tokens.length >= this.contextSize) throw new ContextOverflowError(tokens.length, this.contextSize);
    const turn = request.turn ?? {};
    if (request.reuse === false) await this.cache.clear();
    const { from, facts } = await this.cache.prepare(tokens, turn);
    request.onPrepared?.(facts);
    try {
      const reply = await generateReply({
        model: this.model,
        sequence: this.sequence,
        tokens,
        from,
        samplers: request.samplers,
        stops: request.stops,
        maxTokens: Math.min(request.maxTokens, this.contextSize - tokens.length),
        contextSize: this.contextSize,
        dry: this.dry,
        checkpointPrompt: this.strategy === "checkpoints",
        startedAt,
        ...(request.bias && { bias: request.bias }),
        ...(request.grammar && { grammar: request.grammar }),
        ...(request.keepStop && { keepStop: true }),
        ...(request.renderSpecial && { renderSpecial: true }),
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
        generated: reply.generated,
        ...(reply.stopString !== undefined && { stopString: reply.stopString }),
        ...(reply.reasoning && { reasoning: reply.reasoning }),
      };
    } finally {
      this.cache.settle(turn);
    }
  }
}

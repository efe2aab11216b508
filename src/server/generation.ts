/**
 * One completion request from prompt tokens to text, the same for every route: fit the
 * prompt in the context (KoboldCpp truncates its oldest tokens, llama.cpp and OpenAI
 * refuse), prepare grammars, wait for a sequence, generate each choice, and log what
 * the KV cache reused and how it ended.
 */
import type { GenerationResult, ReuseFacts, ServedModel } from "../app/serving.ts";
import { HttpError, type Family } from "./http/errors.ts";
import { quoted, seconds, type RequestLog } from "./log.ts";
import type { GenerationParams } from "./request/normalize.ts";
import { LeftQueueError, QueueFullError, type Lease, type Scheduler } from "./scheduler/scheduler.ts";

export interface CompletionJob {
  id: number;
  family: Family;
  /** The prompt's tokens, BOS included where it belongs. */
  tokens: number[];
  /** Leading tokens KoboldCpp-style truncation keeps (BOS and `memory`). */
  protect?: number;
  params: GenerationParams;
  /** Aborted when the client leaves (or /api/extra/abort names it); the reason is logged. */
  signal: AbortSignal;
  onQueued?: (position: number) => void;
  /** A choice begins generating on a sequence. */
  onStart?: (index: number, sequence: number) => void;
  onText?: (piece: string, tokens: readonly number[], index: number) => void;
  /** Text of the running choice as it grows (KoboldCpp's generate/check). */
  onProgress?: (text: string) => void;
}

export interface ChoiceOutcome {
  index: number;
  text: string;
  stopReason: GenerationResult["stopReason"];
  stopString?: string;
  tokens: number;
  generated: number[];
  promptMs: number;
  durationMs: number;
  tokensPerSecond: number;
}

export interface CompletionOutcome {
  choices: ChoiceOutcome[];
  promptTokens: number;
  /** Prompt tokens the sequence's cache already held (first choice). */
  reused: number;
  evaluated: number;
  sequence: number;
  /** Tokens KoboldCpp-style truncation dropped. */
  dropped: number;
  maxTokens: number;
  /** The prompt as evaluated (after truncation). */
  tokens: number[];
}

export interface GenerationContext {
  model: ServedModel;
  scheduler: Scheduler;
  log: RequestLog;
  parallel: number;
}

/** KoboldCpp keeps at least this much of the context for the reply when it truncates. */
function replyReserve(context: number): number {
  return Math.max(Math.min(context - 4, 16), Math.floor(context * 0.2));
}

export interface FittedPrompt {
  tokens: number[];
  maxTokens: number;
  dropped: number;
}

/** The prompt and reply length within the context, or the 400 llama.cpp answers. */
export function fitPrompt(family: Family, tokens: number[], protect: number, asked: number | "context", context: number): FittedPrompt {
  const wanted = asked === "context" ? context : asked;
  if (family === "kobold") {
    const reserve = Math.min(Math.max(wanted, 1), replyReserve(context));
    const over = tokens.length + reserve - context;
    if (over > 0) {
      const keep = Math.max(protect, 0);
      if (tokens.length - keep - over < 1) throw new HttpError(400, `memory of ${keep} tokens leaves no room for the prompt in a context of ${context} tokens`);
      const fitted = [...tokens.slice(0, keep), ...tokens.slice(keep + over)];
      return { tokens: fitted, maxTokens: Math.min(wanted, context - fitted.length), dropped: over };
    }
    return { tokens, maxTokens: Math.min(wanted, context - tokens.length), dropped: 0 };
  }
  if (tokens.length >= context) {
    throw new HttpError(400, `request (${tokens.length} tokens) exceeds the available context size (${context} tokens), try increasing it`, {
      type: "exceed_context_size_error",
      extra: { n_prompt_tokens: tokens.length, n_ctx: context },
    });
  }
  return { tokens, maxTokens: Math.min(wanted, context - tokens.length), dropped: 0 };
}

function reuseLine(sequence: number, facts: ReuseFacts, cachePrompt: boolean): string {
  const percent = facts.promptTokens > 0 ? Math.round((facts.reused / facts.promptTokens) * 100) : 0;
  const shifted = facts.erased.reduce((sum, r) => sum + r.tokens, 0);
  const why = !cachePrompt ? " (cache_prompt false: evaluated whole)" : facts.reused === 0 && facts.miss ? ` (${facts.miss})` : "";
  return `seq ${sequence}: prompt ${facts.promptTokens} tokens, reused ${facts.reused} (${percent}%), evaluating ${facts.evaluated}${shifted > 0 ? `, ${shifted} tokens shifted out` : ""}${why}`;
}

function endLine(choice: ChoiceOutcome, n: number): string {
  const which = n > 1 ? ` choice ${choice.index}` : "";
  const rate = choice.tokensPerSecond > 0 ? ` (${choice.tokensPerSecond.toFixed(1)} t/s)` : "";
  const stop = choice.stopReason === "stop-string" ? `stop: ${quoted(choice.stopString ?? "")}` : choice.stopReason === "max-tokens" ? "length" : choice.stopReason;
  return `done${which}: ${choice.tokens} tokens in ${seconds(choice.durationMs)}${rate} after ${seconds(choice.promptMs)} prompt; ${stop}`;
}

async function grammarStates(model: ServedModel, params: GenerationParams, n: number) {
  const make = async () => {
    try {
      if (params.grammar !== undefined) return await model.grammarState(params.grammar);
      if (params.jsonSchema !== undefined) return await model.jsonSchemaState(params.jsonSchema);
    } catch (error) {
      const field = params.grammar !== undefined ? "grammar" : "json_schema";
      throw new HttpError(400, `${field}: ${((error as Error).message ?? String(error)).split("\n")[0]}`);
    }
    return undefined;
  };
  const states = [];
  for (let i = 0; i < n; i++) states.push(await make());
  return states;
}

/** Checks that cost nothing and must answer before any header goes out (the context, n, grammars). */
export async function prepareCompletion(ctx: GenerationContext, job: CompletionJob) {
  const { params } = job;
  if (params.n < 1 || params.n > ctx.parallel) {
    throw new HttpError(400, `n: ${params.n} completions asked for, and this server runs ${ctx.parallel} ${ctx.parallel === 1 ? "sequence" : "sequences"} (taproom serve --parallel N allows up to N)`);
  }
  const context = Math.min(ctx.model.contextSize, params.contextLimit ?? Infinity);
  const fitted = fitPrompt(job.family, job.tokens, job.protect ?? 0, params.maxTokens, context);
  if (fitted.dropped > 0) ctx.log.request(job.id, `prompt ${job.tokens.length} tokens > context ${context}: dropped the oldest ${fitted.dropped} (KoboldCpp behaviour)`);
  const grammars = await grammarStates(ctx.model, params, params.n);
  if (params.notApplied.length > 0) ctx.log.request(job.id, `not applied (taproom has no such sampler): ${params.notApplied.join(", ")}`);
  return { fitted, grammars };
}

/** Waits for a sequence; a full queue is a 503 and a client gone while waiting a LeftQueueError. */
export async function acquireSequence(ctx: GenerationContext, job: CompletionJob): Promise<Lease> {
  try {
    return await ctx.scheduler.acquire(job.tokens, {
      ...(job.params.idSlot !== undefined && { preferred: job.params.idSlot }),
      signal: job.signal,
      onPosition: (position) => {
        ctx.log.request(job.id, `queued (position ${position}, ${ctx.scheduler.running} of ${ctx.parallel} ${ctx.parallel === 1 ? "sequence" : "sequences"} busy)`);
        job.onQueued?.(position);
      },
    });
  } catch (error) {
    if (error instanceof QueueFullError) throw new HttpError(503, error.message, { headers: { "Retry-After": "2" } });
    if (error instanceof LeftQueueError) ctx.log.request(job.id, "left the queue (client closed the connection)");
    throw error;
  }
}

export async function runCompletion(ctx: GenerationContext, job: CompletionJob, prepared: Awaited<ReturnType<typeof prepareCompletion>>, lease: Lease): Promise<CompletionOutcome> {
  const { params } = job;
  const { fitted, grammars } = prepared;
  const sequence = ctx.model.sequences[lease.index]!;
  const bias = new Map(params.bias);
  if (params.banEog) for (const token of ctx.model.eogTokens()) bias.set(token, "never");
  const choices: ChoiceOutcome[] = [];
  let first: GenerationResult | undefined;
  try {
    for (let index = 0; index < params.n && !job.signal.aborted; index++) {
      job.onStart?.(index, lease.index);
      let text = "";
      const result = await sequence.run({
        tokens: fitted.tokens as never,
        samplers: params.samplers,
        stops: params.stops,
        maxTokens: fitted.maxTokens,
        reuse: params.cachePrompt,
        keepStop: !params.trimStop,
        renderSpecial: params.renderSpecial,
        signal: job.signal,
        ...(bias.size > 0 && { bias }),
        ...(grammars[index] && { grammar: grammars[index] }),
        onPrepared: (facts) => ctx.log.request(job.id, reuseLine(lease.index, facts, params.cachePrompt)),
        onText: (piece, tokens) => {
          text += piece;
          job.onProgress?.(text);
          job.onText?.(piece, tokens, index);
        },
      });
      first ??= result;
      const choice: ChoiceOutcome = {
        index,
        text: result.text,
        stopReason: result.stopReason,
        ...(result.stopString !== undefined && { stopString: result.stopString }),
        tokens: result.tokens,
        generated: result.generated,
        promptMs: result.promptMs,
        durationMs: result.durationMs,
        tokensPerSecond: result.tokensPerSecond,
      };
      choices.push(choice);
      if (result.stopReason === "abort") {
        const reason = typeof job.signal.reason === "string" ? job.signal.reason : "client closed the connection";
        ctx.log.request(job.id, `aborted (${reason}) after ${result.tokens} tokens`);
      } else ctx.log.request(job.id, endLine(choice, params.n));
    }
  } finally {
    lease.release();
  }
  return {
    choices,
    promptTokens: fitted.tokens.length,
    reused: first?.reusedPromptTokens ?? 0,
    evaluated: first?.evaluatedPromptTokens ?? fitted.tokens.length,
    sequence: lease.index,
    dropped: fitted.dropped,
    maxTokens: fitted.maxTokens,
    tokens: fitted.tokens,
  };
}

/** OpenAI's and KoboldCpp's finish reason: "stop" for the end of text or a stop string, "length" for the limit. */
export const finishReason = (choice: ChoiceOutcome) => (choice.stopReason === "max-tokens" ? "length" : "stop");

/** llama.cpp's `timings` object. */
export function timings(outcome: CompletionOutcome, choice: ChoiceOutcome) {
  const evalMs = Math.max(0, choice.durationMs - choice.promptMs);
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    cache_n: outcome.reused,
    prompt_n: outcome.evaluated,
    prompt_ms: round(choice.promptMs),
    prompt_per_token_ms: outcome.evaluated > 0 ? round(choice.promptMs / outcome.evaluated) : 0,
    prompt_per_second: choice.promptMs > 0 ? round((outcome.evaluated * 1000) / choice.promptMs) : 0,
    predicted_n: choice.tokens,
    predicted_ms: round(evalMs),
    predicted_per_token_ms: choice.tokens > 0 ? round(evalMs / choice.tokens) : 0,
    predicted_per_second: round(choice.tokensPerSecond),
  };
}

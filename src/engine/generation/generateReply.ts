/**
 * The per-token loop of one reply: evaluate the prompt's new tokens, then sample until
 * an end-of-generation token, a stop string, the token limit or an abort. Work per
 * token does not grow with the reply: each token is detokenized alone (TokenText),
 * stop strings are looked for in the new text only (StopWatcher), and the penalties
 * get the last N tokens without copying the whole sequence.
 */
import type { LlamaContextSequence, LlamaModel, SequenceEvaluateOptions, Token } from "node-llama-cpp";
import { ReasoningSplitter, type ReasoningMarkers } from "../../core/reasoning/index.ts";
import type { SamplerSettings } from "../../core/samplers/types.ts";
import type { GenerationInfo } from "../../core/chat/types.ts";
import { toEvaluateOptions, type DrySupport, type LogitBias, type RecentTokens } from "./samplerOptions.ts";
import { StopWatcher } from "./stopStrings.ts";

type StopReason = NonNullable<GenerationInfo["stopReason"]>;
import { TokenText } from "./tokenText.ts";

export interface ReplyInput {
  model: LlamaModel;
  sequence: LlamaContextSequence;
  /** The whole prompt; `from` of them are already in the sequence. */
  tokens: Token[];
  from: number;
  samplers: SamplerSettings;
  stops: readonly string[];
  maxTokens: number;
  contextSize: number;
  dry?: DrySupport;
  /** Take a checkpoint once the prompt is in (recurrent models: the next turn restores it). */
  checkpointPrompt?: boolean;
  signal?: AbortSignal;
  /** Text as it becomes final, with the tokens generated since the last call. */
  onText?: (chunk: string, tokens: readonly Token[]) => void;
  /** Reasoning split out before stop strings see the text (see ReasoningStreamOptions). */
  reasoning?: ReasoningStreamOptions;
  onReasoning?: (chunk: string) => void;
  /** performance.now() when the turn began, for the prompt time. */
  startedAt: number;
  /** Logit offsets and bans for this reply (a server request's logit_bias, banned tokens, banned end of generation). */
  bias?: LogitBias;
  /** A grammar the reply must follow (a LlamaGrammarEvaluationState made for this reply). */
  grammar?: SequenceEvaluateOptions["grammarEvaluationState"];
  /** A matched stop string stays at the end of the text. */
  keepStop?: boolean;
  /** Special tokens are written into the text (end-of-generation tokens never are). */
  renderSpecial?: boolean;
}

/** How a reply's reasoning block is recognised: markers to try, or a block the prompt left open. */
export interface ReasoningStreamOptions {
  markers: ReasoningMarkers[];
  open?: { markers: ReasoningMarkers; reasoning?: string };
}

export interface ReplyReasoning {
  /** Trimmed, without markers. */
  text: string;
  /** From the start of the turn to the end of the block. */
  durationMs?: number;
}

export interface ReplyOutput {
  text: string;
  stopReason: StopReason;
  tokens: number;
  /** From `startedAt` to the first sampled token. */
  promptMs: number;
  /** The stop string that ended the reply. */
  stopString?: string;
  /** The reply's tokens. */
  generated: Token[];
  /** The reasoning block the reply began with (or the open one it went on with). */
  reasoning?: ReplyReasoning;
}

/** The last `count` tokens of prompt + reply, copying only those. */
function recentOf(prompt: readonly Token[], reply: readonly Token[]): RecentTokens {
  return (count) => {
    if (count <= 0) return [];
    if (count <= reply.length) return reply.slice(reply.length - count);
    return [...prompt.slice(Math.max(0, prompt.length - (count - reply.length))), ...reply];
  };
}

export async function generateReply(input: ReplyInput): Promise<ReplyOutput> {
  const { model, sequence, signal, onText } = input;
  const generated: Token[] = [];
  const text = new TokenText((tokens, last) => model.detokenize(tokens as Token[], input.renderSpecial ?? false, last as Token[] | undefined));
  const stops = new StopWatcher(input.stops, input.keepStop);
  // Reasoning is split off first: stop strings, and what is shown as the reply, see reply text only.
  const splitter = input.reasoning ? new ReasoningSplitter({ ...input.reasoning, startedAt: input.startedAt, now: () => performance.now() }) : undefined;
  let stopReason: StopReason = "eos";
  let promptMs = 0;
  let unsent = 0;
  const toReply = (piece: string): boolean => {
    if (!piece) return false;
    const { emit, stopped } = stops.push(piece);
    if (emit) {
      onText?.(emit, generated.slice(unsent));
      unsent = generated.length;
    }
    return stopped;
  };
  const show = (piece: string): boolean => {
    if (!splitter) return toReply(piece);
    const { reasoning, reply } = splitter.push(piece);
    if (reasoning) input.onReasoning?.(reasoning);
    return toReply(reply);
  };
  let pending = input.tokens.slice(input.from);
  if (signal?.aborted) stopReason = "abort";
  else if (input.maxTokens <= 0) {
    // Evaluate the prompt only (llama.cpp's n_predict 0): it is cached for the next request.
    if (pending.length > 0) await sequence.evaluateWithoutGeneratingNewTokens(pending);
    promptMs = performance.now() - input.startedAt;
    stopReason = "max-tokens";
  } else {
    if (input.checkpointPrompt && pending.length > 1) {
      await sequence.evaluateWithoutGeneratingNewTokens(pending.slice(0, -1));
      await sequence.takeCheckpoint();
      pending = pending.slice(-1);
    }
    const options = toEvaluateOptions(input.samplers, recentOf(input.tokens, generated), input.contextSize, input.dry, input.bias);
    if (input.grammar) options.grammarEvaluationState = input.grammar;
    for await (const token of sequence.evaluate(pending, options)) {
      if (generated.length === 0) promptMs = performance.now() - input.startedAt;
      if (model.isEogToken(token)) break;
      generated.push(token);
      if (show(text.push(token))) {
        stopReason = "stop-string";
        break;
      }
      if (signal?.aborted) {
        stopReason = "abort";
        break;
      }
      if (generated.length >= input.maxTokens) {
        stopReason = "max-tokens";
        break;
      }
    }
  }
  if (stopReason !== "stop-string") {
    if (show(text.flush()) || finishReasoning(splitter, input, toReply)) stopReason = "stop-string";
    else {
      const rest = stops.rest();
      if (rest) onText?.(rest, generated.slice(unsent));
    }
  }
  const reasoning = splitter?.hasReasoning ? { text: splitter.reasoning, ...(splitter.durationMs !== undefined && { durationMs: splitter.durationMs }) } : undefined;
  return { text: stops.value, stopReason, tokens: generated.length, promptMs, generated, ...(stops.matched !== undefined && { stopString: stops.matched }), ...(reasoning && { reasoning }) };
}

/** The stream ended: what the splitter held back goes out (a block never closed stays reasoning). */
function finishReasoning(splitter: ReasoningSplitter | undefined, input: ReplyInput, toReply: (piece: string) => boolean): boolean {
  if (!splitter) return false;
  const { reasoning, reply } = splitter.finish();
  if (reasoning) input.onReasoning?.(reasoning);
  return toReply(reply);
}

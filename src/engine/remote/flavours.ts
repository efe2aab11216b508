/**
 * What each remote API takes and answers: the route, the body with the samplers it
 * accepts (the rest are named as ignored), how a stream's piece and end read, and where
 * its model name and context size are found. Shapes are the servers' documented ones
 * (/work/wt/specs/serve.md, §3 and §8).
 */
import type { SamplerSettings } from "../../core/samplers/types.ts";

export const REMOTE_APIS = ["koboldcpp", "llamacpp", "openai", "ollama", "tabby", "vllm"] as const;
export type RemoteApi = (typeof REMOTE_APIS)[number];

type SamplerName = keyof SamplerSettings;

/** A piece of a reply as one API's stream frame (or whole answer) carries it. */
export interface Piece {
  text: string;
  /** The server's end of generation: eos, a stop string, or the length limit. */
  finish?: "eos" | "stop-string" | "max-tokens";
}

export interface Flavour {
  /** The samplers this API applies; the others are named as ignored. */
  accepts: readonly SamplerName[];
  generatePath(stream: boolean): string;
  body(input: { prompt: string; samplers: SamplerSettings; stops: string[]; stream: boolean; model: string; contextSize: number; genkey: string }): Record<string, unknown>;
  /** Reads one stream frame (or a whole non-streamed answer). */
  piece(data: Record<string, unknown>): Piece | undefined;
  /** The route that counts tokens, its body and how the count reads; none where the API has no such route. */
  tokenize?: { path: string; body(text: string): Record<string, unknown>; count(data: Record<string, unknown>): number | undefined };
  /** ndjson for Ollama, server-sent events for the rest. */
  framing: "sse" | "ndjson";
}

const ALL: readonly SamplerName[] = ["temperature", "topK", "topP", "minP", "repeatPenalty", "repeatLastN", "frequencyPenalty", "presencePenalty", "dryMultiplier", "dryBase", "dryAllowedLength", "dryLastN", "drySequenceBreakers", "xtcProbability", "xtcThreshold", "seed", "maxTokens"];
const without = (...names: SamplerName[]) => ALL.filter((n) => !names.includes(n));

function pick(samplers: SamplerSettings, accepts: readonly SamplerName[], wire: Partial<Record<SamplerName, string>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of accepts) {
    const field = wire[name];
    if (field !== undefined) out[field] = samplers[name];
  }
  return out;
}

const openAiFinish = (reason: unknown): Piece["finish"] => (reason === "length" ? "max-tokens" : reason === "stop" ? "eos" : undefined);

/** OpenAI's /v1/completions; vLLM and TabbyAPI take more samplers in the same body. */
function openAiLike(accepts: readonly SamplerName[], wire: Partial<Record<SamplerName, string>>): Flavour {
  return {
    accepts,
    framing: "sse",
    generatePath: () => "/v1/completions",
    body: ({ prompt, samplers, stops, stream, model }) => ({
      model,
      prompt,
      max_tokens: samplers.maxTokens,
      stream,
      ...(stops.length > 0 && { stop: stops.slice(0, 4) }),
      ...pick(samplers, accepts, wire),
      ...(accepts.includes("seed") && samplers.seed < 0 && { seed: undefined }),
    }),
    piece: (data) => {
      const choice = (data.choices as Array<Record<string, unknown>> | undefined)?.[0];
      if (!choice) return undefined;
      return { text: typeof choice.text === "string" ? choice.text : "", finish: openAiFinish(choice.finish_reason) };
    },
  };
}

const openAiWire = { temperature: "temperature", topP: "top_p", frequencyPenalty: "frequency_penalty", presencePenalty: "presence_penalty", seed: "seed" } as const;
const extendedWire = { ...openAiWire, topK: "top_k", minP: "min_p", repeatPenalty: "repetition_penalty" } as const;

const countOf = (value: unknown) => (typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : undefined);
const lengthOf = (value: unknown) => (Array.isArray(value) ? value.length : undefined);

export const flavours: Record<RemoteApi, Flavour> = {
  koboldcpp: {
    accepts: without("frequencyPenalty"),
    framing: "sse",
    generatePath: (stream) => (stream ? "/api/extra/generate/stream" : "/api/v1/generate"),
    tokenize: { path: "/api/extra/tokencount", body: (text) => ({ prompt: text, special: false }), count: (d) => countOf(d.value) },
    body: ({ prompt, samplers, stops, contextSize, genkey }) => ({
      prompt,
      max_length: samplers.maxTokens,
      max_context_length: contextSize,
      stop_sequence: stops,
      trim_stop: true,
      genkey,
      temperature: samplers.temperature,
      top_k: samplers.topK,
      top_p: samplers.topP,
      min_p: samplers.minP,
      rep_pen: samplers.repeatPenalty,
      rep_pen_range: samplers.repeatLastN,
      presence_penalty: samplers.presencePenalty,
      dry_multiplier: samplers.dryMultiplier,
      dry_base: samplers.dryBase,
      dry_allowed_length: samplers.dryAllowedLength,
      dry_penalty_last_n: samplers.dryLastN,
      dry_sequence_breakers: samplers.drySequenceBreakers,
      xtc_probability: samplers.xtcProbability,
      xtc_threshold: samplers.xtcThreshold,
      sampler_seed: samplers.seed,
    }),
    piece: (data) => {
      if (typeof data.token === "string") return { text: data.token, finish: koboldFinish(data.finish_reason) };
      const result = (data.results as Array<Record<string, unknown>> | undefined)?.[0];
      return result && { text: String(result.text ?? ""), finish: koboldFinish(result.finish_reason) ?? "eos" };
    },
  },
  llamacpp: {
    accepts: ALL,
    framing: "sse",
    generatePath: () => "/completion",
    tokenize: { path: "/tokenize", body: (text) => ({ content: text, add_special: false }), count: (d) => lengthOf(d.tokens) },
    body: ({ prompt, samplers, stops, stream }) => ({
      prompt,
      n_predict: samplers.maxTokens,
      stream,
      stop: stops,
      cache_prompt: true,
      temperature: samplers.temperature,
      top_k: samplers.topK,
      top_p: samplers.topP,
      min_p: samplers.minP,
      repeat_penalty: samplers.repeatPenalty,
      repeat_last_n: samplers.repeatLastN,
      frequency_penalty: samplers.frequencyPenalty,
      presence_penalty: samplers.presencePenalty,
      dry_multiplier: samplers.dryMultiplier,
      dry_base: samplers.dryBase,
      dry_allowed_length: samplers.dryAllowedLength,
      dry_penalty_last_n: samplers.dryLastN,
      dry_sequence_breakers: samplers.drySequenceBreakers,
      xtc_probability: samplers.xtcProbability,
      xtc_threshold: samplers.xtcThreshold,
      seed: samplers.seed,
    }),
    piece: (data) => {
      if (typeof data.content !== "string") return undefined;
      if (data.stop !== true) return { text: data.content };
      const type = data.stop_type;
      return { text: data.content, finish: type === "limit" ? "max-tokens" : type === "word" ? "stop-string" : "eos" };
    },
  },
  openai: openAiLike(["temperature", "topP", "frequencyPenalty", "presencePenalty", "seed", "maxTokens"], openAiWire),
  vllm: withTokenize(openAiLike(["temperature", "topP", "topK", "minP", "repeatPenalty", "frequencyPenalty", "presencePenalty", "seed", "maxTokens"], extendedWire), { path: "/tokenize", body: (text) => ({ prompt: text, add_special_tokens: false }), count: (d) => countOf(d.count) }),
  tabby: withTokenize(openAiLike(without("drySequenceBreakers"), {
    ...extendedWire,
    repeatLastN: "penalty_range",
    dryMultiplier: "dry_multiplier",
    dryBase: "dry_base",
    dryAllowedLength: "dry_allowed_length",
    dryLastN: "dry_range",
    xtcProbability: "xtc_probability",
    xtcThreshold: "xtc_threshold",
  }), { path: "/v1/token/encode", body: (text) => ({ text, add_bos_token: false }), count: (d) => countOf(d.length) ?? lengthOf(d.tokens) }),
  ollama: {
    accepts: without("dryMultiplier", "dryBase", "dryAllowedLength", "dryLastN", "drySequenceBreakers", "xtcProbability", "xtcThreshold"),
    framing: "ndjson",
    generatePath: () => "/api/generate",
    body: ({ prompt, samplers, stops, stream, model, contextSize }) => ({
      model,
      prompt,
      raw: true,
      stream,
      options: {
        num_predict: samplers.maxTokens,
        num_ctx: contextSize,
        stop: stops,
        temperature: samplers.temperature,
        top_k: samplers.topK,
        top_p: samplers.topP,
        min_p: samplers.minP,
        repeat_penalty: samplers.repeatPenalty,
        repeat_last_n: samplers.repeatLastN,
        frequency_penalty: samplers.frequencyPenalty,
        presence_penalty: samplers.presencePenalty,
        ...(samplers.seed >= 0 && { seed: samplers.seed }),
      },
    }),
    piece: (data) => {
      if (typeof data.response !== "string") return undefined;
      if (data.done !== true) return { text: data.response };
      return { text: data.response, finish: data.done_reason === "length" ? "max-tokens" : "eos" };
    },
  },
};

function withTokenize(flavour: Flavour, tokenize: NonNullable<Flavour["tokenize"]>): Flavour {
  return { ...flavour, tokenize };
}

function koboldFinish(reason: unknown): Piece["finish"] {
  return reason === "length" ? "max-tokens" : reason === "stop" ? "eos" : undefined;
}

/** The samplers set away from "off" that this API would not apply: said once, when connecting and in the turn's report. */
export function ignoredSamplers(api: RemoteApi): SamplerName[] {
  return ALL.filter((name) => !flavours[api].accepts.includes(name) && name !== "maxTokens");
}

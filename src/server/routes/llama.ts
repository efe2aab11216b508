/**
 * llama.cpp-server-compatible routes: /completion, /tokenize, /detokenize, /health,
 * /props, as SillyTavern's llama.cpp connection and llama.cpp's own clients use them.
 */
import { HttpError } from "../http/errors.ts";
import { complete, type RouteContext } from "../context.ts";
import { timings, type ChoiceOutcome, type CompletionOutcome } from "../generation.ts";
import type { GenerationParams } from "../request/normalize.ts";
import { bool } from "../request/fields.ts";
import { checkTokens, streamed } from "./openai.ts";

export async function health(ctx: RouteContext): Promise<void> {
  if (!ctx.state.model) throw new HttpError(503, "Loading model");
  ctx.json(200, { status: "ok" });
}

/** The defaults a request gets for what it leaves out: the user's own samplers, as llama.cpp names them. */
function generationSettings(ctx: RouteContext, params?: GenerationParams, maxTokens?: number) {
  const s = params?.samplers ?? ctx.state.defaults;
  const n = maxTokens ?? s.maxTokens;
  return {
    n_predict: n,
    seed: s.seed < 0 ? 4294967295 : s.seed,
    temperature: s.temperature,
    dynatemp_range: 0,
    dynatemp_exponent: 1,
    top_k: s.topK,
    top_p: s.topP,
    min_p: s.minP,
    xtc_probability: s.xtcProbability,
    xtc_threshold: s.xtcThreshold,
    typical_p: 1,
    repeat_last_n: s.repeatLastN,
    repeat_penalty: s.repeatPenalty,
    presence_penalty: s.presencePenalty,
    frequency_penalty: s.frequencyPenalty,
    dry_multiplier: s.dryMultiplier,
    dry_base: s.dryBase,
    dry_allowed_length: s.dryAllowedLength,
    dry_penalty_last_n: s.dryLastN === 0 ? -1 : s.dryLastN,
    dry_sequence_breakers: s.drySequenceBreakers,
    mirostat: 0,
    mirostat_tau: 5,
    mirostat_eta: 0.1,
    stop: params?.stops ?? [],
    max_tokens: n,
    n_keep: 0,
    n_discard: 0,
    ignore_eos: params?.banEog ?? false,
    stream: params?.stream ?? true,
    n_probs: 0,
    min_keep: 0,
    grammar: params?.grammar ?? "",
    samplers: ["penalties", "dry", "top_k", "top_p", "min_p", "xtc", "temperature"],
  };
}

export async function props(ctx: RouteContext): Promise<void> {
  const model = ctx.model;
  const facts = model.facts;
  ctx.json(200, {
    default_generation_settings: {
      id: 0,
      id_task: -1,
      n_ctx: model.contextSize,
      speculative: false,
      is_processing: ctx.state.live.some((g) => g.status === "running"),
      params: generationSettings(ctx),
      prompt: "",
      next_token: { has_next_token: true, has_new_line: false, n_remain: -1, n_decoded: 0, stopping_word: "" },
    },
    total_slots: ctx.options.parallel,
    model_path: facts.fileName,
    // SillyTavern hashes it and calls endsWith on it: always a string, the GGUF's text unchanged.
    chat_template: facts.chatTemplate,
    modalities: { vision: false, audio: false },
    bos_token: facts.bosText,
    eos_token: facts.eosText,
    build_info: `taproom-${ctx.options.version}`,
    n_ctx: model.contextSize,
  });
}

export async function propsPost(): Promise<void> {
  throw new HttpError(501, "This server does not support changing its properties.");
}

export async function slots(): Promise<void> {
  throw new HttpError(501, "This server does not support slots endpoint.");
}

/** A string, tokens, or llama.cpp's mixed array of strings and token ids. */
function promptTokens(ctx: RouteContext, prompt: unknown, addBos: boolean | undefined): number[] {
  const bos = addBos ?? true;
  if (typeof prompt === "string") return ctx.model.tokenize(prompt, { addBos: bos });
  if (Array.isArray(prompt) && prompt.length > 0) {
    if (prompt.length === 1 && typeof prompt[0] === "string") return ctx.model.tokenize(prompt[0], { addBos: bos });
    if (prompt.every((x) => typeof x === "number" || typeof x === "string")) {
      if (prompt.filter((x) => typeof x === "string").length > 1 && prompt.every((x) => typeof x === "string")) throw new HttpError(400, "only one prompt per request");
      return checkTokens(ctx, prompt.flatMap((x) => (typeof x === "number" ? [x] : ctx.model.tokenize(x, { addBos: false }))));
    }
  }
  throw new HttpError(400, "prompt: expected a string, an array of token ids, or a mix of both");
}

function stopType(choice: ChoiceOutcome): string {
  return choice.stopReason === "stop-string" ? "word" : choice.stopReason === "max-tokens" ? "limit" : choice.stopReason === "eos" ? "eos" : "none";
}

function finalObject(ctx: RouteContext, outcome: CompletionOutcome, choice: ChoiceOutcome, params: GenerationParams, returnTokens: boolean, content: string) {
  return {
    index: choice.index,
    content,
    tokens: returnTokens ? choice.generated : [],
    id_slot: outcome.sequence,
    stop: true,
    model: ctx.options.modelId,
    tokens_predicted: choice.tokens,
    tokens_evaluated: outcome.promptTokens,
    tokens_cached: outcome.reused,
    generation_settings: generationSettings(ctx, params, outcome.maxTokens),
    prompt: ctx.options.verbose ? ctx.model.detokenize(outcome.tokens as never[]) : "",
    has_new_line: choice.text.includes("\n"),
    truncated: outcome.dropped > 0,
    stop_type: stopType(choice),
    stopping_word: choice.stopString ?? "",
    timings: timings(outcome, choice),
  };
}

export async function completion(ctx: RouteContext): Promise<void> {
  const body = await ctx.body();
  const params = ctx.params(body);
  const tokens = promptTokens(ctx, body.prompt, params.addBos);
  const returnTokens = bool(body, "return_tokens") ?? false;
  ctx.logRequest(body, params.stream);
  if (!params.stream) {
    const outcome = await complete(ctx, { tokens, params }, {});
    if (!outcome) return;
    const objects = outcome.choices.map((c) => finalObject(ctx, outcome, c, params, returnTokens, c.text));
    ctx.json(200, params.n > 1 ? objects : objects[0]);
    return;
  }
  const sse = ctx.sse();
  const predicted = new Map<number, number>();
  let slot = -1;
  await streamed(ctx, sse, async () => {
    const outcome = await complete(ctx, { tokens, params }, {
      stream: sse,
      onStart: (_index, sequence) => (slot = sequence),
      onText: (piece, ids, index) => {
        predicted.set(index, (predicted.get(index) ?? 0) + ids.length);
        sse.event({ index, content: piece, tokens: ids, stop: false, id_slot: slot, tokens_predicted: predicted.get(index), tokens_evaluated: tokens.length });
      },
    });
    if (!outcome) return;
    for (const c of outcome.choices) sse.event(finalObject(ctx, outcome, c, params, returnTokens, ""));
  });
}

export async function tokenize(ctx: RouteContext): Promise<void> {
  const body = await ctx.body();
  const content = body.content;
  if (content === undefined || content === null) {
    ctx.json(200, { tokens: [] });
    return;
  }
  if (typeof content !== "string") throw new HttpError(400, "content: expected a string");
  const tokens = ctx.model.tokenize(content, { addBos: bool(body, "add_special") ?? false, parseSpecial: bool(body, "parse_special") ?? true });
  if (bool(body, "with_pieces") !== true) {
    ctx.json(200, { tokens });
    return;
  }
  const decoder = new TextDecoder("utf-8", { fatal: true });
  ctx.json(200, {
    tokens: tokens.map((id) => {
      const bytes = ctx.model.pieceBytes(id as never);
      try {
        const piece = decoder.decode(bytes);
        return { id, piece: piece.includes("\ufffd") ? [...bytes] : piece };
      } catch {
        return { id, piece: [...bytes] };
      }
    }),
  });
}

export async function detokenize(ctx: RouteContext): Promise<void> {
  const body = await ctx.body();
  const tokens = body.tokens ?? [];
  if (!Array.isArray(tokens)) throw new HttpError(400, "tokens: expected an array of token ids");
  for (const id of tokens) {
    if (typeof id !== "number" || !ctx.model.isToken(id)) throw new HttpError(400, `tokens: ${JSON.stringify(id)} is not a token of this model (${ctx.model.facts.vocabSize} tokens)`);
  }
  ctx.json(200, { content: ctx.model.detokenize(tokens as never[]) });
}

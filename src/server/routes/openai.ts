/**
 * OpenAI-compatible routes: /v1/models, /v1/completions, /v1/chat/completions, as the
 * `openai` client, SillyTavern's text-completion types (KoboldCpp, vLLM, generic) and
 * llama.cpp's OAI layer frame them; streams end with `data: [DONE]`.
 */
import { HttpError } from "../http/errors.ts";
import { complete, completionId, type RouteContext } from "../context.ts";
import { finishReason, timings, type ChoiceOutcome, type CompletionOutcome } from "../generation.ts";
import type { Body } from "../request/fields.ts";
import { isSet } from "../request/fields.ts";
import type { ServedChatMessage } from "../../app/serving.ts";

export function modelCard(ctx: RouteContext) {
  const facts = ctx.model.facts;
  return {
    id: ctx.options.modelId,
    object: "model",
    created: ctx.state.loadedAt,
    owned_by: "taproom",
    max_model_len: facts.contextSize,
    meta: {
      vocab_type: facts.vocabType,
      n_vocab: facts.vocabSize,
      n_ctx_train: facts.trainContext,
      n_embd: facts.embeddingSize,
      n_params: facts.parameters,
      size: facts.sizeBytes,
      n_ctx: facts.contextSize,
    },
  };
}

export async function models(ctx: RouteContext): Promise<void> {
  ctx.json(200, { object: "list", data: [modelCard(ctx)] });
}

function usage(outcome: CompletionOutcome) {
  const completion = outcome.choices.reduce((sum, c) => sum + c.tokens, 0);
  return {
    prompt_tokens: outcome.promptTokens,
    completion_tokens: completion,
    total_tokens: outcome.promptTokens + completion,
    prompt_tokens_details: { cached_tokens: outcome.reused },
  };
}

/** The prompt of a text completion: a string, one string in an array, or tokens. */
function promptTokens(ctx: RouteContext, prompt: unknown, addBos: boolean | undefined): number[] {
  const model = ctx.model;
  const text = (s: string) => model.tokenize(s, { addBos: addBos ?? true });
  if (typeof prompt === "string") return text(prompt);
  if (Array.isArray(prompt)) {
    if (prompt.length === 0) throw new HttpError(400, "prompt: empty");
    if (prompt.every((x) => typeof x === "number")) return checkTokens(ctx, prompt as number[]);
    if (prompt.length === 1 && typeof prompt[0] === "string") return text(prompt[0]);
    if (prompt.length === 1 && Array.isArray(prompt[0]) && prompt[0].every((x: unknown) => typeof x === "number")) return checkTokens(ctx, prompt[0] as number[]);
    throw new HttpError(400, "only one prompt per request");
  }
  throw new HttpError(400, "prompt: expected a string or an array of token ids");
}

export function checkTokens(ctx: RouteContext, tokens: number[]): number[] {
  for (const id of tokens) if (!ctx.model.isToken(id)) throw new HttpError(400, `prompt: token ${id} is not in this model's vocabulary (${ctx.model.facts.vocabSize} tokens)`);
  return tokens;
}

function unsupported(body: Body): void {
  if (body.echo === true) throw new HttpError(400, "Unsupported param: echo");
  if (typeof body.suffix === "string" && body.suffix !== "") throw new HttpError(400, "Unsupported param: suffix");
  if (typeof body.best_of === "number" && body.best_of > 1) throw new HttpError(400, "Unsupported param: best_of");
}

const includeUsage = (body: Body) => (body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;

export async function completions(ctx: RouteContext): Promise<void> {
  const body = await ctx.body();
  unsupported(body);
  if (!isSet(body, "prompt")) throw new HttpError(400, "prompt: required");
  const params = ctx.params(body);
  const tokens = promptTokens(ctx, body.prompt, params.addBos);
  ctx.logRequest(body, params.stream);
  const base = { id: completionId("cmpl"), object: "text_completion", created: Math.floor(Date.now() / 1000), model: ctx.options.modelId, system_fingerprint: `taproom-${ctx.options.version}` };
  const choice = (index: number, text: string, finish: string | null) => ({ text, index, logprobs: null, finish_reason: finish });
  if (!params.stream) {
    const outcome = await complete(ctx, { tokens, params }, {});
    if (!outcome) return;
    ctx.json(200, {
      ...base,
      choices: outcome.choices.map((c) => choice(c.index, c.text, finishReason(c))),
      usage: usage(outcome),
      timings: timings(outcome, outcome.choices[0]!),
    });
    return;
  }
  const stream = ctx.sse();
  await streamed(ctx, stream, async () => {
    const outcome = await complete(ctx, { tokens, params }, {
      stream,
      onText: (piece, _tokens, index) => stream.event({ ...base, choices: [choice(index, piece, null)] }),
    });
    if (!outcome) return;
    for (const c of outcome.choices) stream.event({ ...base, choices: [choice(c.index, "", finishReason(c))], ...(c.index === outcome.choices.length - 1 && { timings: timings(outcome, c) }) });
    if (includeUsage(body)) stream.event({ ...base, choices: [], usage: usage(outcome) });
    stream.event("[DONE]");
  });
}

/** Runs a streaming answer: errors before the stream started are HTTP errors, after it an error event (OpenAI's shape). */
export async function streamed(ctx: RouteContext, stream: ReturnType<RouteContext["sse"]>, run: () => Promise<void>, errorEvent = (message: string) => stream.event({ error: { code: 500, message, type: "server_error" } })): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (!stream.headersSent) throw error;
    const message = ((error as Error).message ?? String(error)).split("\n")[0]!;
    ctx.state.log.request(ctx.id, `failed after the stream began: ${message}`);
    errorEvent(message);
  }
  // A stream that never started (the request waited and its client left) has nothing to close.
  stream.end();
}

function chatMessages(body: Body): ServedChatMessage[] {
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) throw new HttpError(400, "messages: required, a non-empty array");
  if (Array.isArray(body.tools) && body.tools.length > 0) throw new HttpError(400, "tools are not supported by taproom serve");
  if (body.tool_choice !== undefined && body.tool_choice !== null && body.tool_choice !== "none") throw new HttpError(400, "tools are not supported by taproom serve");
  return messages.map((m, i) => {
    const message = m as { role?: unknown; content?: unknown };
    if (message.role !== "system" && message.role !== "user" && message.role !== "assistant") {
      throw new HttpError(400, `messages[${i}].role: ${JSON.stringify(message.role)} is not one taproom serve takes (system, user, assistant)`);
    }
    return { role: message.role, content: messageText(message.content, i) };
  });
}

function messageText(content: unknown, i: number): string {
  if (typeof content === "string") return content;
  if (content === null || content === undefined) return "";
  if (Array.isArray(content)) {
    return content
      .map((part: { type?: unknown; text?: unknown }) => {
        if (part?.type === "text" && typeof part.text === "string") return part.text;
        if (part?.type === "image_url" || part?.type === "input_audio") throw new HttpError(400, "this model takes text only");
        throw new HttpError(400, `messages[${i}].content: unknown part ${JSON.stringify(part?.type)}`);
      })
      .join("");
  }
  throw new HttpError(400, `messages[${i}].content: expected a string or an array of parts`);
}

export async function chatCompletions(ctx: RouteContext): Promise<void> {
  const body = await ctx.body();
  const messages = chatMessages(body);
  const params = ctx.params(body);
  const rendered = await ctx.model.renderChat(messages);
  if (rendered === undefined) throw new HttpError(400, "this model's GGUF has no chat template that renders these messages: use /v1/completions with a prompt you build");
  const tokens = ctx.model.tokenize(rendered, { addBos: params.addBos ?? true });
  ctx.logRequest(body, params.stream);
  const base = { id: completionId("chatcmpl"), object: "chat.completion", created: Math.floor(Date.now() / 1000), model: ctx.options.modelId, system_fingerprint: `taproom-${ctx.options.version}` };
  if (!params.stream) {
    const outcome = await complete(ctx, { tokens, params }, {});
    if (!outcome) return;
    ctx.json(200, {
      ...base,
      choices: outcome.choices.map((c: ChoiceOutcome) => ({ index: c.index, message: { role: "assistant", content: c.text }, logprobs: null, finish_reason: finishReason(c) })),
      usage: usage(outcome),
    });
    return;
  }
  const stream = ctx.sse();
  const chunk = { ...base, object: "chat.completion.chunk" };
  const delta = (index: number, d: Record<string, string>, finish: string | null) => ({ ...chunk, choices: [{ index, delta: d, logprobs: null, finish_reason: finish }] });
  await streamed(ctx, stream, async () => {
    const outcome = await complete(ctx, { tokens, params }, {
      stream,
      onStart: (index) => stream.event(delta(index, { role: "assistant", content: "" }, null)),
      onText: (piece, _tokens, index) => stream.event(delta(index, { content: piece }, null)),
    });
    if (!outcome) return;
    for (const c of outcome.choices) stream.event(delta(c.index, {}, finishReason(c)));
    if (includeUsage(body)) stream.event({ ...chunk, choices: [], usage: usage(outcome) });
    stream.event("[DONE]");
  });
}

/**
 * KoboldCpp-compatible routes (/api/v1, /api/extra): what SillyTavern's KoboldCpp and
 * KoboldAI Classic connections and KoboldAI Lite call. Shapes are KoboldCpp 1.102's
 * (a superset of 1.76's); the feature level claimed is 1.76, whose handler was read.
 */
import { complete, type RouteContext } from "../context.ts";
import { finishReason } from "../generation.ts";
import { str } from "../request/fields.ts";
import { streamed } from "./openai.ts";

export const KOBOLD_VERSION = "1.76";
export const KOBOLD_API_VERSION = "1.2.5";

export async function model(ctx: RouteContext): Promise<void> {
  ctx.json(200, { result: ctx.authorized ? `taproom/${ctx.options.modelId}` : "taproom/protected-model" });
}

export async function infoVersion(ctx: RouteContext): Promise<void> {
  ctx.json(200, { result: KOBOLD_API_VERSION });
}

export async function extraVersion(ctx: RouteContext): Promise<void> {
  ctx.json(200, {
    result: "KoboldCpp",
    version: KOBOLD_VERSION,
    protected: ctx.options.apiKey !== undefined,
    llm: true,
    txt2img: false,
    vision: false,
    audio: false,
    transcribe: false,
    multiplayer: false,
    websearch: false,
    tts: false,
    embeddings: false,
    savedata: false,
    admin: 0,
    guidance: false,
    jinja: false,
    server: `taproom ${ctx.options.version}`,
  });
}

export async function contextLength(ctx: RouteContext): Promise<void> {
  ctx.json(200, { value: ctx.model.contextSize });
}

export async function maxLength(ctx: RouteContext): Promise<void> {
  ctx.json(200, { value: ctx.state.defaults.maxTokens });
}

export const softPrompt = async (ctx: RouteContext) => ctx.json(200, { value: "" });
export const softPromptsList = async (ctx: RouteContext) => ctx.json(200, { values: [] });

/** BOS, `memory`, then `prompt`; truncation keeps BOS and memory. */
function promptTokens(ctx: RouteContext, body: Record<string, unknown>, addBos: boolean | undefined): { tokens: number[]; protect: number } {
  const memory = str(body, "memory") ?? "";
  const prompt = str(body, "prompt") ?? "";
  const withBos = addBos ?? true;
  const head = ctx.model.tokenize(memory, { addBos: withBos });
  const tokens = ctx.model.tokenize(memory + prompt, { addBos: withBos });
  return { tokens, protect: head.length };
}

async function generation(ctx: RouteContext, stream: boolean): Promise<void> {
  const body = await ctx.body();
  const params = ctx.params(body);
  const { tokens, protect } = promptTokens(ctx, body, params.addBos);
  ctx.logRequest(body, stream);
  if (!stream) {
    const outcome = await complete(ctx, { tokens, protect, params: { ...params, n: 1 } }, {});
    if (!outcome) return;
    ctx.json(200, {
      results: outcome.choices.map((c) => ({
        text: c.text,
        tool_calls: [],
        finish_reason: finishReason(c),
        logprobs: null,
        prompt_tokens: outcome.promptTokens,
        completion_tokens: c.tokens,
      })),
    });
    return;
  }
  const sse = ctx.sse();
  await streamed(
    ctx,
    sse,
    async () => {
      const outcome = await complete(ctx, { tokens, protect, params: { ...params, n: 1 } }, {
        stream: sse,
        onText: (piece) => sse.event({ token: piece, finish_reason: null }, "message"),
      });
      if (!outcome) return;
      sse.event({ token: "", finish_reason: finishReason(outcome.choices[0]!) }, "message");
    },
    (message) => sse.event({ detail: { msg: message, type: "server_error" } }, "error"),
  );
}

export const generate = (ctx: RouteContext) => generation(ctx, false);
export const generateStream = (ctx: RouteContext) => generation(ctx, true);

export async function tokenCount(ctx: RouteContext): Promise<void> {
  const body = await ctx.body();
  const prompt = body.prompt;
  if (typeof prompt !== "string") {
    ctx.json(400, { value: -1 });
    return;
  }
  const special = body.special === undefined || body.special === null ? true : body.special === true;
  const ids = ctx.model.tokenize(prompt, { addBos: special });
  ctx.json(200, { value: ids.length, ids });
}

export async function detokenize(ctx: RouteContext): Promise<void> {
  const body = await ctx.body();
  const ids = body.ids;
  if (!Array.isArray(ids) || !ids.every((id) => typeof id === "number" && ctx.model.isToken(id))) {
    ctx.json(400, { result: "", success: false });
    return;
  }
  ctx.json(200, { result: ctx.model.detokenize(ids as never[]), success: true });
}

/**
 * Stops a generation: the one started with `genkey`, or, without one, the only one
 * running when nothing waits (with several clients we could not know whose it is).
 */
export async function abort(ctx: RouteContext): Promise<void> {
  const body = await ctx.body().catch(() => ({}) as Record<string, unknown>);
  const genkey = typeof body.genkey === "string" && body.genkey !== "" ? body.genkey : undefined;
  const active = ctx.state.live.filter((g) => g.status !== "done");
  const target = genkey !== undefined ? active.find((g) => g.genkey === genkey) : active.length === 1 && active[0]!.status === "running" ? active[0] : undefined;
  if (!target) {
    ctx.json(200, { success: "false", done: "false" });
    return;
  }
  const wasRunning = target.status === "running";
  target.controller.abort(genkey !== undefined ? `by /api/extra/abort (genkey ${genkey})` : "by /api/extra/abort");
  ctx.json(200, { success: "true", done: wasRunning ? "true" : "false" });
}

/** KoboldAI Lite's polling: the text so far of the generation with this genkey (never another client's). */
export async function check(ctx: RouteContext): Promise<void> {
  const body = ctx.req.method === "POST" ? await ctx.body() : {};
  const genkey = typeof body.genkey === "string" && body.genkey !== "" ? body.genkey : undefined;
  const all = ctx.state.live;
  const found = genkey !== undefined ? [...all].reverse().find((g) => g.genkey === genkey) : all.length === 1 && all[0]!.genkey === undefined ? all[0] : undefined;
  ctx.json(200, { results: [{ text: found?.text ?? "" }] });
}

export async function perf(ctx: RouteContext): Promise<void> {
  const active = ctx.state.live.filter((g) => g.status !== "done");
  ctx.json(200, { queue: active.filter((g) => g.status === "queued").length, idle: active.length === 0 ? 1 : 0, quiet: false });
}

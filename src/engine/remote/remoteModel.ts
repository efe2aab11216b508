/**
 * A model served by another program (KoboldCpp, llama.cpp's server, an OpenAI-compatible
 * server, Ollama, TabbyAPI, vLLM) as a TurnModel: taproom builds the prompt exactly as
 * for the embedded engine and sends it as a text completion, streamed, with the samplers
 * the API takes; stop strings are also cut here, so a server that ignores them still stops.
 */
import { randomBytes } from "node:crypto";
import type { TurnGenerationRequest, TurnGenerationResult, TurnModel } from "../chatTurn.ts";
import { StopWatcher } from "../generation/stopStrings.ts";
import { errorMessageOf, RemoteBackendError } from "./errors.ts";
import { flavours, ignoredSamplers, type Piece, type RemoteApi } from "./flavours.ts";
import { readFrames } from "./frames.ts";
import { SyncRequester } from "./syncRequest.ts";
import type { ModelTokenizer } from "../generation/loadTokenizer.ts";

export interface RemoteBackendOptions {
  url: string;
  api: RemoteApi;
  apiKey?: string;
  /** The model to ask for (OpenAI, Ollama, vLLM, Tabby); the server's first when not given. */
  model?: string;
  /** The context to build prompts for when the server does not say (or to ask less of it). */
  contextSize?: number;
  /** A GGUF whose vocabulary counts tokens where the server has no tokenize route (and whose chat template "auto" uses). */
  tokenizer?: string;
  signal?: AbortSignal;
}

export interface RemoteModel extends TurnModel {
  api: RemoteApi;
  url: string;
  /** What connecting found out, in words: the model, the context and where it came from, what is ignored. */
  notes: string[];
  /** Lets go of what connecting loaded (the GGUF's vocabulary). */
  close(): Promise<void>;
}

/** Characters per token assumed when the server cannot count: low, so prompts are not cut too late. */
const CHARS_PER_TOKEN = 3;
const DEFAULT_CONTEXT = 4096;

export async function connectRemote(options: RemoteBackendOptions): Promise<RemoteModel> {
  const url = options.url.replace(/\/+$/, "");
  if (!/^https?:\/\//i.test(url)) throw new RemoteBackendError(`--backend must be an http:// or https:// address, got "${options.url}"`);
  const call = caller(url, options);
  const vocab = options.tokenizer !== undefined ? await loadVocabulary(options.tokenizer) : undefined;
  try {
    return await connectWith(url, call, options, vocab);
  } catch (error) {
    await vocab?.close();
    throw error;
  }
}

async function loadVocabulary(path: string): Promise<ModelTokenizer> {
  const { loadTokenizer } = await import("../generation/loadTokenizer.ts");
  try {
    return await loadTokenizer(path);
  } catch (error) {
    throw new RemoteBackendError(`the tokenizer GGUF ${path}: ${(error as Error).message.split("\n")[0]}`);
  }
}

async function connectWith(url: string, call: Call, options: RemoteBackendOptions, vocab: ModelTokenizer | undefined): Promise<RemoteModel> {
  const found = await discover(call, options);
  const contextSize = Math.min(options.contextSize ?? found.contextSize ?? DEFAULT_CONTEXT, found.contextSize ?? Number.POSITIVE_INFINITY);
  const ignored = ignoredSamplers(options.api);
  const counter = await tokenCounter(url, options, call, vocab);
  const notes = [
    `${options.api} at ${url}: ${found.name}`,
    found.contextSize !== undefined
      ? `context ${contextSize} tokens (the server's ${found.contextSize}${options.contextSize !== undefined && options.contextSize < found.contextSize ? ", lowered by --context" : ""})`
      : `context ${contextSize} tokens (${options.contextSize !== undefined ? "--context" : "the server does not say; set --context"})`,
    counter.note,
    ...(ignored.length > 0 ? [`${options.api} ignores these samplers: ${ignored.join(", ")}`] : []),
  ];
  return {
    name: found.name,
    contextSize,
    api: options.api,
    url,
    notes,
    countTokens: counter.count,
    ...(vocab?.chatTemplate !== undefined && { chatTemplate: vocab.chatTemplate }),
    ...(vocab?.ownTemplate !== undefined && { ownTemplate: vocab.ownTemplate }),
    generate: (request) => generate(call, options, found.name, contextSize, request),
    close: async () => vocab?.close(),
  };
}

const estimate = (text: string) => Math.ceil(text.length / CHARS_PER_TOKEN);

/**
 * Counts from the server's tokenize route when it answers one (cached: history repeats
 * every turn), else from the GGUF given for it, else an estimate.
 */
async function tokenCounter(url: string, options: RemoteBackendOptions, call: Call, vocab?: ModelTokenizer): Promise<{ count: (text: string) => number; note: string }> {
  const route = flavours[options.api].tokenize;
  const estimated = (why: string) =>
    vocab
      ? { count: (text: string) => vocab.countTokens(text), note: `token counts from ${vocab.name}'s vocabulary (${options.tokenizer}): ${why}` }
      : { count: estimate, note: `token counts are estimated (about ${CHARS_PER_TOKEN} characters a token): ${why}; name the same model's GGUF as its tokenizer to count exactly` };
  if (!route) return estimated(`${options.api} has no tokenize endpoint`);
  try {
    const probe = route.count((await (await call(route.path, { body: route.body("Hello") })).json()) as Record<string, unknown>);
    if (probe === undefined) return estimated(`${route.path} answered without a count`);
  } catch {
    return estimated(`${route.path} did not answer`);
  }
  const requester = new SyncRequester();
  const cache = new Map<string, number>();
  const count = (text: string): number => {
    if (text === "") return 0;
    const known = cache.get(text);
    if (known !== undefined) return known;
    const answer = requester.post(`${url}${route.path}`, headersFor(options), route.body(text));
    let counted: number | undefined;
    if (answer.status === 200 && answer.text !== undefined) {
      try {
        counted = route.count(JSON.parse(answer.text) as Record<string, unknown>);
      } catch {
        counted = undefined;
      }
    }
    const value = counted ?? estimate(text);
    if (cache.size > 4096) cache.clear();
    if (counted !== undefined) cache.set(text, value);
    return value;
  };
  return { count, note: `token counts from the server's ${route.path}` };
}

function headersFor(options: RemoteBackendOptions): Record<string, string> {
  const headers: Record<string, string> = { "Content-Type": "application/json", Accept: "application/json, text/event-stream" };
  if (options.apiKey) {
    headers.Authorization = `Bearer ${options.apiKey}`;
    if (options.api === "tabby") headers["x-api-key"] = options.apiKey;
  }
  return headers;
}

type Call = (path: string, init?: { body?: unknown; signal?: AbortSignal }) => Promise<Response>;

function caller(url: string, options: RemoteBackendOptions): Call {
  const headers = headersFor(options);
  return async (path, init = {}) => {
    let response: Response;
    try {
      response = await fetch(`${url}${path}`, {
        method: init.body === undefined ? "GET" : "POST",
        headers,
        ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
        ...(init.signal && { signal: init.signal }),
      });
    } catch (error) {
      if (init.signal?.aborted) throw error;
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new RemoteBackendError(`cannot reach ${options.api} at ${url}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
    }
    if (!response.ok) {
      const why = errorMessageOf(await response.text().catch(() => ""));
      const hint = response.status === 401 || response.status === 403 ? " (wrong or missing API key?)" : "";
      throw new RemoteBackendError(`${options.api} at ${url} answered ${response.status} to ${path}: ${why}${hint}`);
    }
    return response;
  };
}

async function json(call: Call, path: string, signal?: AbortSignal): Promise<Record<string, unknown>> {
  const response = await call(path, signal ? { signal } : {});
  try {
    return (await response.json()) as Record<string, unknown>;
  } catch {
    throw new RemoteBackendError(`${path} did not answer JSON: is this server really what --api says?`);
  }
}

const positive = (value: unknown) => (typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.floor(value) : undefined);
const baseName = (path: string) => path.split(/[\\/]/).pop()!.replace(/\.gguf$/i, "");

async function discover(call: Call, options: RemoteBackendOptions): Promise<{ name: string; contextSize?: number }> {
  const signal = options.signal;
  switch (options.api) {
    case "koboldcpp": {
      const model = String((await json(call, "/api/v1/model", signal)).result ?? "unknown").replace(/^[^/]*\//, "");
      const context = positive((await json(call, "/api/extra/true_max_context_length", signal).catch(() => json(call, "/api/v1/config/max_context_length", signal))).value);
      return { name: model, ...(context !== undefined && { contextSize: context }) };
    }
    case "llamacpp": {
      const props = await json(call, "/props", signal);
      const context = positive((props.default_generation_settings as Record<string, unknown> | undefined)?.n_ctx);
      const path = typeof props.model_path === "string" ? props.model_path : "llama.cpp model";
      return { name: baseName(path), ...(context !== undefined && { contextSize: context }) };
    }
    case "ollama": {
      if (options.model) return { name: options.model };
      const models = (await json(call, "/api/tags", signal)).models as Array<{ name?: string }> | undefined;
      const name = models?.[0]?.name;
      if (!name) throw new RemoteBackendError("ollama has no model pulled: run ollama pull NAME on the server, then pass --remote-model NAME");
      return { name };
    }
    default: {
      const list = ((await json(call, "/v1/models", signal)).data as Array<Record<string, unknown>> | undefined) ?? [];
      const entry = options.model !== undefined ? list.find((m) => m.id === options.model) ?? { id: options.model } : list[0];
      if (!entry || typeof entry.id !== "string") throw new RemoteBackendError(`${options.api} lists no model at /v1/models`);
      let context = positive(entry.max_model_len) ?? positive((entry.meta as Record<string, unknown> | undefined)?.n_ctx);
      if (context === undefined && options.api === "tabby") {
        const loaded = await json(call, "/v1/model", signal).catch(() => ({}) as Record<string, unknown>);
        context = positive((loaded.parameters as Record<string, unknown> | undefined)?.max_seq_len);
      }
      return { name: entry.id, ...(context !== undefined && { contextSize: context }) };
    }
  }
}

async function generate(call: Call, options: RemoteBackendOptions, model: string, contextSize: number, request: TurnGenerationRequest): Promise<TurnGenerationResult> {
  const flavour = flavours[options.api];
  const started = performance.now();
  const local = new AbortController();
  const genkey = `TAPROOM${randomBytes(4).toString("hex")}`;
  const onAbort = () => local.abort();
  request.signal?.addEventListener("abort", onAbort, { once: true });
  const watcher = new StopWatcher(request.stops);
  let tokens = 0;
  let finish: Piece["finish"];
  let firstAt: number | undefined;
  try {
    const body = flavour.body({ prompt: request.prompt, samplers: request.samplers, stops: request.stops, stream: true, model, contextSize, genkey });
    const response = await call(flavour.generatePath(true), { body, signal: local.signal });
    // A server that answers the whole reply as one JSON body (it did not stream) is read as one frame.
    const whole = flavour.framing === "sse" && /^application\/json/i.test(response.headers.get("content-type") ?? "");
    for await (const frame of whole ? wholeBody(response) : readFrames(response.body!, flavour.framing)) {
      if (frame === "[DONE]") break;
      const piece = readPiece(frame, flavour.piece);
      if (!piece) continue;
      if (piece.text !== "") {
        tokens++;
        firstAt ??= performance.now();
        const { emit, stopped } = watcher.push(piece.text);
        if (emit) request.onText?.(emit);
        if (stopped) {
          finish = "stop-string";
          break;
        }
      }
      if (piece.finish) {
        finish = piece.finish;
        break;
      }
    }
  } catch (error) {
    if (!local.signal.aborted) throw error;
  } finally {
    request.signal?.removeEventListener("abort", onAbort);
    const cut = finish === "stop-string" || request.signal?.aborted;
    local.abort();
    // KoboldCpp goes on generating after the connection closes unless told.
    if (cut && options.api === "koboldcpp") void call("/api/extra/abort", { body: { genkey } }).catch(() => undefined);
  }
  // Text held back as a possible start of a stop string that never came is part of the reply.
  const rest = watcher.rest();
  if (rest) request.onText?.(rest);
  const stopReason = request.signal?.aborted ? "abort" : (finish ?? "eos");
  const ended = performance.now();
  return {
    text: watcher.value,
    stopReason,
    tokens,
    ...(firstAt !== undefined && { promptMs: firstAt - started }),
    durationMs: ended - started,
  };
}

async function* wholeBody(response: Response): AsyncGenerator<string> {
  const text = (await response.text()).trim();
  if (text) yield text;
}

function readPiece(frame: string, read: (data: Record<string, unknown>) => Piece | undefined): Piece | undefined {
  let data: unknown;
  try {
    data = JSON.parse(frame);
  } catch {
    throw new RemoteBackendError(`the server sent something that is not JSON in its stream: ${frame.slice(0, 80)}`);
  }
  if (typeof data !== "object" || data === null) return undefined;
  const record = data as Record<string, unknown>;
  if (record.error !== undefined || (record.detail !== undefined && record.token === undefined)) throw new RemoteBackendError(`the server stopped with an error: ${errorMessageOf(frame)}`);
  return read(record);
}

/**
 * What a route handler gets: the request, its id, the server's state, and the ways to
 * answer (JSON, or a stream), plus the shared path of a completion request: wired to
 * the client's connection (it leaving aborts), registered for KoboldCpp's abort and
 * check, kept alive with comments while it waits.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { SamplerSettings } from "../core/samplers/types.ts";
import type { ServedModel } from "../app/serving.ts";
import { readBody, parseJsonBody, requireObject } from "./http/body.ts";
import { errorBody, HttpError, type Family } from "./http/errors.ts";
import { SseWriter } from "./http/sse.ts";
import { acquireSequence, prepareCompletion, runCompletion, type CompletionJob, type CompletionOutcome, type GenerationContext } from "./generation.ts";
import type { RequestLog } from "./log.ts";
import { normalizeRequest, type GenerationParams } from "./request/normalize.ts";
import type { Body } from "./request/fields.ts";
import type { Scheduler } from "./scheduler/scheduler.ts";

export interface ServerOptions {
  /** The name clients see (--alias, else the GGUF's file name without .gguf). */
  modelId: string;
  apiKey?: string;
  cors: string[];
  allowHosts: string[];
  loopback: boolean;
  maxBody: number;
  queue: number;
  parallel: number;
  verbose: boolean;
  /** taproom's version, for /api/extra/version, /props and system_fingerprint. */
  version: string;
  /** Seconds between keep-alive comments on a stream that waits. */
  keepAliveSeconds?: number;
}

/** A generation that is queued or running, or finished lately (KoboldCpp's check reads it). */
export interface LiveGeneration {
  id: number;
  genkey?: string;
  controller: AbortController;
  status: "queued" | "running" | "done";
  text: string;
}

export interface ServerState {
  options: ServerOptions;
  log: RequestLog;
  /** Set once the model has loaded; until then routes answer 503. */
  model?: ServedModel;
  scheduler?: Scheduler;
  defaults: SamplerSettings;
  live: LiveGeneration[];
  nextId: number;
  /** Seconds since the epoch the model finished loading: /v1/models `created`. */
  loadedAt: number;
}

export class RouteContext {
  private parsed?: Promise<Body>;

  constructor(
    readonly id: number,
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly family: Family,
    readonly state: ServerState,
    readonly headers: Record<string, string>,
    readonly authorized: boolean,
  ) {}

  get options(): ServerOptions {
    return this.state.options;
  }

  /** The loaded model, or a 503 "Loading model" while it loads. */
  get model(): ServedModel {
    if (!this.state.model) throw new HttpError(503, "Loading model");
    return this.state.model;
  }

  get generation(): GenerationContext {
    return { model: this.model, scheduler: this.state.scheduler!, log: this.state.log, parallel: this.options.parallel };
  }

  body(): Promise<Body> {
    this.parsed ??= readBody(this.req, this.options.maxBody).then((bytes) => requireObject(parseJsonBody(bytes)));
    return this.parsed;
  }

  json(status: number, value: unknown, headers: Record<string, string> = {}): void {
    if (this.res.headersSent || this.res.destroyed) return;
    const text = JSON.stringify(value);
    this.res.writeHead(status, { ...this.headers, ...headers, "Content-Type": "application/json; charset=utf-8", "Content-Length": String(Buffer.byteLength(text)) });
    this.res.end(text);
  }

  error(error: HttpError, family: Family = this.family): void {
    this.json(error.status, errorBody(family, error), error.options.headers);
  }

  sse(): SseWriter {
    return new SseWriter(this.res, this.headers);
  }

  params(body: Body): GenerationParams {
    const model = this.model;
    return normalizeRequest(body, this.family === "kobold" ? "kobold" : this.family, this.state.defaults, {
      vocabSize: model.facts.vocabSize,
      contextSize: model.contextSize,
      tokenize: (text) => model.tokenize(text, { addBos: false }),
    });
  }

  /** Logs the request line: who, what, and which client (SillyTavern says its api_type). */
  logRequest(body: Body, stream: boolean): void {
    const apiType = typeof body.api_type === "string" ? `SillyTavern, api_type ${body.api_type}` : undefined;
    const agent = this.req.headers["user-agent"];
    const client = apiType ?? (agent ? agent.slice(0, 60) : undefined);
    this.state.log.request(this.id, `${this.req.socket.remoteAddress ?? "?"} ${this.req.method} ${this.req.url?.split("?")[0]}${stream ? " stream" : ""}${client ? ` (${client})` : ""}`);
  }
}

export interface CompletionHooks {
  /** Streaming: the SSE writer the hooks write to (started once checks pass). */
  stream?: SseWriter;
  onStart?: (index: number, sequence: number) => void;
  onText?: (piece: string, tokens: readonly number[], index: number) => void;
}

/**
 * Runs one completion for a route: checks (answered as HTTP errors), then the queue,
 * then generation, with the client's leaving wired to abort and the generation listed
 * for KoboldCpp's abort and check. Resolves with the outcome; rejects only before the
 * stream started (the caller answers those as HTTP errors).
 */
export async function complete(ctx: RouteContext, job: Omit<CompletionJob, "signal" | "id" | "family" | "onQueued" | "onProgress">, hooks: CompletionHooks): Promise<CompletionOutcome | undefined> {
  const live: LiveGeneration = { id: ctx.id, ...(job.params.genkey && { genkey: job.params.genkey }), controller: new AbortController(), status: "queued", text: "" };
  const onClose = () => {
    if (!ctx.res.writableEnded) live.controller.abort("client closed the connection");
  };
  ctx.res.on("close", onClose);
  const full: CompletionJob = {
    ...job,
    id: ctx.id,
    family: ctx.family,
    signal: live.controller.signal,
    onProgress: (text) => (live.text = text),
    ...(hooks.onStart && { onStart: hooks.onStart }),
    ...(hooks.onText && { onText: hooks.onText }),
  };
  const gen = ctx.generation;
  const prepared = await prepareCompletion(gen, full);
  ctx.state.live.push(live);
  const beat = hooks.stream ? keepAlive(hooks.stream, ctx.options.keepAliveSeconds ?? 10) : undefined;
  try {
    full.onQueued = (position) => beat?.say(`queued (position ${position})`);
    const lease = await acquireSequence(gen, full);
    live.status = "running";
    beat?.say("evaluating prompt", false);
    const onText = full.onText;
    full.onText = (piece, tokens, index) => {
      beat?.quiet();
      onText?.(piece, tokens, index);
    };
    return await runCompletion(gen, full, prepared, lease);
  } catch (error) {
    if (live.controller.signal.aborted && !(error instanceof HttpError)) return undefined;
    throw error;
  } finally {
    beat?.stop();
    live.status = "done";
    ctx.res.off("close", onClose);
    // Finished generations are kept a little while for KoboldCpp's generate/check.
    const done = ctx.state.live.filter((g) => g.status === "done");
    if (done.length > 16) ctx.state.live.splice(ctx.state.live.indexOf(done[0]!), 1);
  }
}

/** Comments on a waiting stream: at once when the news changes, then every few seconds until text flows. */
function keepAlive(stream: SseWriter, everySeconds: number) {
  let message: string | undefined;
  const timer = setInterval(() => message && stream.comment(message), everySeconds * 1000);
  timer.unref();
  return {
    say(text: string, now = true) {
      message = text;
      if (now) stream.comment(text);
    },
    quiet() {
      message = undefined;
    },
    stop() {
      clearInterval(timer);
    },
  };
}

/** A random id as OpenAI writes them: `cmpl-` and hex. */
export function completionId(prefix: string): string {
  return `${prefix}-${Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

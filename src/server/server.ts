/**
 * `taproom serve`'s HTTP server (node's http module): one routing table for the
 * KoboldCpp, llama.cpp and OpenAI endpoints, each request checked for its origin and
 * key before it is read, answered in its family's shapes. It listens before the model
 * loads; until then every route answers 503 "Loading model", as llama-server does.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { SamplerSettings } from "../core/samplers/types.ts";
import type { ServedModel } from "../app/serving.ts";
import { checkOrigin, isAuthorized, AUTH_MESSAGE } from "./http/access.ts";
import { errorBody, familyOfPath, HttpError, type Family } from "./http/errors.ts";
import { RouteContext, type ServerOptions, type ServerState } from "./context.ts";
import { RequestLog, type LogSink } from "./log.ts";
import { Scheduler } from "./scheduler/scheduler.ts";
import * as kobold from "./routes/kobold.ts";
import * as llama from "./routes/llama.ts";
import * as openai from "./routes/openai.ts";

type Handler = (ctx: RouteContext) => Promise<void>;

interface Route {
  method: "GET" | "POST";
  path: string;
  handler: Handler;
  /** Answers without the key (health checks, KoboldCpp's version and model routes). */
  public?: boolean;
  /** Answers before the model has loaded. */
  early?: boolean;
}

const routes: Route[] = [
  // OpenAI
  { method: "GET", path: "/v1/models", handler: openai.models },
  { method: "GET", path: "/models", handler: openai.models },
  { method: "POST", path: "/v1/completions", handler: openai.completions },
  { method: "POST", path: "/v1/completion", handler: openai.completions },
  { method: "POST", path: "/v1/chat/completions", handler: openai.chatCompletions },
  { method: "POST", path: "/chat/completions", handler: openai.chatCompletions },
  // KoboldCpp
  { method: "GET", path: "/api/v1/model", handler: kobold.model, public: true },
  { method: "GET", path: "/api/v1/info/version", handler: kobold.infoVersion, public: true, early: true },
  { method: "GET", path: "/api/extra/version", handler: kobold.extraVersion, public: true, early: true },
  { method: "GET", path: "/api/v1/config/max_context_length", handler: kobold.contextLength },
  { method: "GET", path: "/api/extra/true_max_context_length", handler: kobold.contextLength },
  { method: "GET", path: "/api/v1/config/max_length", handler: kobold.maxLength },
  { method: "GET", path: "/api/v1/config/soft_prompt", handler: kobold.softPrompt },
  { method: "GET", path: "/api/v1/config/soft_prompts_list", handler: kobold.softPromptsList },
  { method: "POST", path: "/api/v1/generate", handler: kobold.generate },
  { method: "POST", path: "/api/extra/generate/stream", handler: kobold.generateStream },
  { method: "POST", path: "/api/extra/tokencount", handler: kobold.tokenCount },
  { method: "POST", path: "/api/extra/tokenize", handler: kobold.tokenCount },
  { method: "POST", path: "/api/extra/detokenize", handler: kobold.detokenize },
  { method: "POST", path: "/api/extra/abort", handler: kobold.abort },
  { method: "GET", path: "/api/extra/generate/check", handler: kobold.check },
  { method: "POST", path: "/api/extra/generate/check", handler: kobold.check },
  { method: "GET", path: "/api/extra/perf", handler: kobold.perf },
  // llama.cpp
  { method: "POST", path: "/completion", handler: llama.completion },
  { method: "POST", path: "/completions", handler: llama.completion },
  { method: "POST", path: "/tokenize", handler: llama.tokenize },
  { method: "POST", path: "/detokenize", handler: llama.detokenize },
  { method: "GET", path: "/health", handler: llama.health, public: true, early: true },
  { method: "GET", path: "/props", handler: llama.props },
  { method: "POST", path: "/props", handler: llama.propsPost },
  { method: "GET", path: "/slots", handler: llama.slots },
];

/** KoboldCpp answers /api/latest/... as /api/v1/...; a trailing slash and the query do not matter. */
export function routePath(url: string): string {
  let path = url.split("?")[0]!.split("#")[0]!;
  if (path.length > 1) path = path.replace(/\/+$/, "");
  return path.replace(/^\/api\/latest\//, "/api/v1/");
}

export interface TaproomServer {
  /** The port really bound (for --port 0). */
  port: number;
  host: string;
  /** Hands the loaded model to the server: routes stop answering 503. */
  ready(model: ServedModel): void;
  /** Stops accepting, aborts what runs and waits, closes. */
  close(): Promise<void>;
  readonly http: Server;
}

export interface StartServerOptions extends Omit<ServerOptions, "loopback"> {
  host: string;
  port: number;
  defaults: SamplerSettings;
  log: LogSink;
  loopback: boolean;
}

export async function startServer(options: StartServerOptions): Promise<TaproomServer> {
  const state: ServerState = {
    options,
    log: new RequestLog(options.log),
    defaults: options.defaults,
    live: [],
    nextId: 1,
    loadedAt: Math.floor(Date.now() / 1000),
  };
  const http = createHttpServer((req, res) => void handle(state, req, res));
  http.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(options.port, options.host, () => {
      http.off("error", reject);
      resolve();
    });
  });
  const address = http.address() as AddressInfo;
  return {
    port: address.port,
    host: options.host,
    http,
    ready(model) {
      state.model = model;
      state.scheduler = new Scheduler(model.sequences, options.queue);
      state.loadedAt = Math.floor(Date.now() / 1000);
    },
    async close() {
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      for (const g of state.live) if (g.status !== "done") g.controller.abort("the server is shutting down");
      http.closeIdleConnections();
      // Streams that were aborted end by themselves; anything left after a moment is cut.
      const cut = setTimeout(() => http.closeAllConnections(), 2000);
      await closed;
      clearTimeout(cut);
    },
  };
}

function methodsFor(path: string): string[] {
  return routes.filter((r) => r.path === path).map((r) => r.method);
}

async function handle(state: ServerState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = routePath(req.url ?? "/");
  const family: Family = familyOfPath(path);
  const id = state.nextId++;
  let headers: Record<string, string> = {};
  const fail = (error: HttpError, as: Family = family) => {
    if (res.headersSent || res.destroyed) return;
    const text = JSON.stringify(errorBody(as, error));
    res.writeHead(error.status, { ...headers, ...error.options.headers, "Content-Type": "application/json; charset=utf-8", "Content-Length": String(Buffer.byteLength(text)) });
    res.end(text);
  };
  try {
    headers = checkOrigin(req, { cors: state.options.cors, allowHosts: state.options.allowHosts, loopback: state.options.loopback });
    if (req.method === "OPTIONS") {
      res.writeHead(204, headers);
      res.end();
      return;
    }
    const route = routes.find((r) => r.path === path && r.method === req.method);
    if (!route) {
      const allowed = methodsFor(path);
      if (allowed.length > 0) throw new HttpError(405, `${req.method} is not how ${path} is called: use ${allowed.join(" or ")}`, { headers: { Allow: allowed.join(", ") } });
      throw new HttpError(404, `no such endpoint: ${req.method} ${path} (taproom serve speaks the KoboldCpp, llama.cpp and OpenAI APIs; see taproom serve --help)`);
    }
    const authorized = isAuthorized(req, state.options.apiKey);
    if (!authorized && !route.public) throw new HttpError(401, AUTH_MESSAGE);
    if (!state.model && !route.early) throw new HttpError(503, "Loading model", { headers: { "Retry-After": "5" } });
    const ctx = new RouteContext(id, req, res, family, state, headers, authorized);
    await route.handler(ctx);
  } catch (error) {
    if (error instanceof HttpError) {
      if (error.status >= 500 || error.status === 413) state.log.request(id, `${req.method} ${path}: ${error.status} ${error.message}`);
      fail(error);
      if (error.options.headers?.Connection === "close") req.destroy();
      return;
    }
    const message = ((error as Error)?.message ?? String(error)).split("\n")[0]!;
    state.log.request(id, `${req.method} ${path} failed: ${message}`);
    if (!res.headersSent) fail(new HttpError(500, message));
    else res.end();
  }
}

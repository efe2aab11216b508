import { isAbsolute, resolve } from "node:path";
import { parseCommandArgs, parseIntegerFlag } from "../args.ts";
import { UsageError, type CliCommand, type CliIO } from "../command.ts";
import { readFileSync } from "node:fs";

const usage = `Usage: taproom serve --model FILE [--host 127.0.0.1] [--port 5001] [--api-key KEY] [--parallel N] [--cors ORIGIN] [options]

Serves the model over HTTP, sized by the same planner as the app, for SillyTavern and
other frontends (and for taproom --backend on another machine). It speaks:
  KoboldCpp   GET /api/v1/model, /api/v1/info/version, /api/extra/version, /api/v1/config/max_context_length,
              POST /api/v1/generate, /api/extra/generate/stream, /api/extra/tokencount, /api/extra/abort
  llama.cpp   POST /completion, /tokenize, /detokenize; GET /health, /props
  OpenAI      GET /v1/models; POST /v1/completions, /v1/chat/completions (the model's own chat template)
Each request reuses the longest prefix its sequence has cached; the log says what it reused.

Access:
  --host ADDR          address to listen on (default 127.0.0.1: this machine only; reach it over an
                       SSH tunnel: ssh -N -L 5001:127.0.0.1:5001 you@gpu-box)
  --port N             port (default 5001, KoboldCpp's; 0 picks a free one)
  --api-key KEY        required from clients ("Authorization: Bearer KEY" or "x-api-key: KEY");
                       needed for any address but loopback. TAPROOM_API_KEY works too (keeps it out of ps)
  --cors ORIGIN        let browser pages from ORIGIN call it (repeatable; * for any)
  --allow-host NAME    accept this Host name on loopback (a reverse proxy's; repeatable)
  --max-body SIZE      largest request body (default 8MiB)
Serving:
  --parallel N         sequences generating side by side, the context shared between them (default 1)
  --queue N            requests that may wait for a sequence (default 16; more get 503)
  --alias NAME         the model name clients see (default: the file name without .gguf)
  --verbose            show prompts in /completion answers and the log
Runtime:
  --gpu auto|cuda|vulkan|metal|cpu  --gpu-layers N  --context N  --threads N
`;

const options = {
  model: { type: "string" },
  host: { type: "string" },
  port: { type: "string" },
  "api-key": { type: "string" },
  parallel: { type: "string" },
  cors: { type: "string", multiple: true },
  "allow-host": { type: "string", multiple: true },
  alias: { type: "string" },
  "max-body": { type: "string" },
  queue: { type: "string" },
  verbose: { type: "boolean" },
  gpu: { type: "string" },
  "gpu-layers": { type: "string" },
  context: { type: "string" },
  threads: { type: "string" },
} as const;

/** "8MiB", "32MB", "512KiB" or a number of bytes. */
export function parseByteSize(flag: string, text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib|gb|gib)?\s*$/i.exec(text);
  if (!match) throw new UsageError(`--${flag} must be a size such as 8MiB or 1048576, got "${text}"`);
  const unit = (match[2] ?? "b").toLowerCase();
  const scale: Record<string, number> = { b: 1, kb: 1e3, kib: 2 ** 10, mb: 1e6, mib: 2 ** 20, gb: 1e9, gib: 2 ** 30 };
  const bytes = Math.floor(Number(match[1]) * scale[unit]!);
  if (bytes < 1024) throw new UsageError(`--${flag} must be at least 1KiB`);
  return bytes;
}

function positive(name: string, value: string | undefined, fallback: number, min = 1): number {
  const n = parseIntegerFlag(name, value) ?? fallback;
  if (n < min) throw new UsageError(`--${name} must be at least ${min}, got ${n}`);
  return n;
}

function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version: string }).version;
}

const GPUS = ["auto", "cuda", "vulkan", "metal", "cpu"] as const;

async function run(argv: string[], io: CliIO): Promise<number> {
  const { values: v } = parseCommandArgs(argv, options, false);
  if (!v.model) throw new UsageError("--model FILE is required");
  const port = positive("port", v.port, 5001, 0);
  if (port > 65535) throw new UsageError(`--port must be at most 65535, got ${port}`);
  if (v.gpu !== undefined && !(GPUS as readonly string[]).includes(v.gpu)) throw new UsageError(`--gpu must be one of ${GPUS.join(", ")}, got "${v.gpu}"`);
  const apiKey = v["api-key"] ?? (io.env.TAPROOM_API_KEY || undefined);
  if (apiKey !== undefined && apiKey.trim() === "") throw new UsageError("--api-key must not be empty");
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  // `on`, not `once`: signal-exit (loaded by a dependency) kills the process when it sees no other listener, and `once` removes ours before it runs.
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    // Loaded only here: the app and the other commands never load the server.
    const { serve } = await import("../../server/serve.ts");
    return await serve(
      {
        modelPath: isAbsolute(v.model) ? v.model : resolve(io.cwd, v.model),
        host: v.host ?? "127.0.0.1",
        port,
        ...(apiKey !== undefined && { apiKey }),
        parallel: positive("parallel", v.parallel, 1),
        cors: v.cors ?? [],
        allowHosts: v["allow-host"] ?? [],
        ...(v.alias !== undefined && { alias: v.alias }),
        maxBody: v["max-body"] !== undefined ? parseByteSize("max-body", v["max-body"]) : 8 * 2 ** 20,
        queue: positive("queue", v.queue, 16, 0),
        verbose: v.verbose ?? false,
        version: packageVersion(),
        runtime: {
          ...(v.gpu !== undefined && { gpu: v.gpu as (typeof GPUS)[number] }),
          ...(v["gpu-layers"] !== undefined && { gpuLayers: parseIntegerFlag("gpu-layers", v["gpu-layers"]) }),
          ...(v.context !== undefined && { contextSize: parseIntegerFlag("context", v.context) }),
          ...(v.threads !== undefined && { threads: parseIntegerFlag("threads", v.threads) }),
        },
      },
      io,
      stop.signal,
    );
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

export const serveCommand: CliCommand = {
  name: "serve",
  summary: "serve the model over HTTP (KoboldCpp, llama.cpp and OpenAI APIs) for SillyTavern and others",
  usage,
  run,
};

import { isAbsolute, resolve } from "node:path";
import { parseCommandArgs, parseIntegerFlag } from "../args.ts";
import { UsageError, type CliCommand, type CliIO } from "../command.ts";
import { readFileSync } from "node:fs";
import { serveHelp } from "./help.ts";


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

export const serveCommand: CliCommand = { ...serveHelp, run };

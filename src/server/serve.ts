/**
 * `taproom serve` from start to stop: refuse an open address without a key, bind,
 * say where it listens, load the model as the planner sizes it (saying what it chose
 * and why), serve until SIGINT/SIGTERM or the stop signal, then abort what runs, close
 * and unload.
 */
import { ServedModel, servingDefaults } from "../app/serving.ts";
import { bindRefusal, isLoopbackHost } from "./http/access.ts";
import { startServer, type TaproomServer } from "./server.ts";

export interface ServeOptions {
  modelPath: string;
  host: string;
  port: number;
  apiKey?: string;
  parallel: number;
  cors: string[];
  allowHosts: string[];
  alias?: string;
  maxBody: number;
  queue: number;
  verbose: boolean;
  version: string;
  runtime: { gpu?: "auto" | "cuda" | "vulkan" | "metal" | "cpu"; gpuLayers?: number; contextSize?: number; threads?: number };
}

export interface ServeIO {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: NodeJS.ProcessEnv;
}

const urlHost = (host: string) => (host.includes(":") ? `[${host}]` : host);

/** Serves until `stop` aborts (the command passes SIGINT/SIGTERM); resolves with the exit code. */
export async function serve(options: ServeOptions, io: ServeIO, stop: AbortSignal): Promise<number> {
  const refusal = bindRefusal(options.host, options.port, options.apiKey !== undefined);
  if (refusal) {
    io.stderr.write(`taproom serve: ${refusal}\n`);
    return 2;
  }
  const defaults = await servingDefaults(io.env);
  const stem = options.modelPath.split(/[\\/]/).pop()!.replace(/\.gguf$/i, "");
  let server: TaproomServer;
  try {
    server = await startServer({
      host: options.host,
      port: options.port,
      modelId: options.alias ?? stem,
      ...(options.apiKey !== undefined && { apiKey: options.apiKey }),
      cors: options.cors,
      allowHosts: options.allowHosts.map((h) => h.toLowerCase()),
      loopback: isLoopbackHost(options.host),
      maxBody: options.maxBody,
      queue: options.queue,
      parallel: options.parallel,
      verbose: options.verbose,
      version: options.version,
      defaults,
      log: (line) => io.stdout.write(`${line}\n`),
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "EADDRINUSE" ? `port ${options.port} is in use (another server? pick one with --port)` : (error as Error).message;
    io.stderr.write(`taproom serve: cannot listen on ${options.host}:${options.port}: ${why}\n`);
    return 1;
  }
  io.stdout.write(`taproom serve: listening on http://${urlHost(options.host)}:${server.port} — KoboldCpp /api, llama.cpp /completion, OpenAI /v1${options.apiKey !== undefined ? " (API key required)" : ""}\n`);
  io.stdout.write(`taproom serve: loading ${stem}…\n`);
  let model: ServedModel | undefined;
  const stopped = new Promise<void>((resolve) => (stop.aborted ? resolve() : stop.addEventListener("abort", () => resolve(), { once: true })));
  try {
    // Its own signal: node-llama-cpp disposes what a load signal made when it aborts, even after the load.
    const cancelLoad = new AbortController();
    const onStop = () => cancelLoad.abort();
    stop.addEventListener("abort", onStop, { once: true });
    try {
      model = await ServedModel.load({ path: options.modelPath, parallel: options.parallel, ...runtimeOptions(options.runtime), signal: cancelLoad.signal });
    } finally {
      stop.removeEventListener("abort", onStop);
    }
    for (const reason of model.info.reasons) io.stdout.write(`  ${reason}\n`);
    for (const suggestion of model.info.suggestions) io.stdout.write(`  suggestion: ${suggestion}\n`);
    server.ready(model);
    io.stdout.write(`taproom serve: ready: ${options.alias ?? stem}, ${options.parallel} × ${model.contextSize} tokens of context\n`);
    await stopped;
    io.stdout.write("taproom serve: stopping\n");
    return 0;
  } catch (error) {
    if (stop.aborted) return 0;
    io.stderr.write(`taproom serve: ${((error as Error).message ?? String(error)).split("\n")[0]}\n`);
    return 1;
  } finally {
    await server.close();
    await model?.unload();
  }
}

function runtimeOptions(runtime: ServeOptions["runtime"]) {
  return {
    ...(runtime.gpu !== undefined && { gpu: runtime.gpu }),
    ...(runtime.gpuLayers !== undefined && { gpuLayers: runtime.gpuLayers }),
    ...(runtime.contextSize !== undefined && { contextSize: runtime.contextSize }),
    ...(runtime.threads !== undefined && { threads: runtime.threads }),
  };
}

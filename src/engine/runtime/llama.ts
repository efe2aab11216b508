import type { Llama, LlamaLogLevel } from "node-llama-cpp";

export type GpuChoice = "auto" | "cuda" | "vulkan" | "metal" | "cpu";

export interface LlamaLogLine {
  level: string;
  message: string;
}

/** The last llama.cpp log lines, kept to explain failures; never written to the terminal (it tears the TUI). */
export const recentLlamaLogs: LlamaLogLine[] = [];
const MAX_LOGS = 200;

function keepLog(level: LlamaLogLevel, message: string): void {
  recentLlamaLogs.push({ level: String(level), message: message.trimEnd() });
  if (recentLlamaLogs.length > MAX_LOGS) recentLlamaLogs.splice(0, recentLlamaLogs.length - MAX_LOGS);
}

export class BackendUnavailableError extends Error {
  constructor(readonly backend: GpuChoice, readonly reason: string) {
    super(`the ${backend} backend is not available on this machine (${reason}); use --gpu auto or --gpu cpu`);
    this.name = "BackendUnavailableError";
  }
}

const instances = new Map<GpuChoice, Promise<Llama>>();
const started = new Set<GpuChoice>();

/** Whether the binding for this choice is up: asking it about the machine then costs nothing. */
export function isLlamaStarted(choice: GpuChoice): boolean {
  return started.has(choice);
}

/**
 * One llama binding per backend choice for the whole process. Prebuilt binaries
 * only: `build: "never"` so a missing GPU build is an error, not a 10-second
 * source build that fails.
 */
export function getLlamaFor(choice: GpuChoice = "auto"): Promise<Llama> {
  let pending = instances.get(choice);
  if (!pending) {
    pending = startLlama(choice);
    instances.set(choice, pending);
    pending.then(() => started.add(choice), () => instances.delete(choice));
  }
  return pending;
}

async function startLlama(choice: GpuChoice): Promise<Llama> {
  const { getLlama, LlamaLogLevel } = await import("node-llama-cpp");
  const gpu = choice === "cpu" ? false : choice;
  try {
    return await getLlama({ gpu, build: "never", logLevel: LlamaLogLevel.warn, logger: keepLog, progressLogs: false });
  } catch (error) {
    if (choice === "auto" || choice === "cpu") throw error;
    throw new BackendUnavailableError(choice, (error as Error).message.split("\n")[0] ?? "no prebuilt binary");
  }
}

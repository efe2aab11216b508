import { availableParallelism, freemem, totalmem } from "node:os";
import type { BackendChoice, GpuBackend, MachineFacts } from "./machine.ts";

/** The backend the user asked for is not on this machine (no prebuilt binary, no device). */
export class BackendUnavailableError extends Error {
  constructor(readonly backend: BackendChoice, detail: string) {
    super(`--gpu ${backend}: ${detail}`);
    this.name = "BackendUnavailableError";
  }
}

export interface DetectMachineOptions {
  /** Default "auto": the best GPU backend there is, else CPU. */
  backend?: BackendChoice;
}

/**
 * This machine as llama.cpp sees it: backend, devices, total and free VRAM, RAM and
 * cores. Prebuilt binaries only (`build: "never"`): a missing GPU build means CPU for
 * "auto" and a BackendUnavailableError for a named backend, never a source build.
 * llama.cpp's logs are collected, not printed, and only quoted in that error.
 */
export async function detectMachine(options: DetectMachineOptions = {}): Promise<MachineFacts> {
  const backend = options.backend ?? "auto";
  const base = { ramBytes: totalmem(), ramFreeBytes: freemem(), cpuCores: availableParallelism() };
  const cpu: MachineFacts = { gpu: false, vramBytes: 0, gpuNames: [], ...base };
  if (backend === "cpu") return cpu;
  const logs: string[] = [];
  let llama;
  try {
    const { getLlama, LlamaLogLevel } = await import("node-llama-cpp");
    llama = await getLlama({
      gpu: backend,
      build: "never",
      progressLogs: false,
      logLevel: LlamaLogLevel.warn,
      logger: (_level, message) => void logs.push(message.trim()),
    });
  } catch (error) {
    if (backend === "auto") return cpu;
    throw new BackendUnavailableError(backend, `not available on this machine (${firstLine(error)})`);
  }
  if (!llama.gpu) {
    if (backend === "auto") return cpu;
    throw new BackendUnavailableError(backend, `not available on this machine${logs.length ? ` (${logs.at(-1)})` : ""}`);
  }
  if (backend !== "auto" && llama.gpu !== backend) throw new BackendUnavailableError(backend, `this machine's llama.cpp runs ${llama.gpu}, not ${backend}`);
  const vram = await llama.getVramState();
  const gpuNames = await llama.getGpuDeviceNames();
  return { gpu: llama.gpu as GpuBackend, vramBytes: vram.total, freeVramBytes: vram.free, gpuNames, ...base };
}

/** The machine's figures for a fit: never throws, CPU when no GPU can be used. */
export async function detectFitMachine(): Promise<MachineFacts> {
  return detectMachine({ backend: "auto" });
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "unknown error";
}

import { availableParallelism, freemem, totalmem } from "node:os";
import { BackendUnavailableError, getLlamaFor } from "../runtime/llama.ts";
import type { BackendChoice, GpuBackend, MachineFacts } from "./machine.ts";

export { BackendUnavailableError };

export interface DetectMachineOptions {
  /** Default "auto": the best GPU backend there is, else CPU. */
  backend?: BackendChoice;
}

/**
 * This machine as llama.cpp sees it: backend, devices, total and free VRAM, RAM and
 * cores (physical, as llama.cpp counts them, at most `os.availableParallelism()`). The binding comes from runtime/llama.ts (prebuilt only, logs kept, never
 * printed), so detecting and loading share one instance. A named backend that is not
 * there is a BackendUnavailableError; "auto" falls back to CPU.
 */
export async function detectMachine(options: DetectMachineOptions = {}): Promise<MachineFacts> {
  const backend = options.backend ?? "auto";
  const base = { ramBytes: totalmem(), ramFreeBytes: freemem(), cpuCores: availableParallelism() };
  const cpu: MachineFacts = { gpu: false, vramBytes: 0, gpuNames: [], ...base };
  let llama;
  try {
    llama = await getLlamaFor(backend);
  } catch (error) {
    if (backend === "auto" || backend === "cpu") return cpu;
    throw error;
  }
  // llama.cpp counts physical cores (hyperthreads slow decoding down): the better figure.
  if (llama.cpuMathCores > 0) base.cpuCores = Math.min(base.cpuCores, llama.cpuMathCores);
  if (backend === "cpu") return { ...cpu, ...base };
  if (!llama.gpu) {
    if (backend === "auto") return cpu;
    throw new BackendUnavailableError(backend, "llama.cpp found no GPU");
  }
  if (backend !== "auto" && llama.gpu !== backend) throw new BackendUnavailableError(backend, `llama.cpp runs ${llama.gpu} here`);
  const vram = await llama.getVramState();
  const gpuNames = await llama.getGpuDeviceNames();
  return { gpu: llama.gpu as GpuBackend, vramBytes: vram.total, freeVramBytes: vram.free, gpuNames, ...base };
}

/** The machine's figures for a fit: never throws, CPU when no GPU can be used. */
export async function detectFitMachine(): Promise<MachineFacts> {
  return detectMachine({ backend: "auto" });
}

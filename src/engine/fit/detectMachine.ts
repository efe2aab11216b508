import { totalmem } from "node:os";
import type { FitMachine } from "./machine.ts";

/**
 * This machine's GPU backend, VRAM and RAM, as llama.cpp sees them. Prebuilt binaries
 * only (`build: "never"`): a missing GPU build means CPU, never a source build.
 */
export async function detectFitMachine(): Promise<FitMachine> {
  const ramBytes = totalmem();
  try {
    const { getLlama, LlamaLogLevel } = await import("node-llama-cpp");
    const llama = await getLlama({ gpu: "auto", build: "never", logLevel: LlamaLogLevel.error });
    if (!llama.gpu) return { gpu: false, vramBytes: 0, ramBytes };
    const vram = await llama.getVramState();
    const gpuNames = await llama.getGpuDeviceNames();
    return { gpu: llama.gpu, vramBytes: vram.total, ramBytes, gpuNames };
  } catch {
    return { gpu: false, vramBytes: 0, ramBytes };
  }
}

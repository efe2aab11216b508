import { availableParallelism, totalmem } from "node:os";
import { UsageError } from "./command.ts";
import { parseMemorySize } from "../engine/fit/parseSize.ts";
import { BackendUnavailableError } from "../engine/fit/detectMachine.ts";
import { detectMachineRemembered } from "../engine/fit/rememberedMachine.ts";
import { defaultMachineMemoryPath } from "../store/machineMemory.ts";
import { dataDir } from "../store/paths.ts";
import { describeFitMachine, type FitMachine, type GpuBackend, type MachineFacts } from "../engine/fit/machine.ts";

/** `--vram SIZE --ram SIZE --gpu TYPE`: plan for another machine than this one. */
export const machineFlags = {
  vram: { type: "string" },
  ram: { type: "string" },
  gpu: { type: "string" },
} as const;

const BACKENDS = ["cuda", "vulkan", "metal", "cpu"];

/**
 * The machine to plan for: this one, with any flag given replacing what was detected.
 * `--vram` without `--gpu` on a machine without a GPU plans for a CUDA card. llama.cpp
 * is only loaded when a flag leaves a GPU figure open; `--gpu TYPE` alone on a machine
 * without that backend is a BackendUnavailableError. This machine is probed once and
 * remembered in the data directory (`env` names it) until its GPUs or drivers change.
 */
export async function machineFromFlags(values: { vram?: string; ram?: string; gpu?: string; cores?: number }, env: NodeJS.ProcessEnv): Promise<MachineFacts> {
  const gpu = values.gpu?.toLowerCase();
  if (gpu !== undefined && !BACKENDS.includes(gpu)) throw new UsageError(`--gpu must be one of ${BACKENDS.join(", ")}, got "${values.gpu}"`);
  if (values.cores !== undefined && values.cores < 1) throw new UsageError("--cores must be at least 1");
  const vram = sizeFlag("vram", values.vram);
  const ram = sizeFlag("ram", values.ram);
  const cpuCores = values.cores ?? availableParallelism();
  const ramBytes = ram ?? totalmem();
  if (gpu === "cpu") return { gpu: false, vramBytes: 0, ramBytes, cpuCores };
  if (vram !== undefined && gpu !== undefined) return { gpu: gpu as GpuBackend, vramBytes: vram, ramBytes, cpuCores };
  const detected = withoutStale(await detectForFlags(gpu as GpuBackend | undefined, env), { ram: ram !== undefined });
  if (vram === undefined) return { ...detected, ramBytes, cpuCores };
  const { freeVramBytes: _free, ...rest } = detected;
  return { ...rest, gpu: detected.gpu || "cuda", vramBytes: vram, ramBytes, cpuCores };
}

async function detectForFlags(gpu: GpuBackend | undefined, env: NodeJS.ProcessEnv): Promise<MachineFacts> {
  try {
    return await detectMachineRemembered({ backend: gpu ?? "auto", memoryPath: defaultMachineMemoryPath(dataDir(env)), env });
  } catch (error) {
    if (!(error instanceof BackendUnavailableError)) throw error;
    throw new BackendUnavailableError(error.backend, `${error.message.replace(/^.*?\((.*)\);.*$/, "$1")}; give --vram SIZE to plan for a ${gpu} machine`);
  }
}

/** Free RAM belongs to this machine: planning for another amount drops it. */
function withoutStale(machine: MachineFacts, replaced: { ram: boolean }): MachineFacts {
  if (!replaced.ram) return machine;
  const { ramFreeBytes: _free, ...rest } = machine;
  return rest;
}

export function describeMachine(machine: FitMachine): string {
  return describeFitMachine(machine);
}

function sizeFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const bytes = parseMemorySize(value);
  if (bytes === undefined) throw new UsageError(`--${name} must be a size like 12GB or 8192MB, got "${value}"`);
  return bytes;
}

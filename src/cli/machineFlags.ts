import { availableParallelism, totalmem } from "node:os";
import { UsageError } from "./command.ts";
import {
  BackendUnavailableError, DEFAULT_MIN_SPEED, describeFitMachine, detectThisMachine, parseMemorySize, type FitMachine, type GpuBackend, type MachineFacts,
} from "../app/planning.ts";

/** `--vram SIZE --ram SIZE --gpu TYPE`: plan for another machine than this one; bandwidths in GB/s for the speed estimate. */
export const machineFlags = {
  vram: { type: "string" },
  ram: { type: "string" },
  gpu: { type: "string" },
  "gpu-bandwidth": { type: "string" },
  "ram-bandwidth": { type: "string" },
} as const;

const BACKENDS = ["cuda", "vulkan", "metal", "cpu"];

/**
 * The machine to plan for: this one, with any flag given replacing what was detected.
 * `--vram` without `--gpu` on a machine without a GPU plans for a CUDA card. llama.cpp
 * is only loaded when a flag leaves a GPU figure open; `--gpu TYPE` alone on a machine
 * without that backend is a BackendUnavailableError. This machine is probed once and
 * remembered in the data directory (`env` names it) until its GPUs or drivers change.
 */
export async function machineFromFlags(values: { vram?: string; ram?: string; gpu?: string; cores?: number; "gpu-bandwidth"?: string; "ram-bandwidth"?: string }, env: NodeJS.ProcessEnv): Promise<MachineFacts> {
  const bandwidths = { ...bandwidthFlag("gpu-bandwidth", values["gpu-bandwidth"], "gpuBandwidth"), ...bandwidthFlag("ram-bandwidth", values["ram-bandwidth"], "ramBandwidth") };
  return { ...(await machineWithoutBandwidths(values, env)), ...bandwidths };
}

/** "936" or "936GB/s" -> bytes/s. */
function bandwidthFlag(name: string, value: string | undefined, key: "gpuBandwidth" | "ramBandwidth"): Partial<MachineFacts> {
  if (value === undefined) return {};
  const match = /^\s*(\d+(?:\.\d+)?)\s*(?:GB\/s)?\s*$/i.exec(value);
  const gbps = match ? Number(match[1]) : NaN;
  if (!(gbps > 0)) throw new UsageError(`--${name} must be in GB/s, like 936 or 60, got "${value}"`);
  return { [key]: gbps * 1e9 };
}

async function machineWithoutBandwidths(values: { vram?: string; ram?: string; gpu?: string; cores?: number }, env: NodeJS.ProcessEnv): Promise<MachineFacts> {
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
    return await detectThisMachine(env, gpu ?? "auto");
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

/** `--min-speed N`: the reading-speed floor in tokens/s that fit and pull choose against. */
export function parseMinSpeed(value: string | undefined): number {
  if (value === undefined) return DEFAULT_MIN_SPEED;
  const speed = Number(value);
  if (!(speed > 0) || !Number.isFinite(speed)) throw new UsageError(`--min-speed must be tokens/s above 0, got "${value}"`);
  return speed;
}

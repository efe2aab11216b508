import { totalmem } from "node:os";
import { UsageError } from "./command.ts";
import { parseMemorySize } from "../engine/fit/parseSize.ts";
import { detectFitMachine } from "../engine/fit/detectMachine.ts";
import { describeFitMachine, type FitMachine, type GpuBackend } from "../engine/fit/machine.ts";

/** `--vram SIZE --ram SIZE --gpu TYPE`: plan for another machine than this one. */
export const machineFlags = {
  vram: { type: "string" },
  ram: { type: "string" },
  gpu: { type: "string" },
} as const;

const BACKENDS = ["cuda", "vulkan", "metal", "cpu"];

/**
 * The machine to plan for: this one, with any flag given replacing what was detected.
 * `--vram` without `--gpu` on a machine without a GPU plans for a CUDA card. The GPU
 * is only probed when a flag leaves a GPU figure open.
 */
export async function machineFromFlags(values: { vram?: string; ram?: string; gpu?: string }): Promise<FitMachine> {
  const gpu = values.gpu?.toLowerCase();
  if (gpu !== undefined && !BACKENDS.includes(gpu)) throw new UsageError(`--gpu must be one of ${BACKENDS.join(", ")}, got "${values.gpu}"`);
  const vram = sizeFlag("vram", values.vram);
  const ram = sizeFlag("ram", values.ram) ?? totalmem();
  if (gpu === "cpu") return { gpu: false, vramBytes: 0, ramBytes: ram };
  if (vram !== undefined && gpu !== undefined) return { gpu: gpu as GpuBackend, vramBytes: vram, ramBytes: ram };
  const detected = await detectFitMachine();
  if (vram === undefined) {
    if (gpu !== undefined && detected.gpu === false) throw new UsageError(`no ${gpu} GPU found on this machine; give --vram SIZE to plan for one`);
    return { ...detected, ...(gpu ? { gpu: gpu as GpuBackend } : {}), ramBytes: ram };
  }
  const backend = (gpu as GpuBackend | undefined) ?? (detected.gpu || "cuda");
  return { gpu: backend, vramBytes: vram, ramBytes: ram };
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

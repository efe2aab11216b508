/**
 * The machine figures a fit needs. Interim: the engine's runtime module (MachineFacts)
 * had not landed when this was written; fitMachineFrom* are the one place to map it.
 */
export type GpuBackend = "cuda" | "vulkan" | "metal";

export interface FitMachine {
  gpu: GpuBackend | false;
  /** Total GPU memory in bytes (0 without a GPU). */
  vramBytes: number;
  ramBytes: number;
  gpuNames?: string[];
}

export function machineHasGpu(machine: FitMachine): boolean {
  return machine.gpu !== false && machine.vramBytes > 0;
}

export function describeFitMachine(machine: FitMachine): string {
  const gb = (bytes: number) => `${Math.round((bytes / 2 ** 30) * 10) / 10} GiB`;
  const ram = `${gb(machine.ramBytes)} RAM`;
  if (!machineHasGpu(machine)) return `CPU only, ${ram}`;
  const names = machine.gpuNames?.length ? ` (${machine.gpuNames.join(", ")})` : "";
  return `${machine.gpu}${names}, ${gb(machine.vramBytes)} VRAM, ${ram}`;
}

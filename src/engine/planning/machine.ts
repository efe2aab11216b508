/**
 * The machine figures that planning and fitting need; detectMachine fills them from
 * llama.cpp, and the CLI's --vram/--ram/--gpu flags describe another machine.
 */
export type GpuBackend = "cuda" | "vulkan" | "metal";

export interface FitMachine {
  gpu: GpuBackend | false;
  /** Total GPU memory in bytes (0 without a GPU). */
  vramBytes: number;
  ramBytes: number;
  gpuNames?: string[];
  /** Memory bandwidth in bytes/s when the user gave it (`--gpu-bandwidth`, `--ram-bandwidth`); else looked up or assumed. */
  gpuBandwidth?: number;
  ramBandwidth?: number;
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

/** What the user asked for with `--gpu`: "auto" takes the best backend this machine has. */
export type BackendChoice = "auto" | GpuBackend | "cpu";
export const BACKEND_CHOICES: readonly BackendChoice[] = ["auto", "cuda", "vulkan", "metal", "cpu"];

/** Everything the load planner needs to know about a machine. */
export interface MachineFacts extends FitMachine {
  /** VRAM free right now (other programs use some); planning uses it when known. */
  freeVramBytes?: number;
  /** RAM free right now. */
  ramFreeBytes?: number;
  /** Cores worth a thread: llama.cpp's physical count, at most `os.availableParallelism()`. */
  cpuCores: number;
}

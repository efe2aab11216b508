import { kvCacheBytes, type ArchitectureShape } from "../quants/index.ts";
import { machineHasGpu, type FitMachine } from "./machine.ts";

const GiB = 2 ** 30;
const MiB = 2 ** 20;
/** VRAM kept free for the driver, the desktop and other programs (text-generation-webui keeps 577 MiB). */
export const VRAM_MARGIN = 640 * MiB;
/** RAM kept for the OS and taproom itself. */
export const RAM_MARGIN = 1.5 * GiB;
/** llama.cpp's default physical batch, which sizes the compute buffer. */
const UBATCH = 512;

export interface FitEstimate {
  fitsFully: boolean;
  gpuLayers: number;
  /** Repeating layers plus the output layer, as llama.cpp counts offloadable layers. */
  totalLayers: number;
  contextSize: number;
  vramBytes: number;
  ramBytes: number;
  runnable: boolean;
  reasons: string[];
}

/**
 * How a model of this shape and file size runs with this context on this machine:
 * weights split evenly over the layers plus the output layer, the f16 KV cache from
 * the shape, and a compute buffer for one 512-token batch (activations plus logits).
 * Offloading goes layer by layer until VRAM (less a margin) is used up; the rest
 * runs from RAM.
 */
export function estimateFit(options: {
  shape: ArchitectureShape;
  fileBytes: number;
  contextSize: number;
  machine: FitMachine;
  /** Layers the user insists on offloading, fitting or not (clamped to the model's). */
  gpuLayers?: number;
}): FitEstimate {
  const { shape, fileBytes, contextSize, machine } = options;
  const totalLayers = shape.layers + 1;
  const perLayerWeights = fileBytes / totalLayers;
  const perLayerKv = kvCacheBytes(shape, contextSize) / shape.layers;
  const compute = UBATCH * (shape.vocab + 4 * shape.embedding + shape.feedForward) * 4 + 256 * MiB;
  const needFull = fileBytes + perLayerKv * shape.layers + compute;
  const vramBudget = machineHasGpu(machine) ? machine.vramBytes - VRAM_MARGIN : 0;
  const ramBudget = machine.ramBytes - RAM_MARGIN;
  const gb = (b: number) => `${(b / 2 ** 30).toFixed(1)} GiB`;
  if (options.gpuLayers !== undefined) {
    const forced = Math.max(0, Math.min(totalLayers, Math.floor(options.gpuLayers), machineHasGpu(machine) ? totalLayers : 0));
    if (forced === totalLayers) {
      const fitsFully = needFull <= vramBudget;
      const reason = fitsFully ? `needs ${gb(needFull)} of ${gb(machine.vramBytes)} VRAM` : `all ${totalLayers} layers need ${gb(needFull)}, more than the ${gb(machine.vramBytes)} of VRAM`;
      return { fitsFully, gpuLayers: forced, totalLayers, contextSize, vramBytes: needFull, ramBytes: 256 * MiB, runnable: true, reasons: [reason] };
    }
    return split(forced);
  }
  if (needFull <= vramBudget) {
    return { fitsFully: true, gpuLayers: totalLayers, totalLayers, contextSize, vramBytes: needFull, ramBytes: 256 * MiB, runnable: true, reasons: [`needs ${gb(needFull)} of ${gb(machine.vramBytes)} VRAM`] };
  }
  return split(vramBudget > compute ? Math.min(totalLayers - 1, Math.floor((vramBudget - compute) / (perLayerWeights + perLayerKv))) : 0);

  function split(gpuLayers: number): FitEstimate {
    const vramBytes = gpuLayers > 0 ? compute + gpuLayers * (perLayerWeights + perLayerKv) : 0;
    const cpuLayers = totalLayers - gpuLayers;
    const ramBytes = cpuLayers * perLayerWeights + Math.min(cpuLayers, shape.layers) * perLayerKv + (gpuLayers > 0 ? compute / 2 : compute);
    const runnable = ramBytes <= ramBudget;
    const reasons = [
      machineHasGpu(machine) ? `needs ${gb(needFull)} to fit fully; ${gb(machine.vramBytes)} VRAM holds ${gpuLayers} of ${totalLayers} layers` : "no GPU: all layers on the CPU",
      runnable ? `the rest takes ${gb(ramBytes)} of ${gb(machine.ramBytes)} RAM` : `the rest needs ${gb(ramBytes)} RAM, more than the ${gb(machine.ramBytes)} this machine has`,
    ];
    return { fitsFully: false, gpuLayers, totalLayers, contextSize: runnable ? contextSize : 0, vramBytes, ramBytes, runnable, reasons };
  }
}

/** On Apple Silicon the GPU's memory is the RAM: both parts must fit in it together. */
export function unifiedMemoryFits(machine: FitMachine, estimate: FitEstimate): boolean {
  if (machine.gpu !== "metal") return true;
  return estimate.vramBytes + estimate.ramBytes <= machine.ramBytes - RAM_MARGIN;
}

/** Every layer on the GPU with this context, unified memory included. */
export function fitsFullyOnGpu(options: { shape: ArchitectureShape; fileBytes: number; machine: FitMachine }, contextSize: number): boolean {
  const estimate = estimateFit({ ...options, contextSize });
  return estimate.fitsFully && unifiedMemoryFits(options.machine, estimate);
}

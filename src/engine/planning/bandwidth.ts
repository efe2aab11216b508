import { machineHasGpu, type FitMachine } from "./machine.ts";

/** A memory bandwidth and where the figure comes from, said to the user. */
export interface Bandwidth {
  /** Bytes per second, as the maker states it (the peak, not what llama.cpp reaches). */
  bytesPerSecond: number;
  /** "RTX 4090", "assumed: typical of 12 GB cards", "--ram-bandwidth". */
  source: string;
  assumed: boolean;
}

export interface MachineBandwidths {
  gpu: Bandwidth | undefined;
  ram: Bandwidth;
}

const GB = 1e9;

/**
 * Peak memory bandwidth in GB/s of common GPUs, from their makers' specification pages
 * (NVIDIA GeForce/RTX/data-center product pages, AMD Radeon and Instinct product pages,
 * Intel Arc specifications, Apple's Mac technical specifications for the unified
 * memory). Matched against the device names llama.cpp reports ("NVIDIA GeForce RTX
 * 4090", "AMD Radeon RX 7900 XTX", "Apple M2 Max"), first match wins, so laptop parts
 * and the larger variants come before the names they contain. Where one name covers two
 * memory configurations (RTX 3080 10/12 GB, M3 Max 300/400, M4 Max 410/546) the lower
 * figure is listed.
 */
const GPU_BANDWIDTHS: ReadonlyArray<readonly [RegExp, number, string]> = [
  [/RTX 4090 Laptop/i, 576, "RTX 4090 Laptop"],
  [/RTX 4080 Laptop/i, 432, "RTX 4080 Laptop"],
  [/RTX 40[5-7]0 Laptop/i, 256, "RTX 4050-4070 Laptop"],
  [/RTX 3080 Ti Laptop/i, 512, "RTX 3080 Ti Laptop"],
  [/RTX 30[6-8]0( Ti)? Laptop/i, 336, "RTX 3060-3080 Laptop"],
  [/RTX PRO 6000/i, 1792, "RTX PRO 6000 Blackwell"],
  [/RTX 5090/i, 1792, "RTX 5090"],
  [/RTX 5080/i, 960, "RTX 5080"],
  [/RTX 5070 Ti/i, 896, "RTX 5070 Ti"],
  [/RTX 5070/i, 672, "RTX 5070"],
  [/RTX 5060/i, 448, "RTX 5060 / 5060 Ti"],
  [/RTX 4090/i, 1008, "RTX 4090"],
  [/RTX 4080 SUPER/i, 736, "RTX 4080 SUPER"],
  [/RTX 4080/i, 717, "RTX 4080"],
  [/RTX 4070 Ti SUPER/i, 672, "RTX 4070 Ti SUPER"],
  [/RTX 4070/i, 504, "RTX 4070 / Ti / SUPER"],
  [/RTX 4060 Ti/i, 288, "RTX 4060 Ti"],
  [/RTX 4060/i, 272, "RTX 4060"],
  [/RTX 3090 Ti/i, 1008, "RTX 3090 Ti"],
  [/RTX 3090/i, 936, "RTX 3090"],
  [/RTX 3080 Ti/i, 912, "RTX 3080 Ti"],
  [/RTX 3080/i, 760, "RTX 3080"],
  [/RTX 3070 Ti/i, 608, "RTX 3070 Ti"],
  [/RTX 3070|RTX 3060 Ti/i, 448, "RTX 3070 / 3060 Ti"],
  [/RTX 3060/i, 360, "RTX 3060"],
  [/RTX 3050/i, 224, "RTX 3050"],
  [/RTX 2080 Ti/i, 616, "RTX 2080 Ti"],
  [/RTX 20[6-8]0 SUPER|RTX 20[78]0/i, 448, "RTX 2060 SUPER-2080"],
  [/RTX 2060/i, 336, "RTX 2060"],
  [/TITAN RTX/i, 672, "TITAN RTX"],
  [/GTX 1080 Ti/i, 484, "GTX 1080 Ti"],
  [/GTX 1080/i, 320, "GTX 1080"],
  [/GTX 1070/i, 256, "GTX 1070"],
  [/GTX 1660/i, 192, "GTX 1660"],
  [/H200/i, 4800, "H200"],
  [/H100.*PCIe/i, 2000, "H100 PCIe"],
  [/H100/i, 3350, "H100 SXM"],
  [/A100.*80GB.*PCIe/i, 1935, "A100 80GB PCIe"],
  [/A100.*80GB/i, 2039, "A100 80GB"],
  [/A100/i, 1555, "A100 40GB"],
  [/L40/i, 864, "L40 / L40S"],
  [/\bL4\b/i, 300, "L4"],
  [/\bA10G?\b/i, 600, "A10"],
  [/\bA40\b/i, 696, "A40"],
  [/\bT4\b/i, 320, "T4"],
  [/V100/i, 900, "V100"],
  [/P100/i, 732, "P100"],
  [/P40\b/i, 347, "P40"],
  [/RTX 6000 Ada/i, 960, "RTX 6000 Ada"],
  [/RTX A6000|RTX A5000/i, 768, "RTX A6000 / A5000"],
  [/RTX A4000/i, 448, "RTX A4000"],
  [/MI300/i, 5300, "Instinct MI300X"],
  [/MI250/i, 3277, "Instinct MI250X"],
  [/MI210/i, 1638, "Instinct MI210"],
  [/RX 9070/i, 640, "RX 9070 / XT"],
  [/RX 7900 XTX/i, 960, "RX 7900 XTX"],
  [/RX 7900 XT\b/i, 800, "RX 7900 XT"],
  [/RX 7900 GRE/i, 576, "RX 7900 GRE"],
  [/RX 7800 XT/i, 624, "RX 7800 XT"],
  [/RX 7700 XT/i, 432, "RX 7700 XT"],
  [/RX 7600/i, 288, "RX 7600 / XT"],
  [/RX 6950 XT/i, 576, "RX 6950 XT"],
  [/RX 6[89]00/i, 512, "RX 6800-6900 XT"],
  [/RX 67[05]0/i, 384, "RX 6700 / 6750 XT"],
  [/Arc.*A770/i, 560, "Arc A770"],
  [/Arc.*A750/i, 512, "Arc A750"],
  [/Arc.*B580/i, 456, "Arc B580"],
  [/Apple M[1-4] Ultra/i, 800, "Apple M-series Ultra"],
  [/Apple M4 Max/i, 410, "Apple M4 Max"],
  [/Apple M[12] Max/i, 400, "Apple M1/M2 Max"],
  [/Apple M3 Max/i, 300, "Apple M3 Max"],
  [/Apple M4 Pro/i, 273, "Apple M4 Pro"],
  [/Apple M[12] Pro/i, 200, "Apple M1/M2 Pro"],
  [/Apple M3 Pro/i, 150, "Apple M3 Pro"],
  [/Apple M4\b/i, 120, "Apple M4"],
  [/Apple M[23]\b/i, 100, "Apple M2/M3"],
  [/Apple M1\b/i, 68, "Apple M1"],
];

/**
 * What to assume for a GPU not in the table, by its memory: a figure typical of the
 * cards sold with that much (up to 8 GB: RTX 4060 272, RTX 3070 448; 12 GB: RTX 3060
 * 360, RTX 4070 504; 16 GB: RTX 4060 Ti 288, RTX 4080 717; 24 GB: RTX 3090 936, RTX
 * 4090 1008; 48 GB: RTX A6000 768; 80 GB: A100 2039).
 */
const VRAM_CLASSES: ReadonlyArray<readonly [number, number]> = [
  [4.5, 150],
  [6.5, 250],
  [8.5, 300],
  [12.5, 400],
  [16.5, 500],
  [24.5, 900],
  [48.5, 768],
  [96.5, 2000],
  [Infinity, 3000],
];

/**
 * Dual-channel desktop memory: DDR4-3200 peaks at 51 GB/s, DDR5-5600 at 90. Servers
 * with more channels read faster; give `--ram-bandwidth` for them.
 */
const ASSUMED_RAM_GBPS = 60;

/** The GPU's and the RAM's bandwidth for this machine: given, looked up by name, or assumed. */
export function machineBandwidths(machine: FitMachine): MachineBandwidths {
  const gpu = machineHasGpu(machine) ? gpuBandwidth(machine) : undefined;
  return { gpu, ram: ramBandwidth(machine, gpu) };
}

/** The table's figure for a device name, if it knows the name. */
export function knownGpuBandwidth(name: string): Bandwidth | undefined {
  const found = GPU_BANDWIDTHS.find(([pattern]) => pattern.test(name));
  return found ? { bytesPerSecond: found[1] * GB, source: found[2], assumed: false } : undefined;
}

function gpuBandwidth(machine: FitMachine): Bandwidth {
  if (machine.gpuBandwidth) return { bytesPerSecond: machine.gpuBandwidth, source: "as given", assumed: false };
  const known = (machine.gpuNames ?? []).map(knownGpuBandwidth);
  // Layers split over several cards run one card after another: the slowest sets the pace.
  if (known.length > 0 && known.every(Boolean)) {
    return known.reduce((slowest, b) => (b!.bytesPerSecond < slowest!.bytesPerSecond ? b : slowest))!;
  }
  const gib = machine.vramBytes / 2 ** 30;
  const gbps = VRAM_CLASSES.find(([upTo]) => gib <= upTo)![1];
  const size = Math.round(gib);
  return { bytesPerSecond: gbps * GB, source: `assumed: typical of ${size} GB cards`, assumed: true };
}

function ramBandwidth(machine: FitMachine, gpu: Bandwidth | undefined): Bandwidth {
  if (machine.ramBandwidth) return { bytesPerSecond: machine.ramBandwidth, source: "as given", assumed: false };
  // Apple's CPU and GPU share one memory: the chip's figure serves both.
  if (machine.gpu === "metal" && gpu && !gpu.assumed) return { ...gpu, source: `${gpu.source} unified memory` };
  return { bytesPerSecond: ASSUMED_RAM_GBPS * GB, source: "assumed: dual-channel DDR4/DDR5", assumed: true };
}

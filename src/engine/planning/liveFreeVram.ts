import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import type { MachineFacts } from "./machine.ts";

const MIB = 1024 * 1024;

export interface GpuMemory {
  totalBytes: number;
  freeBytes: number;
}

/** `nvidia-smi --query-gpu=index,memory.total,memory.free --format=csv,noheader,nounits` (MiB), limited to CUDA_VISIBLE_DEVICES. */
export function parseNvidiaSmiMemory(text: string, visible: string | undefined): GpuMemory[] | undefined {
  const rows = text.trim().split("\n").filter(Boolean).map((line) => line.split(",").map((cell) => Number(cell.trim())));
  if (rows.length === 0 || rows.some((row) => row.length !== 3 || row.some((n) => !Number.isFinite(n)))) return undefined;
  let wanted: Set<number> | undefined;
  if (visible !== undefined && visible.trim() !== "") {
    // UUIDs and MIG names cannot be matched to nvidia-smi's indices without another query.
    if (!/^\d+(,\d+)*$/.test(visible.replace(/\s/g, ""))) return undefined;
    wanted = new Set(visible.split(",").map((n) => Number(n.trim())));
  }
  return rows.filter(([index]) => !wanted || wanted.has(index!)).map(([, total, free]) => ({ totalBytes: total! * MIB, freeBytes: free! * MIB }));
}

function nvidiaSmi(): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile("nvidia-smi", ["--query-gpu=index,memory.total,memory.free", "--format=csv,noheader,nounits"], { timeout: 3000 }, (error, stdout) => resolve(error ? undefined : stdout));
  });
}

/** AMD cards report their VRAM in sysfs (amdgpu): no program to run. */
function amdgpuMemory(): GpuMemory[] {
  const read = (path: string) => Number(readFileSync(path, "utf8").trim());
  const found: GpuMemory[] = [];
  let cards: string[] = [];
  try {
    cards = readdirSync("/sys/class/drm").filter((name) => /^card\d+$/.test(name));
  } catch {
    return found;
  }
  for (const card of cards) {
    try {
      const device = `/sys/class/drm/${card}/device`;
      const total = read(`${device}/mem_info_vram_total`);
      found.push({ totalBytes: total, freeBytes: total - read(`${device}/mem_info_vram_used`) });
    } catch {
      // not an amdgpu card
    }
  }
  return found;
}

/**
 * Free VRAM now, without llama.cpp: from nvidia-smi, or amdgpu's sysfs files. Undefined
 * when neither answers, or when what they see is not the GPU memory llama.cpp saw (within
 * a tenth): a plan then works from the total, as with any machine whose free VRAM is unknown.
 */
export async function liveFreeVram(machine: Pick<MachineFacts, "gpu" | "vramBytes">, env: NodeJS.ProcessEnv = process.env): Promise<number | undefined> {
  if (!machine.gpu || machine.vramBytes <= 0 || machine.gpu === "metal") return undefined;
  const candidates: (GpuMemory[] | undefined)[] = [];
  if (machine.gpu === "vulkan") candidates.push(amdgpuMemory());
  const smi = await nvidiaSmi();
  if (smi !== undefined) candidates.push(parseNvidiaSmiMemory(smi, machine.gpu === "cuda" ? env.CUDA_VISIBLE_DEVICES : undefined));
  for (const gpus of candidates) {
    if (!gpus?.length) continue;
    const total = gpus.reduce((sum, g) => sum + g.totalBytes, 0);
    if (Math.abs(total - machine.vramBytes) > machine.vramBytes / 10) continue;
    return Math.max(0, Math.min(machine.vramBytes, gpus.reduce((sum, g) => sum + g.freeBytes, 0)));
  }
  return undefined;
}

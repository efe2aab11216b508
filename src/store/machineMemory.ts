import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "./atomicWrite.ts";
import { dataPaths } from "./paths.ts";

/** What the last probe of this machine found, and the fingerprint of the machine it found it on. */
export interface MachineMemory<T> {
  version: 1;
  fingerprint: string;
  /** Each backend choice asked for ("auto", "cuda", ...) and its answer. */
  answers: Record<string, T>;
  probedAt: string;
}

/** <data>/cache/machine.json */
export function defaultMachineMemoryPath(root?: string): string {
  return join(dataPaths(root).cache, "machine.json");
}

/** The remembered probe, or undefined when there is none or it cannot be read (it is only a cache). */
export async function readMachineMemory<T>(path: string): Promise<MachineMemory<T> | undefined> {
  try {
    const data = JSON.parse(await readFile(path, "utf8")) as Partial<MachineMemory<T>>;
    if (data.version !== 1 || typeof data.fingerprint !== "string" || typeof data.answers !== "object" || data.answers === null) return undefined;
    return data as MachineMemory<T>;
  } catch {
    return undefined;
  }
}

export async function writeMachineMemory<T>(path: string, memory: MachineMemory<T>): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(memory, null, 2)}\n`);
}

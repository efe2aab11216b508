import { freemem, totalmem } from "node:os";
import { readMachineMemory, writeMachineMemory, type MachineMemory } from "../../store/machineMemory.ts";
import { isLlamaStarted } from "../runtime/llama.ts";
import { BackendUnavailableError, detectMachine } from "./detectMachine.ts";
import { liveFreeVram } from "./liveFreeVram.ts";
import { machineFingerprint } from "./machineFingerprint.ts";
import type { BackendChoice, MachineFacts } from "./machine.ts";

/** The part of a probe that lasts while the fingerprint does; RAM and free VRAM are read fresh. */
type LastingFacts = Omit<MachineFacts, "ramBytes" | "ramFreeBytes" | "freeVramBytes">;

/** A backend choice's remembered answer: the machine, or why that backend cannot run here. */
export type RememberedAnswer = { machine: LastingFacts } | { unavailable: string };

export interface RememberedMachineOptions {
  /** Default "auto". */
  backend?: BackendChoice;
  /** The memory file (store/machineMemory.ts: <data>/cache/machine.json). */
  memoryPath: string;
  env?: NodeJS.ProcessEnv;
  /** The real probe by default (llama.cpp, seconds); tests pass their own. */
  probe?: (backend: BackendChoice) => Promise<MachineFacts>;
}

function lasting(facts: MachineFacts): LastingFacts {
  const { ramBytes: _ram, ramFreeBytes: _free, freeVramBytes: _vram, ...rest } = facts;
  return rest;
}

async function recall(answer: RememberedAnswer, backend: BackendChoice, env: NodeJS.ProcessEnv): Promise<MachineFacts> {
  if ("unavailable" in answer) throw new BackendUnavailableError(backend, answer.unavailable);
  const freeVram = await liveFreeVram(answer.machine, env);
  return { ...answer.machine, ramBytes: totalmem(), ramFreeBytes: freemem(), ...(freeVram !== undefined && { freeVramBytes: freeVram }) };
}

/**
 * This machine as detectMachine() sees it, probed once and then remembered (a probe loads
 * llama.cpp and tries each GPU build: seconds). The memory holds while the machine's
 * fingerprint (GPUs, drivers, llama.cpp builds: machineFingerprint.ts) stays the same;
 * RAM and free VRAM are read fresh each time. Once llama.cpp is running in this process,
 * it is asked directly (free, and live) and the memory brought up to date.
 */
export async function detectMachineRemembered(options: RememberedMachineOptions): Promise<MachineFacts> {
  const backend = options.backend ?? "auto";
  const env = options.env ?? process.env;
  const probe = options.probe ?? ((choice: BackendChoice) => detectMachine({ backend: choice }));
  const fingerprint = machineFingerprint(env);
  const memory = await readMachineMemory<RememberedAnswer>(options.memoryPath);
  const answers = memory?.fingerprint === fingerprint ? memory.answers : {};
  const known = answers[backend];
  if (known && !isLlamaStarted(backend)) return recall(known, backend, env);
  const remember = async (answer: RememberedAnswer) => {
    if (JSON.stringify(answer) === JSON.stringify(known)) return;
    const next: MachineMemory<RememberedAnswer> = { version: 1, fingerprint, answers: { ...answers, [backend]: answer }, probedAt: new Date().toISOString() };
    // Only a cache: a data folder that cannot be written costs the next start a probe, nothing more.
    await writeMachineMemory(options.memoryPath, next).catch(() => {});
  };
  try {
    const facts = await probe(backend);
    await remember({ machine: lasting(facts) });
    return facts;
  } catch (error) {
    if (error instanceof BackendUnavailableError) await remember({ unavailable: error.reason });
    throw error;
  }
}

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile, mkdir } from "node:fs/promises";
import { totalmem } from "node:os";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { detectMachineRemembered } from "../../../src/engine/planning/rememberedMachine.ts";
import { machineFacts, machineFingerprint } from "../../../src/engine/planning/machineFingerprint.ts";
import { parseNvidiaSmiMemory } from "../../../src/engine/planning/liveFreeVram.ts";
import { BackendUnavailableError, detectMachine } from "../../../src/engine/planning/detectMachine.ts";
import type { BackendChoice, MachineFacts } from "../../../src/engine/planning/machine.ts";

const GIB = 2 ** 30;

/** A probe that answers like a CPU-only machine and counts how often it was asked. */
function countingProbe(answer: (backend: BackendChoice) => MachineFacts = () => ({ gpu: false, vramBytes: 0, gpuNames: [], ramBytes: 8 * GIB, ramFreeBytes: 4 * GIB, cpuCores: 3 })) {
  const asked: BackendChoice[] = [];
  return {
    asked,
    probe: async (backend: BackendChoice) => {
      asked.push(backend);
      return answer(backend);
    },
  };
}

async function withHome(run: (memoryPath: string) => Promise<void>) {
  const home = await mkdtemp(join(tmpdir(), "taproom-machine-"));
  try {
    await run(join(home, "cache", "machine.json"));
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

test("the machine is probed once; later answers come from the memory, with RAM read fresh", () =>
  withHome(async (memoryPath) => {
    const { asked, probe } = countingProbe();
    const first = await detectMachineRemembered({ memoryPath, probe });
    assert.equal(first.cpuCores, 3);
    const again = await detectMachineRemembered({ memoryPath, probe });
    assert.deepEqual(asked, ["auto"]);
    assert.equal(again.cpuCores, 3);
    assert.equal(again.gpu, false);
    assert.equal(again.ramBytes, totalmem(), "RAM is this machine's now, not the probe's");
    assert.equal(again.freeVramBytes, undefined);
    const saved = JSON.parse(await readFile(memoryPath, "utf8")) as { fingerprint: string; answers: Record<string, unknown> };
    assert.equal(saved.fingerprint, machineFingerprint(process.env));
    assert.deepEqual(Object.keys(saved.answers), ["auto"]);
  }));

test("each backend choice is remembered on its own; a backend that is not there is remembered as such", () =>
  withHome(async (memoryPath) => {
    const { asked, probe } = countingProbe((backend) => {
      if (backend === "cuda") throw new BackendUnavailableError("cuda", "no CUDA build here");
      return { gpu: false, vramBytes: 0, ramBytes: GIB, cpuCores: 2 };
    });
    await detectMachineRemembered({ memoryPath, probe });
    await detectMachineRemembered({ memoryPath, probe, backend: "cpu" });
    for (let i = 0; i < 2; i++) {
      await assert.rejects(detectMachineRemembered({ memoryPath, probe, backend: "cuda" }), (error: unknown) => {
        assert.ok(error instanceof BackendUnavailableError);
        assert.equal(error.reason, "no CUDA build here");
        assert.match(error.message, /the cuda backend is not available on this machine \(no CUDA build here\)/);
        return true;
      });
    }
    await detectMachineRemembered({ memoryPath, probe, backend: "cpu" });
    assert.deepEqual(asked, ["auto", "cpu", "cuda"]);
  }));

test("another GPU set or driver (another fingerprint) probes again", () =>
  withHome(async (memoryPath) => {
    const { asked, probe } = countingProbe();
    await detectMachineRemembered({ memoryPath, probe, env: { PATH: process.env.PATH } });
    await detectMachineRemembered({ memoryPath, probe, env: { PATH: process.env.PATH } });
    await detectMachineRemembered({ memoryPath, probe, env: { PATH: process.env.PATH, CUDA_VISIBLE_DEVICES: "1" } });
    assert.deepEqual(asked, ["auto", "auto"]);
  }));

test("a memory file that is damaged or from another version is probed over, never an error", () =>
  withHome(async (memoryPath) => {
    const { asked, probe } = countingProbe();
    await mkdir(join(memoryPath, ".."), { recursive: true });
    for (const text of ["{ not json", JSON.stringify({ version: 9, fingerprint: "x", answers: {} }), JSON.stringify({ version: 1, fingerprint: machineFingerprint(process.env), answers: null })]) {
      await writeFile(memoryPath, text);
      assert.equal((await detectMachineRemembered({ memoryPath, probe })).cpuCores, 3);
    }
    assert.equal(asked.length, 3);
  }));

test("the fingerprint covers the GPU-picking variables and the llama.cpp builds installed, and is quick to take", () => {
  const facts = machineFacts({ CUDA_VISIBLE_DEVICES: "0,1" });
  assert.ok(facts.includes("CUDA_VISIBLE_DEVICES=0,1"));
  assert.ok(facts.some((f) => /^node-llama-cpp@3\.21\.1$/.test(f)), facts.join("\n"));
  assert.ok(facts.includes("linux-x64") || process.platform !== "linux");
  assert.notEqual(machineFingerprint({ CUDA_VISIBLE_DEVICES: "0" }), machineFingerprint({ CUDA_VISIBLE_DEVICES: "1" }));
  assert.equal(machineFingerprint({}), machineFingerprint({}));
});

test("the remembered answer is the real probe's: a CPU probe through llama.cpp, then the same from memory", () =>
  withHome(async (memoryPath) => {
    const real = await detectMachineRemembered({ memoryPath, backend: "cpu" });
    const direct = await detectMachine({ backend: "cpu" });
    assert.equal(real.cpuCores, direct.cpuCores);
    let probed = false;
    const remembered = await detectMachineRemembered({ memoryPath, backend: "cpu", probe: async () => ((probed = true), direct) });
    // llama.cpp runs in this process now: asking it costs nothing and its figures are live.
    assert.equal(probed, true);
    assert.deepEqual({ ...remembered, ramFreeBytes: 0 }, { ...direct, ramFreeBytes: 0 });
  }));

test("nvidia-smi's memory table: summed over the devices CUDA_VISIBLE_DEVICES leaves visible", () => {
  const text = "0, 81559, 80000\n1, 81559, 1000\n";
  const mib = 1024 * 1024;
  assert.deepEqual(parseNvidiaSmiMemory(text, undefined), [{ totalBytes: 81559 * mib, freeBytes: 80000 * mib }, { totalBytes: 81559 * mib, freeBytes: 1000 * mib }]);
  assert.deepEqual(parseNvidiaSmiMemory(text, "1"), [{ totalBytes: 81559 * mib, freeBytes: 1000 * mib }]);
  assert.equal(parseNvidiaSmiMemory(text, "GPU-5f3e2a"), undefined, "UUIDs cannot be matched to indices");
  assert.equal(parseNvidiaSmiMemory("No devices were found\n", undefined), undefined);
  assert.equal(parseNvidiaSmiMemory("", undefined), undefined);
});

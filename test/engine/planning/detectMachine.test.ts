import { test } from "node:test";
import assert from "node:assert/strict";
import { availableParallelism, totalmem } from "node:os";
import { detectMachine, BackendUnavailableError } from "../../../src/engine/planning/index.ts";

test("--gpu cpu: this machine's RAM and cores, no GPU", async () => {
  const machine = await detectMachine({ backend: "cpu" });
  assert.equal(machine.gpu, false);
  assert.equal(machine.vramBytes, 0);
  assert.equal(machine.ramBytes, totalmem());
  assert.ok(machine.cpuCores >= 1 && machine.cpuCores <= availableParallelism());
  assert.ok(machine.ramFreeBytes! > 0 && machine.ramFreeBytes! <= machine.ramBytes);
});

test("auto: a GPU comes with its VRAM figures, or the machine is CPU only", async () => {
  const machine = await detectMachine();
  if (machine.gpu === false) assert.equal(machine.vramBytes, 0);
  else {
    assert.ok(machine.vramBytes > 0);
    assert.ok(machine.freeVramBytes! <= machine.vramBytes);
    assert.ok(Array.isArray(machine.gpuNames));
  }
});

test("a backend this machine lacks is a clear error, not a CPU fallback or a source build", { skip: process.platform === "darwin" }, async () => {
  await assert.rejects(detectMachine({ backend: "metal" }), (error: unknown) => {
    assert.ok(error instanceof BackendUnavailableError);
    assert.match(error.message, /^the metal backend is not available on this machine \(.+\); use --gpu auto or --gpu cpu$/);
    return true;
  });
});

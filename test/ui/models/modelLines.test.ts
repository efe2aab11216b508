import { test } from "node:test";
import assert from "node:assert/strict";
import { downloadLine, machineLine, shortVerdict, wrapText } from "../../../src/ui/models/modelLines.ts";

const GiB = 2 ** 30;

test("the machine line names the backend, GPUs, VRAM total and free, RAM and cores; GPU names are made inert", () => {
  assert.equal(
    machineLine({ gpu: "cuda", vramBytes: 24 * GiB, freeVramBytes: 22.5 * GiB, gpuNames: ["NVIDIA GeForce RTX 4090\x1b]0;x\x07"], ramBytes: 64 * GiB, cpuCores: 16 }),
    "Machine: cuda · NVIDIA GeForce RTX 4090 · VRAM 24.0 GiB (22.5 GiB free) · RAM 64.0 GiB · 16 cores",
  );
  assert.equal(machineLine({ gpu: false, vramBytes: 0, ramBytes: 8 * GiB, cpuCores: 1 }), "Machine: CPU only · RAM 8.00 GiB · 1 core");
});

test("verdicts are short enough for a row at 80 columns", () => {
  const base = { contextSize: 8192, maxContext: 0, gpuLayers: 20, totalLayers: 41, summary: "", reason: "" };
  assert.equal(shortVerdict({ ...base, fit: "full", gpuLayers: 41 }), "fits the GPU, 8192 ctx");
  assert.equal(shortVerdict({ ...base, fit: "partial" }), "partly 20/41 layers, 8192 ctx");
  assert.equal(shortVerdict({ ...base, fit: "cpu" }), "CPU, 8192 ctx");
  assert.equal(shortVerdict({ ...base, fit: "none" }), "does not fit");
});

test("the download line has a bar, percent, size, speed and ETA; wrapping keeps to the width", () => {
  assert.equal(
    downloadLine({ file: "/m/x.gguf", bytes: 1.5 * GiB, total: 4 * GiB, bytesPerSecond: 50 * 2 ** 20, etaSeconds: 51.2, part: 1, parts: 2 }, 10),
    "[####......]  37%  1.50 GiB / 4.00 GiB  50.0 MiB/s  ETA 51s  part 1/2",
  );
  const lines = wrapText("one two three four five six seven eight nine ten", 10, 3);
  assert.deepEqual(lines, ["one two", "three four", "five six…"]);
  assert.ok(lines.every((l) => l.length <= 10));
});

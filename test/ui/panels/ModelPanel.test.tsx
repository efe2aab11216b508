import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { modelPanelLines } from "../../../src/ui/panels/ModelPanel.tsx";
import { createApp, type App } from "../../../src/app/app.ts";
import type { ModelDetails } from "../../../src/app/models.ts";
import type { TurnReport } from "../../../src/app/turns/playTurn.ts";
import { scriptedSession } from "../../support/fakeServices.ts";
import { mountChat } from "../../support/chatScreen.tsx";
import { writeTinyChatModel } from "../../support/tinyGguf.ts";
import { inputReady, until } from "../../support/frames.ts";

const GiB = 2 ** 30;
const onGpu: ModelDetails = {
  name: "Mistral-7B\x1b]0;x\x07",
  path: "/m/mistral.gguf",
  backend: "cuda",
  gpuLayers: 33,
  totalLayers: 33,
  contextSize: 8192,
  threads: 4,
  reasons: [],
  suggestions: [],
  gpuNames: ["NVIDIA GeForce RTX 3060"],
  modelVramBytes: 5.5 * GiB,
  weightsBytes: 4.1 * GiB,
  vramTotalBytes: 12 * GiB,
  vramUsedBytes: 6 * GiB,
  vramFreeBytes: 6 * GiB,
  contextUsed: 2048,
};
const turn: TurnReport = { template: "ChatML", promptTokens: 1200, evaluatedTokens: 40, promptMs: 35.4, tokensPerSecond: 41.96, sections: [], lore: [], plan: [] };

test("the panel shows backend, GPU, VRAM used/free, layers, the context as a bar, speed, prompt time and cache reuse", () => {
  assert.deepEqual(modelPanelLines(onGpu, turn), [
    "Model: Mistral-7B · cuda (NVIDIA GeForce RTX 3060) · weights 4.10 GiB",
    "VRAM: 5.50 GiB for this model · GPU 6.00 GiB used, 6.00 GiB free of 12.0 GiB",
    "Layers on the GPU: 33/33 · 4 threads",
    "Context: [######..................] 2048/8192 (25%)",
    "Last turn: 42.0 tok/s · prompt eval 35 ms · 1160 of 1200 prompt tokens reused from the KV cache",
  ]);
  assert.match(modelPanelLines({ ...onGpu, backend: "cpu", gpuNames: [] }, null).join("\n"), /VRAM: none used \(CPU backend\)[\s\S]*Last turn: none yet/);
  assert.match(modelPanelLines(null, null)[0] ?? "", /No model loaded: \/model NAME loads one/);
});

let dir: string;
let runtime: App;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "taproom-model-panel-"));
  await mkdir(join(dir, "models"));
  await writeTinyChatModel(join(dir, "models", "tiny.gguf"));
  runtime = createApp({ env: { TAPROOM_HOME: dir }, runtime: { modelsDir: join(dir, "models"), gpu: "cpu", threads: 1, contextSize: 512 } });
});
after(() => runtime.close());


test("in the chat, /model loads a library model by part of its name, Tab completes it, and Alt+M shows its panel", async () => {
  const fake = scriptedSession([["Hello."]]);
  const app = mountChat(fake.session, { rows: 30, models: runtime.models });
  await inputReady(app.stdin);
  app.stdin.write("\x1bm");
  await until(app.lastFrame, (f) => f.includes("No model loaded: /model NAME"), "the panel without a model");
  app.stdin.write("\x1b");
  await until(app.lastFrame, (f) => !f.includes("No model loaded: /model NAME"), "the panel closed");
  app.stdin.write("/model qwen");
  await until(app.lastFrame, (f) => f.includes("│ /model qwen"), "the typed command");
  app.stdin.write("\r");
  await until(app.lastFrame, (f) => f.includes('no model matches "qwen"; the library has tiny.gguf'), "the unknown name");
  app.stdin.write("/model ti");
  await until(app.lastFrame, (f) => /│ \/model ti(?!n)/.test(f), "the typed prefix");
  app.stdin.write("\t");
  await until(app.lastFrame, (f) => f.includes("│ /model tiny.gguf"), "the completed name");
  app.stdin.write("\r");
  const loaded = await until(app.lastFrame, (f) => f.includes("Loaded taproom-tiny"), "the load");
  assert.match(loaded, /Loaded taproom-tiny: cpu · 0\/\d+ layers on the GPU · 512 context · 1 thread/);
  assert.equal(runtime.models.current()?.name, "taproom-tiny");
  app.stdin.write("\x1bm");
  const panel = await until(app.lastFrame, (f) => f.includes("Model: taproom-tiny"), "the model panel");
  assert.match(panel, /Model: taproom-tiny · cpu · weights [\d.]+ KiB/);
  assert.match(panel, /VRAM: none used \(CPU backend\)/);
  assert.match(panel, /Layers on the GPU: 0\/\d+ · 1 thread/);
  assert.match(panel, /Context: \[\.{24}\] 0\/512 \(0%\)/);
  app.stdin.write("\x1bm");
  await until(app.lastFrame, (f) => !f.includes("Model: taproom-tiny"), "the panel to close");
  app.unmount();
});

test("a remote server in the model panel: its model, address and context, what connecting found, the last turn's speed", () => {
  const remote = { remote: true as const, name: "Nemo-12B", server: "koboldcpp at 10.0.0.5:5001", contextSize: 8192, notes: ["koboldcpp at http://10.0.0.5:5001: Nemo-12B", "context 8192 tokens (the server's 8192)", "token counts from the server's /api/extra/tokencount"] };
  assert.deepEqual(modelPanelLines(remote, null), [
    "Model: Nemo-12B · served by koboldcpp at 10.0.0.5:5001 · context 8192",
    "context 8192 tokens (the server's 8192)",
    "token counts from the server's /api/extra/tokencount",
    "Last turn: none yet (speed shows after a reply)",
  ]);
  const lines = modelPanelLines(remote, { promptTokens: 900, evaluatedTokens: 900, tokensPerSecond: 31.25 } as Parameters<typeof modelPanelLines>[1]);
  assert.equal(lines.at(-1), "Last turn: 31.3 tok/s · 900 prompt tokens sent");
});

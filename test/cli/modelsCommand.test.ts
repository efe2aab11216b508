import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../src/cli/main.ts";
import { captureIO } from "../support/cliIO.ts";
import { llamaHeader } from "../support/ggufHeader.ts";

const GiB = 2 ** 30;

async function home() {
  const root = await mkdtemp(join(tmpdir(), "taproom-models-"));
  const models = join(root, "models");
  const extra = join(root, "more-models");
  await mkdir(models, { recursive: true });
  await mkdir(extra, { recursive: true });
  const path = join(models, "Llama-3-8B-Q4_K_M.gguf");
  await writeFile(path, llamaHeader({ layers: 32, embedding: 4096, heads: 32, kvHeads: 8, feedForward: 14336, vocab: 128256, context: 8192, fileType: 15, chatTemplate: "<|im_start|>" }));
  await truncate(path, Math.round(4.58 * GiB));
  await writeFile(join(extra, "junk.gguf"), "junk");
  await writeFile(join(root, "settings.json"), JSON.stringify({ modelFolders: [extra] }));
  return root;
}

test("taproom models lists the library (with settings' extra folders) and a verdict per model", async () => {
  const root = await home();
  const io = captureIO({ TAPROOM_HOME: root });
  assert.equal(await runCli(["models", "--gpu", "cuda", "--vram", "12GB", "--ram", "32GB"], io), 0, io.err());
  assert.match(io.out(), /^Machine: cuda, 12 GiB VRAM, 32 GiB RAM$/m);
  assert.match(io.out(), /^Llama-3-8B-Q4_K_M\.gguf  4\.58 GiB\n  llama, 7\.5B, Q4_K_M, 8192 ctx, 32 layers, template ChatML\n  fits fully on the GPU with 8192 context, about \d+ tokens\/s: needs .* of 12\.0 GiB VRAM$/m);
  assert.match(io.out(), /^junk\.gguf  4 B\n  unreadable: .*junk\.gguf: not a GGUF file$/m);
});

test("taproom models --json gives the folders, the machine and each model's facts and verdict", async () => {
  const root = await home();
  const io = captureIO({ TAPROOM_HOME: root });
  assert.equal(await runCli(["models", "--json", "--gpu", "cuda", "--vram", "4GB", "--ram", "32GB"], io), 0, io.err());
  const report = JSON.parse(io.out()) as { folders: string[]; models: Array<{ name: string; quant?: string; error?: string; verdict?: { fit: string; gpuLayers: number; totalLayers: number } }> };
  assert.deepEqual(report.folders, [join(root, "models"), join(root, "more-models")]);
  const llama = report.models.find((m) => m.quant === "Q4_K_M");
  assert.equal(llama?.verdict?.fit, "partial");
  assert.equal(llama?.verdict?.totalLayers, 33);
  assert.ok(report.models.some((m) => m.name === "junk.gguf" && /not a GGUF file/.test(m.error ?? "")));
});

test("an empty library says how to get a model", async () => {
  const root = await mkdtemp(join(tmpdir(), "taproom-models-"));
  const io = captureIO({ TAPROOM_HOME: root });
  assert.equal(await runCli(["models", "--gpu", "cpu", "--ram", "8GB", "--models-dir", join(root, "nothing")], io), 0);
  assert.match(io.out(), /No models in .*nothing\.\nDownload one with: taproom pull hf:USER\/REPO/);
});

test("taproom models --add-folder keeps a folder in settings and lists its models; --remove-folder drops it", async () => {
  const root = await home();
  const disk2 = join(root, "disk2");
  await mkdir(disk2);
  await writeFile(join(disk2, "other.gguf"), "not a model either");
  let io = captureIO({ TAPROOM_HOME: root });
  assert.equal(await runCli(["models", "--add-folder", disk2, "--gpu", "cpu", "--ram", "32GB"], io), 0, io.err());
  assert.match(io.err(), new RegExp(`^Model folders: .*more-models, ${disk2}\n$`));
  assert.match(io.out(), /^other\.gguf  18 B$/m);
  io = captureIO({ TAPROOM_HOME: root });
  assert.equal(await runCli(["models", "--remove-folder", disk2, "--gpu", "cpu", "--ram", "32GB"], io), 0, io.err());
  assert.doesNotMatch(io.out(), /other\.gguf/);
  io = captureIO({ TAPROOM_HOME: root });
  assert.equal(await runCli(["models", "--add-folder", join(root, "missing"), "--gpu", "cpu"], io), 1);
  assert.equal(io.err(), `taproom models: ${join(root, "missing")}: no such folder\n`);
});

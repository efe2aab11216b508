import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { pullModel } from "../../../src/engine/download/pullModel.ts";
import type { ModelDownloadProgress } from "../../../src/engine/download/downloadRepoModel.ts";
import { DownloadCancelledError, DownloadInterruptedError } from "../../../src/engine/download/errors.ts";
import type { DownloadRetry } from "../../../src/engine/download/downloadFile.ts";
import { PullChoiceError } from "../../../src/engine/download/planPull.ts";
import { startFakeHub } from "../../support/fakeHub.ts";

const GiB = 2 ** 30;
const q8 = randomBytes(400_000);
const q4 = randomBytes(220_000);
const repos = { "alice/Tiny-GGUF": { files: [{ path: "tiny-Q8_0.gguf", content: q8 }, { path: "tiny-Q4_K_M.gguf", content: q4 }] } };

async function library() {
  return mkdtemp(join(tmpdir(), "taproom-pullmodel-"));
}

test("the choice comes before the first byte, progress runs to the total, and a second pull finds it in the library", async (t) => {
  const hub = await startFakeHub({ repos, chunkDelayMs: 5, chunkSize: 16_384 });
  t.after(() => hub.close());
  const modelsDir = await library();
  const order: string[] = [];
  const events: ModelDownloadProgress[] = [];
  const machine = { gpu: "cuda" as const, vramBytes: 8 * GiB, ramBytes: 32 * GiB };
  const pulled = await pullModel({
    uri: "hf:alice/Tiny-GGUF",
    hub: { endpoint: hub.endpoint },
    modelsDir,
    machine,
    progressIntervalMs: 0,
    onPlan: (plan) => order.push(`plan ${plan.model?.quantLabel}: ${plan.choice?.choice.reason}`),
    onProgress: (p) => {
      if (events.length === 0) order.push("bytes");
      events.push(p);
    },
  });
  assert.match(order[0]!, /^plan Q8_0: Q8_0 is the best quality that reaches reading speed here: about \d+ tokens\/s fully on the GPU/);
  assert.equal(order[1], "bytes");
  assert.deepEqual(pulled.paths, [join(modelsDir, "tiny-Q8_0.gguf")]);
  assert.deepEqual(await readFile(pulled.paths[0]!), q8);
  assert.equal(pulled.fetchedBytes, q8.length);
  assert.equal(pulled.alreadyPresent, false);
  assert.ok(events.every((e, i) => i === 0 || e.bytes >= events[i - 1]!.bytes));
  assert.deepEqual({ bytes: events.at(-1)!.bytes, total: events.at(-1)!.total, part: events.at(-1)!.part, parts: events.at(-1)!.parts }, { bytes: q8.length, total: q8.length, part: 1, parts: 1 });
  const again = await pullModel({ uri: "hf:alice/Tiny-GGUF:Q8_0", hub: { endpoint: hub.endpoint }, modelsDir });
  assert.equal(again.alreadyPresent, true);
  assert.equal(again.fetchedBytes, 0);
  // These files are a few hundred KB: only an absurd floor makes Q8_0's CPU speed too slow for its small gain.
  const cpu = await pullModel({ uri: "hf:alice/Tiny-GGUF", hub: { endpoint: hub.endpoint }, modelsDir, machine: { gpu: false, vramBytes: 0, ramBytes: 32 * GiB }, minSpeed: 60_000 });
  assert.equal(cpu.plan.model.quantLabel, "Q4_K_M", "the floor passes through to the choice");
  assert.deepEqual((await readdir(modelsDir)).sort(), ["tiny-Q4_K_M.gguf", "tiny-Q8_0.gguf"]);
});

test("a cancel mid-download keeps the .part and the next pull resumes it; a cancel before listing fetches nothing", async (t) => {
  const hub = await startFakeHub({ repos, chunkDelayMs: 20, chunkSize: 8192 });
  t.after(() => hub.close());
  const modelsDir = await library();
  const controller = new AbortController();
  await assert.rejects(
    pullModel({ uri: "hf:alice/Tiny-GGUF:Q8_0", hub: { endpoint: hub.endpoint }, modelsDir, signal: controller.signal, progressIntervalMs: 0, onProgress: (p) => p.bytes > 50_000 && controller.abort() }),
    (error: unknown) => error instanceof DownloadCancelledError && /download cancelled; run the same command again to resume/.test(error.message),
  );
  assert.deepEqual(await readdir(modelsDir), ["tiny-Q8_0.gguf.part"]);
  const resumed = await pullModel({ uri: "hf:alice/Tiny-GGUF:Q8_0", hub: { endpoint: hub.endpoint }, modelsDir });
  assert.deepEqual(await readFile(resumed.paths[0]!), q8);
  assert.ok(resumed.fetchedBytes < q8.length, `fetched ${resumed.fetchedBytes} again`);
  assert.ok(hub.requests.some((r) => / bytes=[1-9]\d*-$/.test(r)), "the rerun asks for the rest only");

  const requestsBefore = hub.requests.length;
  const early = new AbortController();
  early.abort();
  await assert.rejects(pullModel({ uri: "hf:alice/Tiny-GGUF", hub: { endpoint: hub.endpoint }, modelsDir: await library(), signal: early.signal }), DownloadCancelledError);
  assert.equal(hub.requests.length, requestsBefore);
});

test("a machine nothing runs on gets a PullChoiceError saying why and how to download anyway", async (t) => {
  const hub = await startFakeHub({ repos });
  t.after(() => hub.close());
  const modelsDir = await library();
  let shown = "";
  await assert.rejects(
    pullModel({ uri: "hf:alice/Tiny-GGUF", hub: { endpoint: hub.endpoint }, modelsDir, machine: { gpu: false, vramBytes: 0, ramBytes: GiB }, onPlan: (p) => (shown = `${p.model?.name}: ${p.choice?.choice.table.length} quants`) }),
    (error: unknown) => {
      assert.ok(error instanceof PullChoiceError);
      assert.match(error.message, /^alice\/Tiny-GGUF: nothing to download for this machine \(No quant runs on this machine; even Q4_K_M needs more memory than this machine has\); name a quant \(hf:alice\/Tiny-GGUF:Q2_K\) to download anyway$/);
      return true;
    },
  );
  assert.equal(shown, "undefined: 2 quants", "the table is shown before the refusal");
  assert.deepEqual(await readdir(modelsDir), []);
});

test("a flaky link is resumed by itself, each time from where it broke; one that keeps failing ends resumable", async (t) => {
  const hub = await startFakeHub({ repos, dropEvery: { path: "tiny-Q8_0.gguf", bytes: 150_000 } });
  t.after(() => hub.close());
  const modelsDir = await library();
  const retries: DownloadRetry[] = [];
  const pulled = await pullModel({ uri: "hf:alice/Tiny-GGUF:Q8_0", hub: { endpoint: hub.endpoint }, modelsDir, retryDelayMs: 5, onRetry: (r) => retries.push(r) });
  assert.deepEqual(await readFile(pulled.paths[0]!), q8, "sha256 and size verified across three connections");
  // A cut connection loses the bytes the client had not read yet: each retry resumes from what it kept, not from the server's count.
  assert.deepEqual(retries.map((r) => [r.attempt, r.delayMs]), retries.map((_, i) => [i + 1, 5 * 2 ** i]));
  assert.ok(retries.length >= 2 && retries.every((r, i) => r.bytesSoFar >= (retries[i - 1]?.bytesSoFar ?? 0) && r.bytesSoFar <= 150_000 * (i + 1)), JSON.stringify(retries));
  assert.match(retries[0]!.reason, new RegExp(`connection dropped after ${retries[0]!.bytesSoFar} bytes`));
  assert.doesNotMatch(retries[0]!.reason, /run the same command/);
  assert.deepEqual(hub.requests.filter((r) => r.includes("resolve")).map((r) => r.split(" ")[2] ?? "whole"), ["whole", ...retries.map((r) => `bytes=${r.bytesSoFar}-`)]);

  const fresh = await library();
  await assert.rejects(
    pullModel({ uri: "hf:alice/Tiny-GGUF:Q8_0", hub: { endpoint: hub.endpoint }, modelsDir: fresh, retries: 1, retryDelayMs: 5 }),
    (error: unknown) => error instanceof DownloadInterruptedError && /after \d+ bytes .*run the same command again to resume$/.test(error.message),
  );
  assert.deepEqual(await readdir(fresh), ["tiny-Q8_0.gguf.part"]);
});

test("a cancel during the wait before a retry stops at once and keeps the .part", async (t) => {
  const hub = await startFakeHub({ repos, dropEvery: { path: "tiny-Q8_0.gguf", bytes: 100_000 } });
  t.after(() => hub.close());
  const modelsDir = await library();
  const controller = new AbortController();
  const started = Date.now();
  await assert.rejects(
    pullModel({ uri: "hf:alice/Tiny-GGUF:Q8_0", hub: { endpoint: hub.endpoint }, modelsDir, signal: controller.signal, retryDelayMs: 60_000, onRetry: () => controller.abort() }),
    DownloadCancelledError,
  );
  assert.ok(Date.now() - started < 10_000, "the minute-long wait was cut short");
  assert.deepEqual(await readdir(modelsDir), ["tiny-Q8_0.gguf.part"]);
});

/**
 * KoboldCpp's /api/extra/abort on taproom's own server, deterministic on a busy machine:
 * the server runs in this process on the tiny model, and its sequence's token loop is
 * held after the first token until the test has sent its abort (a gate around the real
 * llama.cpp evaluation), so the tiny model cannot finish before the abort arrives.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeTinyChatModel } from "../support/tinyGguf.ts";
import { ServedModel } from "../../src/app/serving.ts";
import { resolveSamplers } from "../../src/core/samplers/validate.ts";
import { startServer, type TaproomServer } from "../../src/server/server.ts";

let server: TaproomServer;
let model: ServedModel;
let url: string;
const lines: string[] = [];
const lineWaiters = new Set<() => void>();
const chatPrompt = "<|im_start|>user\nEvening.<|im_end|>\n<|im_start|>assistant\n";
const long = { ban_eos_token: true, temperature: 0, stop_sequence: [] };

/** While set, the sequence's token loop waits here after its first token of each generation. */
let gate: Promise<void> | undefined;

before(async () => {
  const dir = await mkdtemp(join(tmpdir(), "taproom-serve-abort-"));
  const path = await writeTinyChatModel(join(dir, "tiny-chat.gguf"));
  model = await ServedModel.load({ path, parallel: 1, gpu: "cpu", threads: 1, contextSize: 1024 });
  holdAfterFirstToken(model);
  server = await startServer({
    host: "127.0.0.1",
    port: 0,
    modelId: "tiny-chat",
    cors: [],
    allowHosts: [],
    loopback: true,
    maxBody: 1 << 20,
    queue: 4,
    parallel: 1,
    verbose: false,
    version: "test",
    defaults: resolveSamplers(),
    log: (line) => {
      lines.push(line);
      for (const wake of lineWaiters) wake();
    },
  });
  server.ready(model);
  url = `http://127.0.0.1:${server.port}`;
});

after(async () => {
  await server.close();
  await model.unload();
});

/** Wraps the one sequence's evaluate: tokens pass as llama.cpp makes them, but after the first one the loop waits for `gate`. */
function holdAfterFirstToken(served: ServedModel): void {
  const sequence = (served.sequences[0] as unknown as { sequence: { evaluate: (...args: unknown[]) => AsyncGenerator<unknown> } }).sequence;
  const evaluate = sequence.evaluate.bind(sequence);
  sequence.evaluate = async function* (...args: unknown[]) {
    let first = true;
    for await (const token of evaluate(...args)) {
      yield token;
      if (first && gate) await gate;
      first = false;
    }
  };
}

function waitForLine(pattern: RegExp, ms = 60_000): Promise<string> {
  return new Promise((done, fail) => {
    const check = () => {
      const found = lines.find((l) => pattern.test(l));
      if (!found) return;
      lineWaiters.delete(check);
      clearTimeout(timer);
      done(found);
    };
    const timer = setTimeout(() => {
      lineWaiters.delete(check);
      fail(new Error(`no ${pattern} in the log within ${ms} ms:\n${lines.join("\n")}`));
    }, ms);
    lineWaiters.add(check);
    check();
  });
}

function post(path: string, body: unknown): Promise<Response> {
  return fetch(`${url}${path}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) });
}

/** A held stream: the gate closed, the request sent, read until its first token's event has arrived. */
async function heldStream(body: Record<string, unknown>) {
  let release!: () => void;
  gate = new Promise<void>((done) => (release = done));
  const response = await post("/api/extra/generate/stream", { prompt: chatPrompt, max_length: 900, ...long, ...body });
  assert.equal(response.status, 200);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  while (!/event: message/.test(text)) {
    const { done, value } = await reader.read();
    assert.ok(!done, `the stream ended before its first token: ${text}`);
    text += decoder.decode(value, { stream: true });
  }
  const rest = async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return text;
      text += decoder.decode(value, { stream: true });
    }
  };
  return {
    release: () => {
      gate = undefined;
      release();
    },
    rest,
  };
}

const tokensOf = (sse: string) => [...sse.matchAll(/data: (\{.*\})/g)].map((m) => (JSON.parse(m[1]!) as { token: string }).token).join("");

test("KoboldCpp's abort by genkey stops the running generation early and the server is free again", async () => {
  const held = await heldStream({ genkey: "KCPP1234" });
  const wrong = (await (await post("/api/extra/abort", { genkey: "nope" })).json()) as Record<string, string>;
  assert.deepEqual(wrong, { success: "false", done: "false" });
  const right = (await (await post("/api/extra/abort", { genkey: "KCPP1234" })).json()) as Record<string, string>;
  assert.deepEqual(right, { success: "true", done: "true" });
  held.release();
  const streamed = tokensOf(await held.rest());
  const line = await waitForLine(/aborted \(by \/api\/extra\/abort \(genkey KCPP1234\)\) after \d+ tokens/);
  const tokens = Number(/after (\d+) tokens/.exec(line)![1]);
  assert.ok(tokens >= 1 && tokens <= 2, `stopped at once, not after ${tokens} of 900 tokens`);
  assert.ok(streamed.length > 0 && "Hi, Bryn.".startsWith(streamed), JSON.stringify(streamed));
  const check = (await (await post("/api/extra/generate/check", { genkey: "KCPP1234" })).json()) as { results: Array<{ text: string }> };
  assert.equal(check.results[0]!.text, streamed);
  // Free for the next one: a whole reply, not queued behind the aborted one.
  const next = (await (await post("/api/v1/generate", { prompt: chatPrompt, max_length: 40, temperature: 0 })).json()) as { results: Array<{ text: string }> };
  assert.equal(next.results[0]!.text, "Hi, Bryn.");
  assert.ok(!lines.some((l) => /queued/.test(l)), lines.join("\n"));
});

test("KoboldCpp's abort without a genkey stops the one running generation", async () => {
  const held = await heldStream({});
  const blind = (await (await post("/api/extra/abort", "")).json()) as Record<string, string>;
  assert.deepEqual(blind, { success: "true", done: "true" });
  held.release();
  const streamed = tokensOf(await held.rest());
  assert.ok("Hi, Bryn.".startsWith(streamed), JSON.stringify(streamed));
  await waitForLine(/aborted \(by \/api\/extra\/abort\) after [12] tokens/);
  const idle = (await (await fetch(`${url}/api/extra/perf`)).json()) as { idle: number; queue: number };
  assert.deepEqual([idle.idle, idle.queue], [1, 0]);
});

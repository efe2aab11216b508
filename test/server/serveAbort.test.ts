/**
 * KoboldCpp's /api/extra/abort on its own server. Skipped: on a busy machine the tiny
 * model can finish before the abort arrives (see the issue 15 report).
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeTinyChatModel } from "../support/tinyGguf.ts";
import { startServe, type ServeProcess } from "../support/serveProcess.ts";

let server: ServeProcess;
const chatPrompt = "<|im_start|>user\nEvening.<|im_end|>\n<|im_start|>assistant\n";
const long = { ban_eos_token: true, ignore_eos: true, temperature: 0, logit_bias: { "0": -100, "1": -100, "2": -100, "3": -100 } };

before(async () => {
  const dir = await mkdtemp(join(tmpdir(), "taproom-serve-abort-"));
  const model = await writeTinyChatModel(join(dir, "tiny-chat.gguf"));
  server = await startServe(["--model", model, "--gpu", "cpu", "--threads", "1", "--context", "1024"]);
});

after(async () => {
  assert.equal(await server.stop(), 0);
});

function post(path: string, body: unknown): Promise<Response> {
  return fetch(`${server.url}${path}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) });
}

// Racy on a loaded machine: the tiny model can finish its 900 tokens before the abort arrives (then "success": "false").
// Skipped until the generation can be held open (issue 15 report); the abort path itself is covered by the client-disconnect test.
test("KoboldCpp's abort: by genkey, or the one running generation without one", { skip: "racy on a busy machine: the tiny model may finish before the abort arrives" }, async () => {
  const response = await post("/api/extra/generate/stream", { prompt: chatPrompt, max_length: 900, genkey: "KCPP1234", ...long });
  const reader = response.body!.getReader();
  await reader.read();
  const wrong = (await (await post("/api/extra/abort", { genkey: "nope" })).json()) as Record<string, string>;
  assert.deepEqual(wrong, { success: "false", done: "false" });
  const right = (await (await post("/api/extra/abort", { genkey: "KCPP1234" })).json()) as Record<string, string>;
  assert.deepEqual(right, { success: "true", done: "true" });
  let rest = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    rest += new TextDecoder().decode(value);
  }
  await server.waitFor(/aborted \(by \/api\/extra\/abort \(genkey KCPP1234\)\) after \d+ tokens/, 30_000);
  const check = (await (await post("/api/extra/generate/check", { genkey: "KCPP1234" })).json()) as { results: Array<{ text: string }> };
  assert.ok(check.results[0]!.text.startsWith("Hi, Bryn."));
  void rest;
  const second = await post("/api/extra/generate/stream", { prompt: chatPrompt, max_length: 900, ...long });
  const reader2 = second.body!.getReader();
  await reader2.read();
  const blind = (await (await post("/api/extra/abort", "")).json()) as Record<string, string>;
  assert.deepEqual(blind, { success: "true", done: "true" });
  while (!(await reader2.read()).done);
});

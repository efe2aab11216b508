/**
 * KoboldCpp's /api/extra/abort on its own server: run after the other serve tests on one
 * server it hung (see the issue 15 report), alone it passes.
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

test("KoboldCpp's abort: by genkey, or the one running generation without one", async () => {
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

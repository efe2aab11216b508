/**
 * `taproom chat --backend URL --api NAME` through a real `taproom serve` on the tiny
 * model, for each API it speaks: the reply is the one the embedded engine gives for the
 * same prompt, and a chat saved through a backend goes on like any other.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { runCli } from "../../../src/cli/main.ts";
import { captureIO } from "../../support/cliIO.ts";
import { greedyReference, writeTinyChatModel } from "../../support/tinyGguf.ts";
import { startServe, type ServeProcess } from "../../support/serveProcess.ts";

let home: string;
let modelPath: string;
let server: ServeProcess;

before(async () => {
  home = await mkdtemp(join(tmpdir(), "taproom-chatbackend-"));
  modelPath = await writeTinyChatModel(join(home, "tiny.gguf"));
  server = await startServe(["--model", modelPath, "--gpu", "cpu", "--threads", "1", "--context", "2048", "--api-key", "sesame"], { home });
});

after(async () => {
  assert.equal(await server.stop(), 0);
});

async function embeddedPrompt(): Promise<string> {
  const io = captureIO({ TAPROOM_HOME: home });
  assert.equal(await runCli(["prompt", "--character", "Brindle", "--model", modelPath, "--context", "2048", "--json"], io), 0, io.err());
  return (JSON.parse(io.out()) as { text: string }).text;
}

for (const api of ["koboldcpp", "llamacpp", "openai"] as const) {
  test(`taproom chat --api ${api} replies through taproom serve exactly as the embedded model would`, async () => {
    const from = server.output().length;
    const io = captureIO({ TAPROOM_HOME: home, TAPROOM_BACKEND_KEY: "sesame" });
    // Without a tokenize route the estimate (3 characters a token) is far over the tiny model's one a character: a smaller context keeps it inside.
    const context = api === "openai" ? ["--context", "700", "--max-tokens", "40"] : [];
    const code = await runCli(["chat", "--backend", server.url, "--api", api, "--character", "Brindle", "--message", "Evening.", "--temperature", "0", ...context], io);
    assert.equal(code, 0, io.err());
    if (api !== "openai") assert.equal(io.out(), `${greedyReference(await embeddedPrompt(), 300)}\n`);
    assert.equal(io.out(), "Hi, Bryn.\n");
    assert.match(io.err(), new RegExp(`${api} at ${server.url.replace(/[.]/g, "\\.")}: tiny`));
    assert.match(io.err(), api === "openai" ? /context 700 tokens \(the server's 2048, lowered by --context\)/ : /context 2048 tokens \(the server's 2048\)/);
    assert.match(io.err(), api === "openai" ? /token counts are estimated .*openai has no tokenize endpoint/ : /token counts from the server's \/(api\/extra\/tokencount|tokenize)/);
    if (api === "openai") assert.match(io.err(), /openai ignores these samplers: topK, minP, repeatPenalty/);
    await server.waitFor(/#\d+ seq 0: prompt \d+ tokens/, 30_000, from);
  });
}

test("taproom chat --api openai --tokenizer GGUF counts with the model's own vocabulary: the full context, and the embedded model's reply", async () => {
  const io = captureIO({ TAPROOM_HOME: home, TAPROOM_BACKEND_KEY: "sesame" });
  const code = await runCli(["chat", "--backend", server.url, "--api", "openai", "--tokenizer", modelPath, "--character", "Brindle", "--message", "Evening.", "--temperature", "0", "--max-tokens", "40"], io);
  assert.equal(code, 0, io.err());
  assert.equal(io.out(), "Hi, Bryn.\n");
  assert.match(io.err(), /context 2048 tokens \(the server's 2048\)/);
  assert.match(io.err(), new RegExp(`token counts from taproom-tiny's vocabulary \\(${modelPath.replace(/[.]/g, "\\.")}\\): openai has no tokenize endpoint`));
  const wrong = captureIO({ TAPROOM_HOME: home });
  assert.equal(await runCli(["chat", "--tokenizer", modelPath, "--character", "Brindle", "--message", "x"], wrong), 2);
  assert.match(wrong.err(), /--api, --remote-model and --tokenizer go with --backend URL/);
});

test("a chat saved through a backend continues, with --json saying which server answered", async () => {
  const args = ["--backend", server.url, "--api", "llamacpp", "--api-key", "sesame", "--temperature", "0"];
  let io = captureIO({ TAPROOM_HOME: home });
  assert.equal(await runCli(["chat", ...args, "--character", "Brindle", "--new-chat", "remote night", "--message", "Hello"], io), 0, io.err());
  io = captureIO({ TAPROOM_HOME: home });
  assert.equal(await runCli(["chat", ...args, "--chat", "remote night", "--message", "A cup, please.", "--json"], io), 0, io.err());
  const out = JSON.parse(io.out()) as { reply: string; stopReason: string; plan: { backend: string[] }; chat: string };
  assert.equal(out.chat, "remote night");
  assert.equal(out.stopReason, "eos");
  assert.ok(out.reply.length > 0);
  assert.match(out.plan.backend[0]!, /^llamacpp at http:\/\/127\.0\.0\.1:\d+: tiny$/);
  io = captureIO({ TAPROOM_HOME: home });
  assert.equal(await runCli(["chats", "list", "--json"], io), 0, io.err());
  const chat = (JSON.parse(io.out()) as Array<{ title: string; messageCount: number }>).find((c) => c.title === "remote night");
  assert.ok(chat && chat.messageCount >= 5, JSON.stringify(chat));
});

test("a wrong key or a server that is not there is one line naming the server", async () => {
  let io = captureIO({ TAPROOM_HOME: home });
  assert.notEqual(await runCli(["chat", "--backend", server.url, "--api", "koboldcpp", "--api-key", "wrong", "--character", "Brindle", "--message", "Hi"], io), 0);
  assert.match(io.err(), /koboldcpp at http:\/\/127\.0\.0\.1:\d+ answered 401 to \/api\/v1\/config\/max_context_length: .*\(wrong or missing API key\?\)/);
  const closed = createServer();
  await new Promise<void>((done) => closed.listen(0, "127.0.0.1", done));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((done) => closed.close(done));
  io = captureIO({ TAPROOM_HOME: home });
  assert.notEqual(await runCli(["chat", "--backend", `http://127.0.0.1:${port}`, "--api", "llamacpp", "--character", "Brindle", "--message", "Hi"], io), 0);
  assert.match(io.err(), new RegExp(`cannot reach llamacpp at http://127\\.0\\.0\\.1:${port}: ECONNREFUSED`));
  io = captureIO({ TAPROOM_HOME: home });
  assert.equal(await runCli(["chat", "--backend", server.url, "--character", "Brindle", "--message", "Hi"], io), 2);
  assert.match(io.err(), /--backend needs --api koboldcpp\|llamacpp\|openai\|ollama\|tabby\|vllm/);
});

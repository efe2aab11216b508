/**
 * The Ollama, TabbyAPI and vLLM clients against small fake servers on 127.0.0.1 that
 * answer in each API's documented shapes: what connecting finds (model, context, token
 * counting, ignored samplers), a streamed reply, the non-streamed body and answer, the
 * samplers each request carries, and one line for a wrong key or a server not there.
 * (KoboldCpp, llama.cpp and OpenAI are covered against `taproom serve` in
 * test/cli/commands/chatBackend.test.ts.)
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { connectRemote } from "../../../src/engine/remote/remoteModel.ts";
import { flavours } from "../../../src/engine/remote/flavours.ts";
import { RemoteBackendError } from "../../../src/engine/remote/errors.ts";
import { resolveSamplers } from "../../../src/core/samplers/validate.ts";
import { loadTokenizer } from "../../../src/engine/generation/loadTokenizer.ts";
import { writeTinyChatModel } from "../../support/tinyGguf.ts";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

interface Seen {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: Record<string, unknown> | undefined;
}

type Handler = (seen: Seen, res: ServerResponse) => void;

const servers: Server[] = [];

after(async () => {
  await Promise.all(servers.map((s) => new Promise((done) => s.close(done))));
});

/** A fake server: every request recorded, answered by `routes` ("GET /path"), a 404 otherwise; a key checked when given. */
async function fake(routes: Record<string, Handler>, key?: string): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk: Buffer) => (raw += chunk.toString()));
    req.on("end", () => {
      const entry: Seen = { method: req.method!, path: req.url!, headers: req.headers, body: raw ? (JSON.parse(raw) as Record<string, unknown>) : undefined };
      seen.push(entry);
      if (key !== undefined && req.headers.authorization !== `Bearer ${key}`) return json(res, 401, { error: { message: "Invalid API key" } });
      const handler = routes[`${req.method} ${req.url}`];
      if (!handler) return json(res, 404, { error: `no route ${req.url}` });
      handler(entry, res);
    });
  });
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(text)) });
  res.end(text);
}

/** Server-sent events in OpenAI's completion shape, one per piece, the last with its finish reason, then [DONE]. */
function openAiStream(pieces: string[], finish: "stop" | "length"): Handler {
  return (_seen, res) => {
    res.writeHead(200, { "Content-Type": "text/event-stream" });
    pieces.forEach((text, i) => res.write(`data: ${JSON.stringify({ id: "cmpl-1", object: "text_completion", choices: [{ index: 0, text, finish_reason: i === pieces.length - 1 ? finish : null }] })}\n\n`));
    res.end("data: [DONE]\n\n");
  };
}

/** Ollama's /api/generate stream: one JSON object a line, the last with done and its reason. */
function ollamaStream(pieces: string[], reason: "stop" | "length"): Handler {
  return (_seen, res) => {
    res.writeHead(200, { "Content-Type": "application/x-ndjson" });
    for (const response of pieces) res.write(`${JSON.stringify({ model: "llama3.2:1b", response, done: false })}\n`);
    res.end(`${JSON.stringify({ model: "llama3.2:1b", response: "", done: true, done_reason: reason, eval_count: pieces.length })}\n`);
  };
}

const samplers = resolveSamplers({ temperature: 0.7, topK: 30, topP: 0.9, minP: 0.05, repeatPenalty: 1.1, repeatLastN: 128, frequencyPenalty: 0.2, presencePenalty: 0.3, seed: 42, maxTokens: 64, dryMultiplier: 0.8, xtcProbability: 0.5 });

async function reply(model: Awaited<ReturnType<typeof connectRemote>>, stops: string[] = []) {
  const chunks: string[] = [];
  const result = await model.generate({ prompt: "User: Evening.\nBrindle:", stops, samplers, onText: (c) => chunks.push(c) });
  return { ...result, streamed: chunks.join("") };
}

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((done) => s.listen(0, "127.0.0.1", done));
  const port = (s.address() as AddressInfo).port;
  await new Promise((done) => s.close(done));
  return port;
}

async function failure(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => assert.fail("expected a RemoteBackendError"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof RemoteBackendError, String(error));
  assert.doesNotMatch(error.message, /\n/);
  return error.message;
}

test("ollama: the first pulled model, raw ndjson generation with its options, the samplers it ignores", async () => {
  const server = await fake({
    "GET /api/tags": (_s, res) => json(res, 200, { models: [{ name: "llama3.2:1b", size: 1 }, { name: "qwen2.5:0.5b" }] }),
    "POST /api/generate": ollamaStream(["Hi", ", Bryn", ".", " More"], "stop"),
  });
  const model = await connectRemote({ url: `${server.url}/`, api: "ollama" });
  assert.equal(model.name, "llama3.2:1b");
  assert.equal(model.contextSize, 4096);
  assert.deepEqual(model.notes, [
    `ollama at ${server.url}: llama3.2:1b`,
    "context 4096 tokens (the server does not say; set --context)",
    "token counts are estimated (about 3 characters a token): ollama has no tokenize endpoint; name the same model's GGUF as its tokenizer to count exactly",
    "ollama ignores these samplers: dryMultiplier, dryBase, dryAllowedLength, dryLastN, drySequenceBreakers, xtcProbability, xtcThreshold",
  ]);
  assert.equal(model.countTokens("abcdef"), 2);
  const result = await reply(model, [" More"]);
  assert.equal(result.text, "Hi, Bryn.");
  assert.equal(result.streamed, "Hi, Bryn.");
  assert.equal(result.stopReason, "stop-string");
  const sent = server.seen.find((s) => s.path === "/api/generate")!.body!;
  assert.deepEqual(sent, {
    model: "llama3.2:1b",
    prompt: "User: Evening.\nBrindle:",
    raw: true,
    stream: true,
    options: { num_predict: 64, num_ctx: 4096, stop: [" More"], temperature: 0.7, top_k: 30, top_p: 0.9, min_p: 0.05, repeat_penalty: 1.1, repeat_last_n: 128, frequency_penalty: 0.2, presence_penalty: 0.3, seed: 42 },
  });
  // The server's own end of generation, and the model named with --remote-model (no listing asked).
  const named = await fake({ "POST /api/generate": ollamaStream(["Hi", ", Bryn."], "length") });
  const chosen = await connectRemote({ url: named.url, api: "ollama", model: "qwen2.5:0.5b", contextSize: 2048 });
  assert.equal(chosen.notes[1], "context 2048 tokens (--context)");
  const capped = await reply(chosen);
  assert.deepEqual([capped.text, capped.stopReason, capped.tokens], ["Hi, Bryn.", "max-tokens", 2]);
  assert.deepEqual(named.seen.map((s) => s.path), ["/api/generate"]);
  assert.equal((named.seen[0]!.body!.options as Record<string, unknown>).num_ctx, 2048);
});

test("ollama: the non-streamed body and answer read as one piece; no model pulled is one line", async () => {
  const body = flavours.ollama.body({ prompt: "P", samplers: resolveSamplers({ seed: -1 }), stops: [], stream: false, model: "m", contextSize: 1024, genkey: "k" });
  assert.equal(body.stream, false);
  assert.equal("seed" in (body.options as Record<string, unknown>), false, "a random seed is left to the server");
  assert.deepEqual(flavours.ollama.piece({ model: "m", response: "Hi, Bryn.", done: true, done_reason: "stop" }), { text: "Hi, Bryn.", finish: "eos" });
  const empty = await fake({ "GET /api/tags": (_s, res) => json(res, 200, { models: [] }) });
  assert.equal(await failure(connectRemote({ url: empty.url, api: "ollama" })), "ollama has no model pulled: run ollama pull NAME on the server, then pass --remote-model NAME");
});

test("tabby: both key headers, the loaded model's max_seq_len, /v1/token/encode, its extra samplers on the wire", async () => {
  const server = await fake(
    {
      "GET /v1/models": (_s, res) => json(res, 200, { object: "list", data: [{ id: "Mistral-7B-exl2", object: "model", owned_by: "tabbyAPI" }] }),
      "GET /v1/model": (_s, res) => json(res, 200, { id: "Mistral-7B-exl2", parameters: { max_seq_len: 8192 } }),
      "POST /v1/token/encode": (s, res) => json(res, 200, { tokens: [1, 2, 3, 4, 5], length: 5, text: s.body!.text }),
      "POST /v1/completions": openAiStream(["Hi", ", ", "Bryn."], "stop"),
    },
    "sesame",
  );
  const model = await connectRemote({ url: server.url, api: "tabby", apiKey: "sesame", contextSize: 4096 });
  assert.equal(model.name, "Mistral-7B-exl2");
  assert.equal(model.contextSize, 4096);
  assert.deepEqual(model.notes, [
    `tabby at ${server.url}: Mistral-7B-exl2`,
    "context 4096 tokens (the server's 8192, lowered by --context)",
    "token counts from the server's /v1/token/encode",
    "tabby ignores these samplers: drySequenceBreakers",
  ]);
  assert.equal(server.seen[0]!.headers["x-api-key"], "sesame");
  assert.deepEqual(server.seen.find((s) => s.path === "/v1/token/encode")!.body, { text: "Hello", add_bos_token: false });
  const result = await reply(model);
  assert.deepEqual([result.text, result.streamed, result.stopReason, result.tokens], ["Hi, Bryn.", "Hi, Bryn.", "eos", 3]);
  const sent = server.seen.find((s) => s.path === "/v1/completions")!.body!;
  assert.deepEqual(sent, {
    model: "Mistral-7B-exl2",
    prompt: "User: Evening.\nBrindle:",
    max_tokens: 64,
    stream: true,
    temperature: 0.7,
    top_k: 30,
    top_p: 0.9,
    min_p: 0.05,
    repetition_penalty: 1.1,
    penalty_range: 128,
    frequency_penalty: 0.2,
    presence_penalty: 0.3,
    dry_multiplier: 0.8,
    dry_base: samplers.dryBase,
    dry_allowed_length: samplers.dryAllowedLength,
    dry_range: samplers.dryLastN,
    xtc_probability: 0.5,
    xtc_threshold: samplers.xtcThreshold,
    seed: 42,
  });
});

test("tabby: a wrong key is one line naming the server and the key; the non-streamed answer reads as one piece", async () => {
  const server = await fake({ "GET /v1/models": (_s, res) => json(res, 200, { data: [] }) }, "sesame");
  const message = await failure(connectRemote({ url: server.url, api: "tabby", apiKey: "wrong" }));
  assert.equal(message, `tabby at ${server.url} answered 401 to /v1/models: Invalid API key (wrong or missing API key?)`);
  const body = flavours.tabby.body({ prompt: "P", samplers, stops: ["\nUser:"], stream: false, model: "m", contextSize: 1024, genkey: "k" });
  assert.deepEqual([body.stream, body.stop], [false, ["\nUser:"]]);
  assert.deepEqual(flavours.tabby.piece({ object: "text_completion", choices: [{ index: 0, text: "Hi, Bryn.", finish_reason: "length" }] }), { text: "Hi, Bryn.", finish: "max-tokens" });
});

test("vllm: the model's max_model_len, /tokenize, the samplers vLLM takes and the ones it ignores", async () => {
  const server = await fake({
    "GET /v1/models": (_s, res) => json(res, 200, { object: "list", data: [{ id: "Qwen/Qwen2.5-0.5B-Instruct", object: "model", max_model_len: 32768 }, { id: "other" }] }),
    "POST /tokenize": (_s, res) => json(res, 200, { count: 1, max_model_len: 32768, tokens: [9707] }),
    "POST /v1/completions": openAiStream(["Hi", ", Bryn.", " And"], "length"),
  });
  const model = await connectRemote({ url: server.url, api: "vllm" });
  assert.equal(model.name, "Qwen/Qwen2.5-0.5B-Instruct");
  assert.equal(model.contextSize, 32768);
  assert.deepEqual(model.notes, [
    `vllm at ${server.url}: Qwen/Qwen2.5-0.5B-Instruct`,
    "context 32768 tokens (the server's 32768)",
    "token counts from the server's /tokenize",
    "vllm ignores these samplers: repeatLastN, dryMultiplier, dryBase, dryAllowedLength, dryLastN, drySequenceBreakers, xtcProbability, xtcThreshold",
  ]);
  assert.deepEqual(server.seen.find((s) => s.path === "/tokenize")!.body, { prompt: "Hello", add_special_tokens: false });
  assert.equal(server.seen[0]!.headers.authorization, undefined);
  const result = await reply(model);
  assert.deepEqual([result.text, result.streamed, result.stopReason, result.tokens], ["Hi, Bryn. And", "Hi, Bryn. And", "max-tokens", 3]);
  const sent = server.seen.find((s) => s.path === "/v1/completions")!.body!;
  assert.deepEqual(sent, { model: "Qwen/Qwen2.5-0.5B-Instruct", prompt: "User: Evening.\nBrindle:", max_tokens: 64, stream: true, temperature: 0.7, top_p: 0.9, top_k: 30, min_p: 0.05, repetition_penalty: 1.1, frequency_penalty: 0.2, presence_penalty: 0.3, seed: 42 });
  // A random seed (-1) is not sent: vLLM would take -1 as a seed.
  const random = flavours.vllm.body({ prompt: "P", samplers: resolveSamplers({ seed: -1 }), stops: [], stream: false, model: "m", contextSize: 1024, genkey: "k" });
  assert.deepEqual([random.stream, random.seed, "stop" in random], [false, undefined, false]);
  assert.deepEqual(flavours.vllm.piece({ choices: [{ index: 0, text: "Hi, Bryn.", finish_reason: "stop" }] }), { text: "Hi, Bryn.", finish: "eos" });
});

test("vllm: --remote-model picks from the list; an error in the stream and a server not there are one line", async () => {
  const server = await fake({
    "GET /v1/models": (_s, res) => json(res, 200, { data: [{ id: "a", max_model_len: 2048 }, { id: "b", max_model_len: 1024 }] }),
    "POST /tokenize": (_s, res) => json(res, 404, { detail: "Not Found" }),
    "POST /v1/completions": (_s, res) => {
      res.writeHead(200, { "Content-Type": "text/event-stream" });
      res.end(`data: ${JSON.stringify({ error: { message: "The model ran out of memory.\nTraceback ...", code: 500 } })}\n\n`);
    },
  });
  const model = await connectRemote({ url: server.url, api: "vllm", model: "b" });
  assert.deepEqual([model.name, model.contextSize], ["b", 1024]);
  assert.equal(model.notes[2], "token counts are estimated (about 3 characters a token): /tokenize did not answer; name the same model's GGUF as its tokenizer to count exactly");
  assert.equal(await failure(reply(model)), "the server stopped with an error: The model ran out of memory.");
  const port = await closedPort();
  assert.equal(await failure(connectRemote({ url: `http://127.0.0.1:${port}`, api: "vllm" })), `cannot reach vllm at http://127.0.0.1:${port}: ECONNREFUSED`);
  assert.equal(await failure(connectRemote({ url: `http://127.0.0.1:${port}`, api: "ollama" })), `cannot reach ollama at http://127.0.0.1:${port}: ECONNREFUSED`);
});

/**
 * A fake tokenize server on its own thread: the counter blocks this one while it waits
 * (a prompt is built with a synchronous counter), so an in-thread server could not answer.
 * It counts one token per word and says how often it was asked.
 */
const countingServer = `
const { parentPort } = require("node:worker_threads");
const { createServer } = require("node:http");
let asked = 0;
const server = createServer((req, res) => {
  let raw = "";
  req.on("data", (c) => (raw += c));
  req.on("end", () => {
    const send = (body) => { res.writeHead(200, { "Content-Type": "application/json" }); res.end(JSON.stringify(body)); };
    if (req.url === "/v1/models") return send({ data: [{ id: "counted", max_model_len: 2048 }] });
    if (req.url === "/asked") return send({ asked });
    const body = JSON.parse(raw || "{}");
    const text = body.text ?? body.prompt ?? "";
    const n = text.split(/\\s+/).filter(Boolean).length;
    if (req.url === "/v1/token/encode") { asked++; return send({ tokens: Array(n).fill(1), length: n }); }
    if (req.url === "/tokenize") { asked++; return send({ count: n, tokens: Array(n).fill(1) }); }
    res.writeHead(404); res.end("{}");
  });
});
server.listen(0, "127.0.0.1", () => parentPort.postMessage(server.address().port));
parentPort.on("message", () => server.close(() => process.exit(0)));
`;

test("tabby and vllm count tokens on the server (cached: history repeats every turn)", async () => {
  const { Worker } = await import("node:worker_threads");
  const worker = new Worker(countingServer, { eval: true });
  try {
    const port = await new Promise<number>((done, fail) => {
      worker.once("message", done);
      worker.once("error", fail);
    });
    const url = `http://127.0.0.1:${port}`;
    const asked = async () => ((await (await fetch(`${url}/asked`)).json()) as { asked: number }).asked;
    for (const api of ["tabby", "vllm"] as const) {
      const model = await connectRemote({ url, api });
      const before = await asked();
      assert.equal(model.countTokens("one two three four"), 4);
      assert.equal(model.countTokens("one two three four"), 4);
      assert.equal(model.countTokens(""), 0);
      assert.equal((await asked()) - before, 1, "the second count of the same text comes from the cache");
    }
  } finally {
    worker.postMessage("stop");
    await new Promise((done) => worker.once("exit", done));
  }
});

test("a server that answers the whole reply as one JSON body instead of a stream still gives the reply (tabby, vllm, ollama)", async () => {
  const whole = { id: "cmpl-2", object: "text_completion", choices: [{ index: 0, text: "Hi, Bryn.", finish_reason: "length" }] };
  for (const api of ["tabby", "vllm"] as const) {
    const server = await fake({
      "GET /v1/models": (_s, res) => json(res, 200, { data: [{ id: "whole", max_model_len: 2048 }] }),
      // Pretty-printed, as some servers send it: one body over several lines.
      "POST /v1/completions": (_s, res) => {
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end(JSON.stringify(whole, null, 2));
      },
    });
    const result = await reply(await connectRemote({ url: server.url, api }));
    assert.deepEqual([result.text, result.streamed, result.stopReason, result.tokens], ["Hi, Bryn.", "Hi, Bryn.", "max-tokens", 1], api);
  }
  const ollama = await fake({ "POST /api/generate": (_s, res) => json(res, 200, { model: "m", response: "Hi, Bryn.", done: true, done_reason: "stop" }) });
  const result = await reply(await connectRemote({ url: ollama.url, api: "ollama", model: "m" }));
  assert.deepEqual([result.text, result.stopReason], ["Hi, Bryn.", "eos"]);
});

test("a GGUF named as the tokenizer counts exactly where the server cannot, and brings its chat template; a wrong file is one line", async () => {
  const dir = await mkdtemp(join(tmpdir(), "taproom-remote-vocab-"));
  const gguf = await writeTinyChatModel(join(dir, "tiny.gguf"));
  const server = await fake({ "GET /api/tags": (_s, res) => json(res, 200, { models: [{ name: "tiny:latest" }] }) });
  const model = await connectRemote({ url: server.url, api: "ollama", tokenizer: gguf });
  try {
    assert.equal(model.notes[2], `token counts from taproom-tiny's vocabulary (${gguf}): ollama has no tokenize endpoint`);
    const local = await loadTokenizer(gguf);
    const text = "The lamps are lit along the quay.";
    assert.equal(model.countTokens(text), local.countTokens(text));
    assert.notEqual(model.countTokens(text), Math.ceil(text.length / 3), "not the estimate");
    assert.equal(model.chatTemplate, local.chatTemplate);
    await local.close();
  } finally {
    await model.close();
  }
  await writeFile(join(dir, "notes.gguf"), "not a model");
  assert.match(await failure(connectRemote({ url: server.url, api: "ollama", tokenizer: join(dir, "notes.gguf") })), /^the tokenizer GGUF .*notes\.gguf: .*not a GGUF file/);
});

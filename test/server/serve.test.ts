/**
 * `taproom serve` on the tiny model, as its clients use it: the `openai` npm client,
 * SillyTavern's KoboldCpp and llama.cpp connections (its real request bodies, read the
 * way it reads the answers), KoboldCpp's and llama.cpp's own routes, the queue, the
 * KV cache and the limits.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { writeTinyChatModel } from "../support/tinyGguf.ts";
import { startServe, type ServeProcess } from "../support/serveProcess.ts";
import { parseSse, readStream } from "../support/sse.ts";

let server: ServeProcess;
let client: OpenAI;
const chatPrompt = "<|im_start|>user\nEvening.<|im_end|>\n<|im_start|>assistant\n";
/**
 * Generates until its limit: with end of text banned (and the tokens that print nothing),
 * the tiny model writes "Hi, Bryn." again and again instead of stopping after the first.
 */
const long = { ban_eos_token: true, ignore_eos: true, temperature: 0, logit_bias: { "0": -100, "1": -100, "2": -100, "3": -100 } };

before(async () => {
  const dir = await mkdtemp(join(tmpdir(), "taproom-serve-test-"));
  const model = await writeTinyChatModel(join(dir, "tiny-chat.gguf"));
  server = await startServe(["--model", model, "--gpu", "cpu", "--threads", "1", "--context", "1024", "--cors", "https://ok.example", "--max-body", "256KiB"]);
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "unused", maxRetries: 0 });
});

after(async () => {
  assert.equal(await server.stop(), 0);
});

const fixture = (name: string) => (JSON.parse(readFileSync(new URL(`../fixtures/sillytavern/${name}`, import.meta.url), "utf8")) as { body: Record<string, unknown> }).body;

function post(path: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<Response> {
  return fetch(`${server.url}${path}`, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body), ...(signal && { signal }) });
}

/** SillyTavern's reading of a stream: every event's data is [DONE] or JSON, and none looks like an error to it. */
function sillyTavernEvents(text: string): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const event of parseSse(text)) {
    if (event.data === "") continue;
    if (event.data === "[DONE]") break;
    const data = JSON.parse(event.data) as Record<string, unknown>;
    assert.equal((data.error as { message?: string } | undefined)?.message ?? data.message ?? data.detail, undefined, `tryParseStreamingError would stop at ${event.data}`);
    out.push(data);
  }
  return out;
}

test("the startup log says the planner's speed estimate as a whole sentence, what each token reads included", () => {
  const line = server.output().split("\n").find((l) => /tokens\/s: /.test(l));
  assert.ok(line, server.output());
  assert.match(line, /^ {2}about \d+ tokens\/s: each token reads \d+(\.\d+)? (B|KiB|MiB|GiB) from RAM at \d+ GB\/s(; bandwidth assumed \([^)]+\))?$/);
});

test("the openai client lists the model under its file name and completes, streaming and not", async () => {
  const models = await client.models.list();
  assert.deepEqual(models.data.map((m) => m.id), ["tiny-chat"]);
  const done = await client.completions.create({ model: "anything", prompt: chatPrompt, temperature: 0, max_tokens: 40 });
  assert.equal(done.choices[0]!.text, "Hi, Bryn.");
  assert.equal(done.choices[0]!.finish_reason, "stop");
  assert.equal(done.model, "tiny-chat");
  assert.ok(done.usage!.prompt_tokens > 0 && done.usage!.completion_tokens === 9);
  const stream = await client.completions.create({ model: "x", prompt: chatPrompt, temperature: 0, max_tokens: 4, stream: true, stream_options: { include_usage: true } });
  let text = "";
  const finishes: Array<string | null> = [];
  let usage: OpenAI.CompletionUsage | undefined;
  for await (const chunk of stream) {
    for (const choice of chunk.choices) {
      text += choice.text;
      finishes.push(choice.finish_reason);
    }
    if (chunk.usage) usage = chunk.usage;
  }
  assert.equal(text, "Hi, ");
  assert.equal(finishes.at(-1), "length");
  assert.equal(usage?.completion_tokens, 4);
  assert.ok((usage as { prompt_tokens_details?: { cached_tokens?: number } }).prompt_tokens_details!.cached_tokens! > 0, "the same prompt again reuses the cache");
});

test("chat completions use the model's own template, streaming a role chunk first", async () => {
  const done = await client.chat.completions.create({ model: "x", messages: [{ role: "user", content: "Evening." }], temperature: 0 });
  assert.equal(done.choices[0]!.message.content, "Hi, Bryn.");
  assert.equal(done.choices[0]!.message.role, "assistant");
  const stream = await client.chat.completions.create({ model: "x", messages: [{ role: "system", content: [{ type: "text", text: "Be brief." }] as never }, { role: "user", content: "Evening." }], temperature: 0, stream: true });
  const deltas: Array<{ role?: string; content?: string | null }> = [];
  let finish: string | null = null;
  for await (const chunk of stream) {
    deltas.push(chunk.choices[0]!.delta);
    finish = chunk.choices[0]!.finish_reason ?? finish;
  }
  assert.equal(deltas[0]!.role, "assistant");
  assert.equal(deltas.map((d) => d.content ?? "").join(""), "Hi, Bryn.");
  assert.equal(finish, "stop");
  await assert.rejects(client.chat.completions.create({ model: "x", messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "data:," } }] }] }), (e: unknown) => e instanceof OpenAI.BadRequestError && /text only/.test(e.message));
});

test("a client that aborts mid-stream stops its generation; the log says so and the next request runs at once", async () => {
  const controller = new AbortController();
  const from = server.output().length;
  const stream = await client.completions.create({ model: "x", prompt: chatPrompt, max_tokens: 900, stream: true, ...long } as never, { signal: controller.signal });
  for await (const _chunk of stream as unknown as AsyncIterable<unknown>) {
    controller.abort();
    break;
  }
  await server.waitFor(/#\d+ aborted \(client closed the connection\) after \d+ tokens/, 30_000, from);
  const started = Date.now();
  const next = await client.completions.create({ model: "x", prompt: chatPrompt, temperature: 0, max_tokens: 40 });
  assert.equal(next.choices[0]!.text, "Hi, Bryn.");
  assert.ok(Date.now() - started < 20_000);
});

for (const [name, path] of [
  ["st-1.12.6-koboldcpp-completions.json", "/v1/completions"],
  ["st-2025-koboldcpp-completions.json", "/v1/completions"],
  ["st-1.12.6-llamacpp-completion.json", "/completion"],
  ["st-2025-llamacpp-completion.json", "/completion"],
] as const) {
  test(`SillyTavern's ${name.replace(".json", "")} body generates, streaming and not, read as SillyTavern reads it`, async () => {
    const read = (data: Record<string, unknown>) => (data.choices as Array<{ text: string }> | undefined)?.[0]?.text ?? (data.content as string);
    const plain = await post(path, fixture(name));
    assert.equal(plain.status, 200, await plain.clone().text());
    const text = read((await plain.json()) as Record<string, unknown>);
    assert.equal(typeof text, "string");
    assert.ok(text.length > 0);
    const streamed = await post(path, { ...fixture(name), stream: true });
    assert.equal(streamed.headers.get("content-type"), "text/event-stream");
    const raw = await readStream(streamed);
    const events = sillyTavernEvents(raw);
    assert.ok(events.length >= 2);
    assert.ok(events.map(read).join("").length > 0);
    if (path === "/v1/completions") assert.match(raw, /data: \[DONE\]\n\n$/);
    else assert.equal((events.at(-1) as { stop?: boolean }).stop, true);
  });
}

test("SillyTavern's connect: the model name, /props's template and context, and token counts that agree", async () => {
  const models = (await (await fetch(`${server.url}/v1/models`, { headers: { "Content-Type": "application/json" } })).json()) as { data: Array<{ id: string; meta: { n_ctx: number } }> };
  assert.equal(models.data[0]!.id, "tiny-chat");
  assert.equal(models.data[0]!.meta.n_ctx, 1024);
  const props = (await (await fetch(`${server.url}/props`)).json()) as { chat_template: unknown; default_generation_settings: { n_ctx: number }; total_slots: number; model_path: string };
  assert.equal(typeof props.chat_template, "string");
  assert.match(props.chat_template as string, /<\|im_start\|>/);
  assert.equal(props.default_generation_settings.n_ctx, 1024);
  assert.equal(props.total_slots, 1);
  assert.equal(props.model_path, "tiny-chat.gguf");
  const old = (await (await post("/api/extra/tokencount", fixture("st-tokencount-1.12.6.json"))).json()) as { value: number; ids: number[] };
  const newer = (await (await post("/api/extra/tokencount", fixture("st-tokencount-2025.json"))).json()) as { value: number; ids: number[] };
  const llama = (await (await post("/tokenize", fixture("st-tokenize-llamacpp.json"))).json()) as { tokens: number[] };
  const text = "You are Bryn, the innkeeper.";
  assert.equal(newer.value, text.length, "the tiny model has one token per character");
  assert.deepEqual(llama.tokens, newer.ids);
  assert.deepEqual(old.ids, [1, ...newer.ids], "KoboldCpp counts BOS unless special is false");
  const back = (await (await post("/detokenize", { tokens: llama.tokens })).json()) as { content: string };
  assert.equal(back.content, text);
});

test("token counts answer at once while a generation runs", async () => {
  const running = post("/completion", { prompt: chatPrompt, n_predict: 900, stream: true, ...long });
  const response = await running;
  const reader = response.body!.getReader();
  await reader.read();
  const count = (await (await post("/api/extra/tokencount", { prompt: "Hello" })).json()) as { value: number };
  assert.equal(count.value, 6);
  const { done } = await reader.read();
  assert.equal(done, false, "the generation was still running when the count came back");
  await reader.cancel();
});

test("KoboldCpp's routes: model, versions, context, generate, stream frames, trim_stop", async () => {
  const get = async (path: string) => (await (await fetch(`${server.url}${path}`)).json()) as Record<string, unknown>;
  assert.deepEqual(await get("/api/v1/model"), { result: "taproom/tiny-chat" });
  assert.deepEqual(await get("/api/v1/info/version"), { result: "1.2.5" });
  assert.equal((await get("/api/extra/version")).result, "KoboldCpp");
  assert.equal((await get("/api/extra/version")).protected, false);
  assert.deepEqual(await get("/api/extra/true_max_context_length"), { value: 1024 });
  assert.deepEqual(await get("/api/latest/config/max_context_length/"), { value: 1024 });
  const generated = (await (await post("/api/v1/generate", { prompt: chatPrompt, max_length: 40, temperature: 0 })).json()) as { results: Array<{ text: string; finish_reason: string }> };
  assert.equal(generated.results[0]!.text, "Hi, Bryn.");
  assert.equal(generated.results[0]!.finish_reason, "stop");
  const kept = (await (await post("/api/v1/generate", { prompt: chatPrompt, max_length: 40, temperature: 0, stop_sequence: [", B"], trim_stop: false })).json()) as { results: Array<{ text: string; finish_reason: string }> };
  assert.equal(kept.results[0]!.text, "Hi, B");
  assert.equal(kept.results[0]!.finish_reason, "stop", "KoboldCpp says length for a stop string; taproom says stop");
  const raw = await readStream(await post("/api/extra/generate/stream", { prompt: chatPrompt, max_length: 40, temperature: 0 }));
  const events = parseSse(raw).filter((e) => e.data !== "");
  assert.ok(events.every((e) => e.event === "message"));
  const frames = events.map((e) => JSON.parse(e.data) as { token: string; finish_reason: string | null });
  assert.equal(frames.map((f) => f.token).join(""), "Hi, Bryn.");
  assert.deepEqual(frames.at(-1), { token: "", finish_reason: "stop" });
  assert.ok(frames.slice(0, -1).every((f) => f.finish_reason === null));
  assert.ok(!raw.includes("[DONE]"));
});

test("llama.cpp's /completion: content, stop type, what was cached; a stream ends with the final object and no [DONE]", async () => {
  type Final = { content: string; stop: boolean; stop_type: string; stopping_word: string; tokens_cached: number; tokens_evaluated: number; timings: { cache_n: number; prompt_n: number }; generation_settings: { n_predict: number } };
  const first = (await (await post("/completion", { prompt: chatPrompt, n_predict: 40, temperature: 0, stop: ["Bryn"] })).json()) as Final;
  assert.equal(first.content, "Hi, ");
  assert.equal(first.stop_type, "word");
  assert.equal(first.stopping_word, "Bryn");
  const promptTokens = ((await (await post("/tokenize", { content: chatPrompt, add_special: true })).json()) as { tokens: number[] }).tokens.length;
  const from = server.output().length;
  const again = (await (await post("/completion", { prompt: `${chatPrompt}Hi`, n_predict: 3, temperature: 0 })).json()) as Final;
  assert.equal(again.stop_type, "limit");
  assert.equal(again.tokens_evaluated, promptTokens + 2);
  assert.ok(again.tokens_cached >= promptTokens, `cached ${again.tokens_cached} of ${again.tokens_evaluated}`);
  assert.equal(again.timings.cache_n, again.tokens_cached);
  await server.waitFor(new RegExp(`seq 0: prompt ${promptTokens + 2} tokens, reused ${again.tokens_cached} \\(\\d+%\\), evaluating \\d+`), 30_000, from);
  const fresh = (await (await post("/completion", { prompt: `${chatPrompt}Hi`, n_predict: 1, temperature: 0, cache_prompt: false })).json()) as Final;
  assert.equal(fresh.tokens_cached, 0);
  const raw = await readStream(await post("/completion", { prompt: chatPrompt, n_predict: 40, temperature: 0, stream: true }));
  const events = parseSse(raw).map((e) => JSON.parse(e.data) as Final & { tokens: number[] });
  assert.equal(events.map((e) => e.content).join(""), "Hi, Bryn.");
  assert.ok(events.slice(0, -1).every((e) => e.stop === false && e.tokens.length > 0));
  assert.equal(events.at(-1)!.stop_type, "eos");
  assert.ok(!raw.includes("[DONE]"));
});

test("with one sequence a second request waits (told so in a comment) and both finish; one whose client leaves is dropped from the queue", async () => {
  const first = await post("/completion", { prompt: chatPrompt, n_predict: 900, stream: true, ...long });
  const firstReader = first.body!.getReader();
  await firstReader.read();
  const secondText = readStream(await post("/completion", { prompt: chatPrompt, n_predict: 5, temperature: 0, stream: true }));
  const leaving = new AbortController();
  const third = await post("/v1/completions", { prompt: chatPrompt, max_tokens: 5, stream: true }, {}, leaving.signal);
  const thirdText = await readStream(third, (t) => t.includes(": queued"));
  assert.match(thirdText, /^: queued \(position 2\)/);
  leaving.abort();
  await server.waitFor(/left the queue \(client closed the connection\)/, 30_000);
  while (!(await firstReader.read()).done);
  const second = await secondText;
  assert.match(second, /^: queued \(position 1\)\n\n/);
  assert.equal(parseSse(second).filter((e) => e.data).map((e) => (JSON.parse(e.data) as { content: string }).content).join(""), "Hi, B");
});

test("a prompt over the context: KoboldCpp routes drop its oldest tokens (and say so), llama.cpp and OpenAI routes refuse before streaming", async () => {
  const filler = "Stew is hot. ".repeat(90);
  const kobold = (await (await post("/api/v1/generate", { prompt: `${filler}${chatPrompt}`, max_length: 40, temperature: 0, memory: "M" })).json()) as { results: Array<{ text: string }> };
  assert.equal(kobold.results[0]!.text, "Hi, Bryn.");
  assert.match(server.output(), /prompt \d+ tokens > context 1024: dropped the oldest \d+ \(KoboldCpp behaviour\)/);
  for (const [path, body] of [["/completion", { prompt: filler, stream: true }], ["/v1/completions", { prompt: filler, stream: true }]] as const) {
    const refused = await post(path, body);
    assert.equal(refused.status, 400);
    assert.match(refused.headers.get("content-type") ?? "", /application\/json/);
    const error = ((await refused.json()) as { error: { type: string; message: string; n_ctx: number; n_prompt_tokens: number } }).error;
    assert.equal(error.type, "exceed_context_size_error");
    assert.equal(error.n_ctx, 1024);
    assert.equal(error.n_prompt_tokens, filler.length + 1);
    assert.match(error.message, /exceeds the available context size \(1024 tokens\)/);
  }
});

test("bodies are checked like files: over the limit, not JSON, a field of the wrong type", async () => {
  const big = await post("/completion", { prompt: "x".repeat(300 * 1024) });
  assert.equal(big.status, 413);
  assert.match(((await big.json()) as { error: { message: string } }).error.message, /over the 256 KiB limit|over the 262144 bytes limit|limit/);
  const notJson = await post("/api/v1/generate", "{prompt:");
  assert.equal(notJson.status, 400);
  assert.match(((await notJson.json()) as { detail: { msg: string } }).detail.msg, /^request body is not valid JSON: /);
  const wrong = await post("/v1/completions", { prompt: chatPrompt, temperature: "hot" });
  assert.equal(wrong.status, 400);
  assert.equal(((await wrong.json()) as { error: { message: string } }).error.message, 'temperature: expected a number, got "hot"');
  const missing = await fetch(`${server.url}/v1/nothing`);
  assert.equal(missing.status, 404);
  assert.match(((await missing.json()) as { error: { message: string } }).error.message, /no such endpoint: GET \/v1\/nothing/);
  const method = await fetch(`${server.url}/completion`);
  assert.equal(method.status, 405);
  assert.equal(method.headers.get("allow"), "POST");
});

test("browsers: a foreign origin is refused, --cors's origin gets CORS headers and a preflight; a foreign Host on loopback is refused", async () => {
  const foreign = await fetch(`${server.url}/v1/models`, { headers: { Origin: "https://evil.example" } });
  assert.equal(foreign.status, 403);
  assert.equal(((await foreign.json()) as { error: { message: string } }).error.message, "requests from origin https://evil.example are not allowed; start taproom serve with --cors https://evil.example to allow them");
  assert.equal(foreign.headers.get("access-control-allow-origin"), null);
  const allowed = await fetch(`${server.url}/v1/models`, { headers: { Origin: "https://ok.example" } });
  assert.equal(allowed.status, 200);
  assert.equal(allowed.headers.get("access-control-allow-origin"), "https://ok.example");
  const preflight = await fetch(`${server.url}/v1/completions`, { method: "OPTIONS", headers: { Origin: "https://ok.example", "Access-Control-Request-Method": "POST" } });
  assert.equal(preflight.status, 204);
  assert.match(preflight.headers.get("access-control-allow-headers") ?? "", /Authorization/);
  const plain = await fetch(`${server.url}/v1/models`);
  assert.equal(plain.headers.get("access-control-allow-origin"), null, "no CORS headers unless a browser asks");
  const { request } = await import("node:http");
  const status = await new Promise<number>((done, fail) => {
    const req = request({ host: "127.0.0.1", port: server.port, path: "/health", headers: { Host: "attacker.example" } }, (res) => {
      res.resume();
      done(res.statusCode!);
    });
    req.on("error", fail);
    req.end();
  });
  assert.equal(status, 403);
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolveSamplers } from "../../../src/core/samplers/validate.ts";
import { HttpError } from "../../../src/server/http/errors.ts";
import { normalizeRequest, parseBreakers, type Vocabulary } from "../../../src/server/request/normalize.ts";

const defaults = resolveSamplers({ temperature: 1, topK: 40, maxTokens: 300, repeatPenalty: 1.1, repeatLastN: 64 });
const vocab: Vocabulary = { vocabSize: 356, contextSize: 1024, tokenize: (text) => [...text].map((c) => 261 + c.charCodeAt(0) - 32) };
const fixture = (name: string) => (JSON.parse(readFileSync(new URL(`../../fixtures/sillytavern/${name}`, import.meta.url), "utf8")) as { body: Record<string, unknown> }).body;

const refused = (body: Record<string, unknown>, family: "kobold" | "llama" | "openai", message: RegExp) =>
  assert.throws(() => normalizeRequest(body, family, defaults, vocab), (e: unknown) => e instanceof HttpError && e.status === 400 && message.test(e.message));

test("SillyTavern 1.12.6's KoboldCpp body: every alias read, its 'off' values mean off, nothing refused", () => {
  const p = normalizeRequest(fixture("st-1.12.6-koboldcpp-completions.json"), "kobold", defaults, vocab);
  assert.equal(p.samplers.temperature, 0.7);
  assert.equal(p.samplers.topP, 0.5);
  assert.equal(p.samplers.topK, 40);
  assert.equal(p.samplers.repeatPenalty, 1.2);
  assert.equal(p.samplers.repeatLastN, 0, "rep_pen_range 0: the penalty looks at nothing");
  assert.equal(p.samplers.seed, -1);
  assert.equal(p.maxTokens, 250);
  assert.equal(p.contextLimit, 8192);
  assert.deepEqual(p.stops, ["\nUser:"], "stop and stopping_strings are one list");
  assert.deepEqual(p.samplers.drySequenceBreakers, ["\n", ":", '"', "*"], "the breakers string holding a JSON array is parsed");
  assert.equal(p.samplers.xtcProbability, 0);
  assert.equal(p.trimStop, true);
  assert.equal(p.banEog, false);
  assert.equal(p.bias.size, 0);
  assert.equal(p.grammar, undefined);
  assert.deepEqual(p.notApplied, [], "neutral values of samplers taproom lacks are silent");
});

test("SillyTavern's llama.cpp bodies, old and new, normalize without error", () => {
  for (const name of ["st-1.12.6-llamacpp-completion.json", "st-2025-llamacpp-completion.json", "st-2025-koboldcpp-completions.json"]) {
    const family = name.includes("llamacpp") ? "llama" : "kobold";
    const p = normalizeRequest(fixture(name), family, defaults, vocab);
    assert.equal(p.maxTokens, 250, name);
    assert.equal(p.cachePrompt, true);
    assert.equal(p.n, 1);
  }
});

test("which alias wins depends on the family; KoboldCpp takes the largest repetition penalty", () => {
  const body = { max_length: 10, max_tokens: 20, n_predict: 30, rep_pen: 1.1, repetition_penalty: 1.3, repeat_penalty: 1.2 };
  assert.equal(normalizeRequest(body, "kobold", defaults, vocab).maxTokens, 10);
  assert.equal(normalizeRequest(body, "llama", defaults, vocab).maxTokens, 30);
  assert.equal(normalizeRequest(body, "openai", defaults, vocab).maxTokens, 20);
  assert.equal(normalizeRequest(body, "kobold", defaults, vocab).samplers.repeatPenalty, 1.3);
  assert.equal(normalizeRequest(body, "llama", defaults, vocab).samplers.repeatPenalty, 1.2);
  assert.equal(normalizeRequest(body, "openai", defaults, vocab).samplers.repeatPenalty, 1.3);
});

test("'unset' values fall back to the next alias or the user's defaults", () => {
  const p = normalizeRequest({ max_length: 0, max_tokens: null, n_predict: 40, temperature: null, top_k: -1, seed: "" }, "kobold", defaults, vocab);
  assert.equal(p.maxTokens, 40, "KoboldCpp's max_length 0 means its default: the next alias is read");
  assert.equal(p.samplers.temperature, 1);
  assert.equal(p.samplers.topK, 0, "top_k -1 is off");
  assert.equal(p.samplers.seed, -1);
  const none = normalizeRequest({}, "openai", defaults, vocab);
  assert.equal(none.maxTokens, 300);
  assert.equal(none.samplers.repeatPenalty, 1.1);
});

test("llama.cpp's n_predict -1 runs to the context's end and 0 only evaluates the prompt; repeat_last_n -1 is the whole context", () => {
  assert.equal(normalizeRequest({ n_predict: -1 }, "llama", defaults, vocab).maxTokens, "context");
  assert.equal(normalizeRequest({ n_predict: 0 }, "llama", defaults, vocab).maxTokens, 0);
  assert.equal(normalizeRequest({ repeat_last_n: -1 }, "llama", defaults, vocab).samplers.repeatLastN, 1024);
});

test("DRY's range 0 is off for llama.cpp and KoboldCpp, the whole context for OpenAI-style servers", () => {
  assert.equal(normalizeRequest({ dry_multiplier: 0.8, dry_penalty_last_n: 0 }, "llama", defaults, vocab).samplers.dryMultiplier, 0);
  const openai = normalizeRequest({ dry_multiplier: 0.8, dry_range: 0 }, "openai", defaults, vocab).samplers;
  assert.equal(openai.dryMultiplier, 0.8);
  assert.equal(openai.dryLastN, 0);
  assert.equal(normalizeRequest({ dry_multiplier: 0.8, dry_penalty_last_n: -1 }, "llama", defaults, vocab).samplers.dryLastN, 0);
});

test("numbers may come as strings; other types are refused naming the field as sent", () => {
  assert.equal(normalizeRequest({ temperature: "0.3" }, "openai", defaults, vocab).samplers.temperature, 0.3);
  refused({ temperature: "hot" }, "openai", /^temperature: expected a number, got "hot"$/);
  refused({ stream: "yes" }, "openai", /^stream: expected true or false/);
  refused({ rep_pen: 7 }, "kobold", /^rep_pen: .*0\.5.*3.*7/);
});

test("stops from every alias are one list; more than 256 are refused", () => {
  const p = normalizeRequest({ stop: "A", stop_sequence: ["B", "", "A"], stopping_strings: ["C"] }, "kobold", defaults, vocab);
  assert.deepEqual(p.stops, ["A", "B", "C"]);
  refused({ stop: Array.from({ length: 300 }, (_, i) => `s${i}`) }, "openai", /^stop: 300 stop strings, at most 256/);
});

test("logit_bias in OpenAI's and llama.cpp's shapes, token bans, and a token outside the vocabulary refused", () => {
  const openai = normalizeRequest({ logit_bias: { "300": 5, "301": -100 } }, "openai", defaults, vocab);
  assert.deepEqual([...openai.bias], [[300, 5], [301, "never"]]);
  const llama = normalizeRequest({ logit_bias: [[300, 1.5], [302, false], ["Hi", -2]] }, "llama", defaults, vocab);
  assert.equal(llama.bias.get(300), 1.5);
  assert.equal(llama.bias.get(302), "never");
  assert.equal(llama.bias.get(vocab.tokenize("H")[0]!), -2);
  const bans = normalizeRequest({ custom_token_bans: "300, 301", banned_tokens: [302] }, "kobold", defaults, vocab);
  assert.deepEqual([...bans.bias.keys()].sort(), [300, 301, 302]);
  refused({ logit_bias: { "999999": 1 } }, "openai", /^logit_bias: token 999999 is not in this model's vocabulary \(356 tokens\)$/);
});

test("DRY breakers: an array, a string holding one, TabbyAPI's comma list; anything else refused", () => {
  assert.deepEqual(parseBreakers(["\n"]), ["\n"]);
  assert.deepEqual(parseBreakers('["\\n", ":"]'), ["\n", ":"]);
  assert.deepEqual(parseBreakers('"\\n", ":"'), ["\n", ":"]);
  assert.equal(parseBreakers([]), undefined);
  assert.throws(() => parseBreakers("[oops"), /dry_sequence_breakers/);
});

test("grammar, JSON schema (also written in KoboldCpp's grammar field) and response_format", () => {
  assert.equal(normalizeRequest({ grammar: 'root ::= "a"' }, "kobold", defaults, vocab).grammar, 'root ::= "a"');
  assert.deepEqual(normalizeRequest({ grammar: '{"type":"object"}' }, "kobold", defaults, vocab).jsonSchema, { type: "object" });
  assert.deepEqual(normalizeRequest({ response_format: { type: "json_object" } }, "openai", defaults, vocab).jsonSchema, {});
  assert.equal(normalizeRequest({ json_schema: {} }, "openai", defaults, vocab).jsonSchema, undefined, "{} is unset outside llama.cpp");
  assert.deepEqual(normalizeRequest({ json_schema: {} }, "llama", defaults, vocab).jsonSchema, {});
  const both = normalizeRequest({ grammar: 'root ::= "a"', json_schema: { type: "string" } }, "llama", defaults, vocab);
  assert.equal(both.jsonSchema, undefined, "grammar wins, as in llama.cpp");
});

test("samplers taproom does not have are named once, only when set to something other than neutral", () => {
  const p = normalizeRequest({ typical_p: 0.9, mirostat_mode: 2, tfs: 1, top_a: 0 }, "openai", defaults, vocab);
  assert.deepEqual(p.notApplied, ["typical_p=0.9", "mirostat_mode=2"]);
});

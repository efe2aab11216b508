import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { runCli } from "../../src/cli/main.ts";
import { captureIO } from "../support/cliIO.ts";
import { startFakeHub, type FakeHubFile } from "../support/fakeHub.ts";
import { llamaHeader } from "../support/ggufHeader.ts";

const GB = 1e9;
const tiny = randomBytes(1000);

/** Qwen2.5-32B's shape, as its GGUF header says it; tensor data left out. */
const qwen32bHeader = llamaHeader({ layers: 64, embedding: 5120, heads: 40, kvHeads: 8, feedForward: 27648, vocab: 152064, context: 32768, name: "Qwen2.5 32B Instruct" });

/** A 32B repository as bartowski-style repos list it: real sizes announced, only the header served. */
function qwen32bListing(content: Uint8Array = qwen32bHeader): FakeHubFile[] {
  const sizes: Record<string, number> = {
    Q8_0: 34.8 * GB,
    Q6_K: 26.9 * GB,
    Q5_K_M: 23.3 * GB,
    Q4_K_M: 19.9 * GB,
    IQ4_XS: 17.7 * GB,
    Q3_K_M: 15.9 * GB,
    IQ3_M: 14.8 * GB,
    Q2_K: 12.3 * GB,
    IQ2_XXS: 9.0 * GB,
  };
  return Object.entries(sizes).map(([quant, size]) => ({ path: `Qwen2.5-32B-Instruct-${quant}.gguf`, content, announcedSize: Math.round(size) }));
}

async function pull(args: string[], endpoint: string, extraEnv: Record<string, string> = {}) {
  const home = await mkdtemp(join(tmpdir(), "taproom-pull-"));
  const io = captureIO({ HF_ENDPOINT: endpoint, TAPROOM_HOME: home, ...extraEnv });
  const code = await runCli(["pull", ...args], io);
  return { code, out: io.out(), err: io.err(), home };
}

test("pull --dry-run prints a choice and its reason for CPU-only, 8, 12, 24 and 48 GB machines", async (t) => {
  const hub = await startFakeHub({ repos: { "bart/Qwen2.5-32B-Instruct-GGUF": { files: qwen32bListing() } } });
  t.after(() => hub.close());
  // The choice is the best quality at reading speed (8 tokens/s), from the real shape in the header.
  const machines: Array<[string[], RegExp, RegExp]> = [
    [["--gpu", "cpu", "--ram", "64GB"], /Choice: Q4_K_M \(18\.5 GiB\): about 1\.9 tokens\/s, all layers on the CPU/, /Why: Nothing runs near reading speed here; Q4_K_M runs at about 1\.9 tokens\/s on the CPU, and a smaller model would be faster\./],
    [["--gpu", "cuda", "--vram", "8GB", "--ram", "64GB"], /Choice: IQ2_XXS \(8\.38 GiB\)/, /Why: Only an extreme-loss quant reaches 8 tokens\/s here: IQ2_XXS at about 8\.2 tokens\/s with 42 of 65 layers on the GPU/],
    [["--gpu", "cuda", "--vram", "12GB", "--ram", "64GB"], /Choice: IQ4_XS \(16\.5 GiB\)/, /Why: Nothing reaches 8 tokens\/s here without extreme loss; IQ4_XS is the best quality at about 4\.1 tokens\/s/],
    [["--gpu", "cuda", "--vram", "24GB", "--ram", "64GB"], /Choice: Q4_K_M \(18\.5 GiB\): about 29 tokens\/s, all 65 layers on the GPU, small loss/, /Runner-up above: Q5_K_M, about 15 tokens\/s, under the 16 tokens\/s asked of quants above Q4_K_M\./],
    [["--gpu", "cuda", "--vram", "48GB", "--ram", "64GB"], /Choice: Q6_K \(25\.1 GiB\)/, /Runner-up above: Q8_0, about 14 tokens\/s, under the 16 tokens\/s/],
  ];
  for (const [flags, choice, reason] of machines) {
    const result = await pull(["hf:bart/Qwen2.5-32B-Instruct-GGUF", "--dry-run", ...flags], hub.endpoint);
    assert.equal(result.code, 0, result.err);
    assert.match(result.out, choice, flags.join(" "));
    assert.match(result.out, reason, flags.join(" "));
    assert.match(result.out, /Would download Qwen2\.5-32B-Instruct-\w+\.gguf/);
    assert.match(result.out, /^Model: 32B parameters, 64 layers, 8 KV heads x 128\nShape: from its GGUF header \(llama\)\nKV cache: 2\.00 GiB at 8192 tokens of context$/m);
    assert.deepEqual(await readdir(result.home).catch(() => []), [], "a dry run writes nothing");
  }
  // A dry run reads one header (with Range requests), never a whole file.
  assert.ok(hub.requests.every((r) => r.includes("/api/models/") || (r.includes("IQ2_XXS") && / bytes=\d+-\d+$/.test(r))), hub.requests.join("\n"));
});

test("without a readable header, pull --dry-run assumes a current GQA shape for the size and says so", async (t) => {
  const hub = await startFakeHub({ repos: { "bart/Qwen2.5-32B-Instruct-GGUF": { files: qwen32bListing(tiny) } } });
  t.after(() => hub.close());
  const result = await pull(["hf:bart/Qwen2.5-32B-Instruct-GGUF", "--dry-run", "--gpu", "cuda", "--vram", "24GB", "--ram", "64GB"], hub.endpoint);
  assert.equal(result.code, 0, result.err);
  assert.match(result.err, /could not read the GGUF header \(Qwen2\.5-32B-Instruct-IQ2_XXS\.gguf: not a GGUF file\); assuming a current GQA shape for the size/);
  assert.match(result.out, /^Model: about 33B parameters, 64 layers, 8 KV heads x 128\nShape: assumed, a current GQA model like Qwen2\.5-32B/m);
  assert.match(result.out, /Choice: Q4_K_M/);
});

test("pull with a quant downloads it into the models folder, then says it is already there", async (t) => {
  const content = randomBytes(300_000);
  const hub = await startFakeHub({ repos: { "alice/Tiny-GGUF": { files: [{ path: "tiny-Q8_0.gguf", content }, { path: "tiny-Q4_K_M.gguf", content: tiny }] } } });
  t.after(() => hub.close());
  const first = await pull(["hf:alice/Tiny-GGUF:q8_0"], hub.endpoint);
  assert.equal(first.code, 0, first.err);
  const path = join(first.home, "models", "tiny-Q8_0.gguf");
  assert.deepEqual(await readFile(path), content);
  assert.match(first.out, /Saved .*tiny-Q8_0\.gguf\n/);
  assert.match(first.err, /100%\s+293 KiB \/ 293 KiB/, "a plain progress line when stderr is not a terminal");
  const io = captureIO({ HF_ENDPOINT: hub.endpoint, TAPROOM_HOME: first.home });
  assert.equal(await runCli(["pull", "hf:alice/Tiny-GGUF:Q8_0"], io), 0);
  assert.match(io.out(), /already in the library/);
});

test("pull downloads every part of a split model", async (t) => {
  const part1 = randomBytes(50_000);
  const part2 = randomBytes(30_000);
  const hub = await startFakeHub({
    repos: {
      "alice/Big-GGUF": {
        files: [
          { path: "Big-Q4_K_M/Big-Q4_K_M-00002-of-00002.gguf", content: part2 },
          { path: "Big-Q4_K_M/Big-Q4_K_M-00001-of-00002.gguf", content: part1 },
        ],
      },
    },
  });
  t.after(() => hub.close());
  const result = await pull(["hf:alice/Big-GGUF:Q4_K_M"], hub.endpoint);
  assert.equal(result.code, 0, result.err);
  assert.match(result.out, /Q4_K_M \(78\.1 KiB in 2 parts\)/);
  assert.deepEqual(await readFile(join(result.home, "models", "Big-Q4_K_M-00001-of-00002.gguf")), part1);
  assert.deepEqual(await readFile(join(result.home, "models", "Big-Q4_K_M-00002-of-00002.gguf")), part2);
});

test("pull explains a missing repo, a missing quant and a gated repo in one line each", async (t) => {
  const hub = await startFakeHub({ repos: { "alice/Tiny-GGUF": { files: [{ path: "tiny-Q4_K_M.gguf", content: tiny }] }, "meta/Gated-GGUF": { token: "t0k", files: [{ path: "g-Q4_K_M.gguf", content: tiny }] } } });
  t.after(() => hub.close());
  const missing = await pull(["hf:alice/Nope-GGUF"], hub.endpoint);
  assert.equal(missing.code, 1);
  assert.equal(missing.err, `taproom pull: alice/Nope-GGUF: not found (check the repository and file names) (HTTP 404 from ${hub.endpoint})\n`);
  const quant = await pull(["hf:alice/Tiny-GGUF:Q6_K"], hub.endpoint);
  assert.equal(quant.err, "taproom pull: alice/Tiny-GGUF: no Q6_K file; the repository has Q4_K_M\n");
  const gated = await pull(["hf:meta/Gated-GGUF:Q4_K_M"], hub.endpoint);
  assert.equal(gated.err, "taproom pull: meta/Gated-GGUF: access denied (HTTP 401); the repository is gated or private: accept its terms on the hub and set HF_TOKEN\n");
  const withToken = await pull(["hf:meta/Gated-GGUF:Q4_K_M"], hub.endpoint, { HF_TOKEN: "t0k" });
  assert.equal(withToken.code, 0, withToken.err);
  const bad = await pull(["alice/Tiny-GGUF"], hub.endpoint);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /not an hf: address/);
});

test("a dropped connection is resumed by itself, said on stderr, and the file completes in one run", async (t) => {
  const content = randomBytes(120_000);
  const hub = await startFakeHub({ repos: { "alice/Tiny-GGUF": { files: [{ path: "tiny-Q4_K_M.gguf", content }] } }, dropOnce: { path: "tiny-Q4_K_M.gguf", afterBytes: 40_000 } });
  t.after(() => hub.close());
  const first = await pull(["hf:alice/Tiny-GGUF:Q4_K_M"], hub.endpoint);
  assert.equal(first.code, 0, first.err);
  // The cut comes after 40,000 bytes; the client resumes from the bytes it had read by then (fetch drops what it had not).
  assert.match(first.err, /^taproom pull: connection dropped at [\d.]+ (B|KiB); resuming in 1s \(retry 1 of 3\)$/m);
  assert.deepEqual(await readFile(join(first.home, "models", "tiny-Q4_K_M.gguf")), content);
  assert.equal(hub.requests.filter((r) => r.includes("/resolve/")).length, 2, hub.requests.join("\n"));
});

test("a model bigger than the free disk space is refused before any byte is fetched", async (t) => {
  const hub = await startFakeHub({ repos: { "alice/Huge-GGUF": { files: [{ path: "huge-Q8_0.gguf", content: tiny, announcedSize: 2 ** 50 }] } } });
  t.after(() => hub.close());
  const result = await pull(["hf:alice/Huge-GGUF:Q8_0"], hub.endpoint);
  assert.equal(result.code, 1);
  assert.match(result.err, /^taproom pull: .*models: not enough disk space: the download needs 1024 TiB more, .* is free\n$/);
  assert.ok(hub.requests.every((r) => r.includes("/api/models/")));
});

test("file names from the hub cannot send escape sequences to the terminal", async (t) => {
  const evil = "evil-\x1b]0;pwned\x07\x1b[2J-Q4_K_M.gguf";
  const hub = await startFakeHub({ repos: { "alice/Evil-GGUF": { files: [{ path: evil, content: tiny }, { path: "x\x1b[31m.gguf", content: tiny }] } } });
  t.after(() => hub.close());
  const dry = await pull(["hf:alice/Evil-GGUF:Q4_K_M", "--dry-run"], hub.endpoint);
  assert.equal(dry.code, 0, dry.err);
  assert.match(dry.out, /Would download evil--Q4_K_M\.gguf/);
  const missing = await pull(["hf:alice/Evil-GGUF:Q8_0"], hub.endpoint);
  assert.match(missing.err, /no Q8_0 file; the repository has Q4_K_M, x\.gguf/);
  for (const text of [dry.out, dry.err, missing.out, missing.err]) assert.doesNotMatch(text, /\x1b/);
});

test("pull for a machine nothing runs on shows the table, downloads nothing and says how to pull anyway", async (t) => {
  const hub = await startFakeHub({ repos: { "bart/Qwen2.5-32B-Instruct-GGUF": { files: qwen32bListing() } } });
  t.after(() => hub.close());
  const result = await pull(["hf:bart/Qwen2.5-32B-Instruct-GGUF", "--gpu", "cpu", "--ram", "4GB"], hub.endpoint);
  assert.equal(result.code, 1);
  assert.match(result.out, /IQ2_XXS/);
  assert.match(result.err, /^taproom pull: bart\/Qwen2\.5-32B-Instruct-GGUF: nothing to download for this machine \(No quant runs on this machine; even IQ2_XXS needs more memory than this machine has\); name a quant \(hf:bart\/Qwen2\.5-32B-Instruct-GGUF:Q2_K\) to download anyway\n$/);
  assert.ok(hub.requests.every((r) => !r.includes("resolve") || / bytes=\d+-\d+$/.test(r)), "only the header was read");
  assert.deepEqual(await readdir(result.home).catch(() => []), []);
});

// A bounded, seeded fuzz target (issue 14): mutated cards, books, chats, presets and GGUF headers
// never crash or hang a reader; each is accepted or refused with one line naming its file.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseCardJson } from "../../src/core/cards/parse.ts";
import { parseChatJsonl } from "../../src/core/chat/jsonl.ts";
import { systemChatEnv } from "../../src/core/chat/operations.ts";
import { importSillyTavernPreset } from "../../src/core/samplers/sillyTavernPreset.ts";
import { readModelFacts } from "../../src/engine/library/readModelFacts.ts";
import { readLorebookFile } from "../../src/store/lorebooks/lorebookFiles.ts";
import { v2Card } from "../support/cards.ts";
import { llamaHeader } from "../support/ggufHeader.ts";

const SEED = Number(process.env.TAPROOM_FUZZ_SEED ?? 14);
const ROUNDS = 120;

function random(seed: number) {
  let s = seed >>> 0 || 1;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const SPICE = ["\x1b]0;x\x07", "\u202e", "\r", "\u0000", '"', "{", "[", "}", "]", ",", "9".repeat(30), "-1", "1e309", "null", '{"a":'.repeat(200), "\ud800", "true"];

/** One of: flip a byte, insert hostile text, cut, duplicate a slice, or replace a number. */
function mutate(bytes: Buffer, rnd: () => number): Buffer {
  const at = Math.floor(rnd() * bytes.length);
  switch (Math.floor(rnd() * 5)) {
    case 0: { const b = Buffer.from(bytes); b[at] = Math.floor(rnd() * 256); return b; }
    case 1: return Buffer.concat([bytes.subarray(0, at), Buffer.from(SPICE[Math.floor(rnd() * SPICE.length)]!), bytes.subarray(at)]);
    case 2: return bytes.subarray(0, at);
    case 3: { const end = Math.min(bytes.length, at + Math.floor(rnd() * 64)); return Buffer.concat([bytes.subarray(0, end), bytes.subarray(at, end), bytes.subarray(end)]); }
    default: { const b = Buffer.from(bytes); if (at + 8 <= b.length) b.writeBigUInt64LE(BigInt(Math.floor(rnd() * 2 ** 52)) * BigInt(1 + Math.floor(rnd() * 4096)) & 0xffffffffffffffffn, at); return b; }
  }
}

async function fuzz(name: string, seedBytes: Buffer, read: (bytes: Buffer, file: string) => Promise<unknown> | unknown) {
  const rnd = random(SEED + name.length);
  const dir = await mkdtemp(join(tmpdir(), `taproom-fuzz-${name}-`));
  let refused = 0;
  for (let i = 0; i < ROUNDS; i++) {
    let bytes = seedBytes;
    for (let m = 1 + Math.floor(rnd() * 3); m > 0; m--) bytes = mutate(bytes, rnd);
    const file = join(dir, `${name}-${i}${name === "gguf" ? ".gguf" : ".json"}`);
    try {
      await read(bytes, file);
    } catch (error) {
      refused++;
      assert.ok(error instanceof Error, `${file}: threw ${String(error)}`);
      assert.doesNotMatch(error.message, /Maximum call stack|out of range|Invalid time value|Cannot read prop|undefined is not/, `${file} (seed ${SEED}): ${error.message}`);
      assert.ok(!error.message.includes("\n"), `${file}: a one-line error, got ${error.message}`);
      assert.ok(error.message.includes(file), `${file}: the error names the file: ${error.message}`);
    }
  }
  return refused;
}

test("fuzzed cards, books, chats, presets and GGUF headers: accepted or refused with one line naming the file", { timeout: 120_000 }, async () => {
  const card = Buffer.from(JSON.stringify(v2Card()));
  await fuzz("card", card, (b, file) => parseCardJson(b.toString("utf8"), { source: file }));
  const book = Buffer.from(JSON.stringify({ entries: { 0: { uid: 0, key: ["ale", "/dra+gon/i"], keysecondary: [], content: "Foam.", order: 100, position: 0, depth: 4 } } }));
  await fuzz("book", book, async (b, file) => { await writeFile(file, b); return readLorebookFile(file); });
  const chat = Buffer.from([
    JSON.stringify({ user_name: "You", character_name: "Ilsa", create_date: "2026-01-01@10h00m00s", chat_metadata: {} }),
    JSON.stringify({ name: "Ilsa", is_user: false, mes: "The lamp is lit.", send_date: "January 1, 2026 10:00am", swipes: ["The lamp is lit.", "Fog."], swipe_id: 0 }),
    JSON.stringify({ name: "You", is_user: true, mes: "Hello", send_date: 1767261600000 }),
  ].join("\n"));
  await fuzz("chat", chat, (b, file) => parseChatJsonl({ text: b.toString("utf8"), file, env: systemChatEnv }));
  const preset = Buffer.from(JSON.stringify({ temp: 0.8, top_p: 0.9, top_k: 40, min_p: 0.05, rep_pen: 1.1, sampler_order: [6, 0, 1], dry_sequence_breakers: '["\\n", ":"]' }));
  await fuzz("preset", preset, (b, file) => {
    let json: unknown;
    try { json = JSON.parse(b.toString("utf8")); } catch { return; }
    return importSillyTavernPreset(json, file);
  });
  const gguf = Buffer.from(llamaHeader({ layers: 2, embedding: 64, heads: 4, kvHeads: 4, feedForward: 128, vocab: 300, context: 512 }));
  const refused = await fuzz("gguf", gguf, async (b, file) => { await writeFile(file, b); return readModelFacts(file); });
  assert.ok(refused > 0, "the mutations do reach the refusals");
});

/**
 * Writes tiny but real GGUF models for tests, so the engine is exercised by llama.cpp
 * itself on CPU. The chat model is a crafted character-bigram model: every block is
 * an identity on the residual stream (attn_output and ffn_down are zero) and each
 * context class has its own one-hot embedding dimension, so the logits depend only on
 * the current token. Its greedy output is therefore predicted exactly by
 * greedyReference() below.
 */
import { writeFile } from "node:fs/promises";

const enum KvType {
  U32 = 4,
  I32 = 5,
  F32 = 6,
  Bool = 7,
  String = 8,
  Array = 9,
}

export type KvValue =
  | { type: "u32" | "i32" | "f32"; value: number }
  | { type: "bool"; value: boolean }
  | { type: "string"; value: string }
  | { type: "strings"; value: string[] }
  | { type: "f32s" | "i32s"; value: number[] };

export interface TensorSpec {
  name: string;
  /** ggml order: ne[0] is the contiguous dimension. */
  shape: number[];
  data: Float32Array;
}

const ALIGNMENT = 32;

class ByteWriter {
  private chunks: Buffer[] = [];
  length = 0;
  push(buffer: Buffer): void {
    this.chunks.push(buffer);
    this.length += buffer.length;
  }
  u32(n: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n);
    this.push(b);
  }
  i32(n: number): void {
    const b = Buffer.alloc(4);
    b.writeInt32LE(n);
    this.push(b);
  }
  u64(n: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(n));
    this.push(b);
  }
  f32(n: number): void {
    const b = Buffer.alloc(4);
    b.writeFloatLE(n);
    this.push(b);
  }
  string(s: string): void {
    const bytes = Buffer.from(s, "utf8");
    this.u64(bytes.length);
    this.push(bytes);
  }
  pad(): void {
    const rest = this.length % ALIGNMENT;
    if (rest) this.push(Buffer.alloc(ALIGNMENT - rest));
  }
  result(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

function writeKv(w: ByteWriter, key: string, kv: KvValue): void {
  w.string(key);
  switch (kv.type) {
    case "u32":
      w.u32(KvType.U32);
      w.u32(kv.value);
      break;
    case "i32":
      w.u32(KvType.I32);
      w.i32(kv.value);
      break;
    case "f32":
      w.u32(KvType.F32);
      w.f32(kv.value);
      break;
    case "bool":
      w.u32(KvType.Bool);
      w.push(Buffer.from([kv.value ? 1 : 0]));
      break;
    case "string":
      w.u32(KvType.String);
      w.string(kv.value);
      break;
    case "strings":
      w.u32(KvType.Array);
      w.u32(KvType.String);
      w.u64(kv.value.length);
      for (const s of kv.value) w.string(s);
      break;
    case "f32s":
      w.u32(KvType.Array);
      w.u32(KvType.F32);
      w.u64(kv.value.length);
      for (const n of kv.value) w.f32(n);
      break;
    case "i32s":
      w.u32(KvType.Array);
      w.u32(KvType.I32);
      w.u64(kv.value.length);
      for (const n of kv.value) w.i32(n);
      break;
  }
}

/** A GGUF v3 file from metadata and F32 tensors. */
export function encodeGguf(metadata: Record<string, KvValue>, tensors: TensorSpec[]): Buffer {
  const w = new ByteWriter();
  w.push(Buffer.from("GGUF", "latin1"));
  w.u32(3);
  w.u64(tensors.length);
  w.u64(Object.keys(metadata).length + 1);
  writeKv(w, "general.alignment", { type: "u32", value: ALIGNMENT });
  for (const [key, value] of Object.entries(metadata)) writeKv(w, key, value);
  let offset = 0;
  for (const t of tensors) {
    w.string(t.name);
    w.u32(t.shape.length);
    for (const n of t.shape) w.u64(n);
    w.u32(0);
    w.u64(offset);
    offset += Math.ceil((t.data.length * 4) / ALIGNMENT) * ALIGNMENT;
  }
  w.pad();
  for (const t of tensors) {
    w.push(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    w.pad();
  }
  return w.result();
}

// ---------------------------------------------------------------- the vocabulary

const SPECIAL = ["<unk>", "<s>", "</s>", "<|im_start|>", "<|im_end|>"];
export const IM_END = 4;
const BYTE_BASE = SPECIAL.length;
const CHAR_BASE = BYTE_BASE + 256;
/** Printable ASCII, each a token of its own; space is written U+2581 as SentencePiece does. */
const CHARS = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i));

/**
 * The vocabulary: special tokens, bytes, printable characters, then `words`: multi-character
 * user-defined tokens (as `<think>` is in Qwen3 or DeepSeek-R1), each a context class of
 * its own, so a bigram model can walk through `<think>…</think>` deterministically.
 */
class Vocab {
  readonly tokens: string[];
  readonly types: number[];
  readonly wordBase: number;
  /** Context classes: one per character, one per word, and one for "start of a line" (everything else). */
  readonly lineStart: number;
  readonly classes: number;

  constructor(readonly words: readonly string[]) {
    this.wordBase = CHAR_BASE + CHARS.length;
    this.tokens = [
      ...SPECIAL,
      ...Array.from({ length: 256 }, (_, i) => `<0x${i.toString(16).toUpperCase().padStart(2, "0")}>`),
      ...CHARS.map((c) => (c === " " ? "\u2581" : c)),
      ...words,
    ];
    this.types = [2, 3, 3, 3, 3, ...Array<number>(256).fill(6), ...Array<number>(CHARS.length).fill(1), ...Array<number>(words.length).fill(4)];
    this.lineStart = CHARS.length + words.length;
    this.classes = this.lineStart + 1;
  }

  classOfToken(token: number): number {
    if (token >= this.wordBase) return CHARS.length + (token - this.wordBase);
    return token >= CHAR_BASE ? token - CHAR_BASE : this.lineStart;
  }

  /** The text as tokens: words first (longest), then characters; a newline is the end-of-turn token. */
  tokenize(text: string): number[] {
    const out: number[] = [];
    for (let i = 0; i < text.length; ) {
      const word = this.words.filter((w) => text.startsWith(w, i)).sort((a, b) => b.length - a.length)[0];
      if (word) {
        out.push(this.wordBase + this.words.indexOf(word));
        i += word.length;
        continue;
      }
      const ch = text[i]!;
      out.push(ch === "\n" ? IM_END : CHAR_BASE + CHARS.indexOf(ch));
      i++;
    }
    return out;
  }

  /** score[class][token]: log P(token | class), with a tiny per-token offset so the argmax is unique. */
  scores(text: string): number[][] {
    const counts = Array.from({ length: this.classes }, () => new Map<number, number>());
    let previous = this.lineStart;
    for (const token of this.tokenize(text)) {
      counts[previous]!.set(token, (counts[previous]!.get(token) ?? 0) + 1);
      previous = token === IM_END ? this.lineStart : this.classOfToken(token);
    }
    const lineStart = counts[this.lineStart]!;
    return counts.map((observed) => {
      // A character never seen in the text behaves like the start of a line.
      const row = observed.size > 0 ? observed : lineStart;
      const total = [...row.values()].reduce((a, b) => a + b, 0) + 1;
      return this.tokens.map((_, token) => {
        const count = row.get(token) ?? 0;
        return (count > 0 ? Math.log(count / total) : -20) - token * 1e-4;
      });
    });
  }
}

const VOCAB = new Vocab([]);

/** The tiny model's vocabulary (a copy), for hostile variants whose token texts are changed. */
export function tinyVocabulary(): string[] {
  return [...VOCAB.tokens];
}

function classOfChar(ch: string): number {
  const i = CHARS.indexOf(ch);
  return i === -1 ? VOCAB.lineStart : i;
}

// Written so that greedy decoding from any character walks to "Hi, Bryn." and stops:
// the most frequent follower of each character on that path is the next one.
export const TINY_TEXT = `Hi, Bryn.
Sit by the fire.
Hi, Bryn.
A cup of cider?
Hi, Bryn.
Rain again, love.
Stew is hot.
Hi, Bryn.
Come back soon.
`;

/**
 * Trains the thinking model: from the start of a line (or any character it never saw,
 * such as the ":" a prompt's reply line ends with) greedy decoding writes exactly
 * `<think>Wave</think>Hi, Bryn.` and stops, with `<think>` and `</think>` single tokens.
 */
export const THINKING_TEXT = "<think>Wave</think>Hi, Bryn.\n".repeat(3);
export const THINKING_WORDS = ["<think>", "</think>"];

const SCORES = VOCAB.scores(TINY_TEXT);

export interface ReferenceOptions {
  /** llama.cpp's repeat penalty over the last `lastN` tokens, prompt included. */
  repeatPenalty?: number;
  lastN?: number;
  /** Subtracted once per occurrence in the last `lastN` tokens (llama.cpp's penalty_freq). */
  frequencyPenalty?: number;
  /** Subtracted once if the token occurs there at all (llama.cpp's penalty_present). */
  presencePenalty?: number;
}

/** The prompt's tokens as the tiny model's tokenizer makes them (BOS first), for penalties. */
function referenceTokens(text: string): number[] {
  const tokens = [1];
  for (const ch of text) {
    const i = CHARS.indexOf(ch);
    tokens.push(i === -1 ? BYTE_BASE + (ch.codePointAt(0)! & 0xff) : CHAR_BASE + i);
  }
  return tokens;
}

/** The greedy continuation llama.cpp must produce for a prompt: plain TypeScript. */
export function greedyReference(promptText: string, maxTokens: number, options: ReferenceOptions = {}): string {
  const { repeatPenalty = 1, lastN = 64, frequencyPenalty = 0, presencePenalty = 0 } = options;
  const history = referenceTokens(promptText);
  let context = classOfChar(promptText.at(-1) ?? "\n");
  let out = "";
  for (let i = 0; i < maxTokens; i++) {
    const counts = new Map<number, number>();
    for (const t of lastN > 0 ? history.slice(-lastN) : []) counts.set(t, (counts.get(t) ?? 0) + 1);
    const logit = (t: number) => {
      const x = SCORES[context]![t]!;
      const count = counts.get(t) ?? 0;
      if (count === 0) return x;
      const repeated = x <= 0 ? x * repeatPenalty : x / repeatPenalty;
      return repeated - count * frequencyPenalty - presencePenalty;
    };
    let best = 0;
    for (let t = 1; t < VOCAB.tokens.length; t++) if (logit(t) > logit(best)) best = t;
    if (best === IM_END) break;
    const ch = CHARS[best - CHAR_BASE]!;
    out += ch;
    history.push(best);
    context = classOfChar(ch);
  }
  return out;
}

const CHATML_TEMPLATE =
  "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

function ones(n: number): Float32Array {
  return new Float32Array(n).fill(1);
}

function blockTensors(layer: number, embd: number, ff: number, init: (n: number) => Float32Array): TensorSpec[] {
  const p = `blk.${layer}.`;
  return [
    { name: `${p}attn_norm.weight`, shape: [embd], data: ones(embd) },
    { name: `${p}attn_q.weight`, shape: [embd, embd], data: init(embd * embd) },
    { name: `${p}attn_k.weight`, shape: [embd, embd], data: init(embd * embd) },
    { name: `${p}attn_v.weight`, shape: [embd, embd], data: init(embd * embd) },
    { name: `${p}attn_output.weight`, shape: [embd, embd], data: init(embd * embd) },
    { name: `${p}ffn_norm.weight`, shape: [embd], data: ones(embd) },
    { name: `${p}ffn_gate.weight`, shape: [embd, ff], data: init(embd * ff) },
    { name: `${p}ffn_up.weight`, shape: [embd, ff], data: init(embd * ff) },
    { name: `${p}ffn_down.weight`, shape: [ff, embd], data: init(ff * embd) },
  ];
}

/** The vocabulary padded to `size` with ordinary multi-character tokens (a real model's vocabulary size, for benches). */
function paddedVocabulary(base: Vocab, size: number): { tokens: string[]; types: number[] } {
  const extra = Math.max(0, size - base.tokens.length);
  return {
    tokens: [...base.tokens, ...Array.from({ length: extra }, (_, i) => `\u2581w${i.toString(36)}`)],
    types: [...base.types, ...Array<number>(extra).fill(1)],
  };
}

function modelMetadata(options: { name: string; embd: number; ff: number; layers: number; heads: number; context: number; vocab?: Vocab; vocabulary?: number }): Record<string, KvValue> {
  const base = options.vocab ?? VOCAB;
  const vocab = paddedVocabulary(base, options.vocabulary ?? base.tokens.length);
  return {
    "general.architecture": { type: "string", value: "llama" },
    "general.name": { type: "string", value: options.name },
    "general.file_type": { type: "u32", value: 0 },
    "llama.context_length": { type: "u32", value: options.context },
    "llama.embedding_length": { type: "u32", value: options.embd },
    "llama.block_count": { type: "u32", value: options.layers },
    "llama.feed_forward_length": { type: "u32", value: options.ff },
    "llama.attention.head_count": { type: "u32", value: options.heads },
    "llama.attention.head_count_kv": { type: "u32", value: options.heads },
    "llama.rope.dimension_count": { type: "u32", value: options.embd / options.heads },
    "llama.attention.layer_norm_rms_epsilon": { type: "f32", value: 1e-5 },
    "llama.vocab_size": { type: "u32", value: vocab.tokens.length },
    "tokenizer.ggml.model": { type: "string", value: "llama" },
    "tokenizer.ggml.tokens": { type: "strings", value: vocab.tokens },
    "tokenizer.ggml.scores": { type: "f32s", value: vocab.tokens.map(() => 0) },
    "tokenizer.ggml.token_type": { type: "i32s", value: vocab.types },
    "tokenizer.ggml.unknown_token_id": { type: "u32", value: 0 },
    "tokenizer.ggml.bos_token_id": { type: "u32", value: 1 },
    "tokenizer.ggml.eos_token_id": { type: "u32", value: IM_END },
    "tokenizer.ggml.eot_token_id": { type: "u32", value: IM_END },
    "tokenizer.ggml.add_bos_token": { type: "bool", value: true },
    "tokenizer.ggml.add_eos_token": { type: "bool", value: false },
    "tokenizer.ggml.add_space_prefix": { type: "bool", value: false },
    "tokenizer.chat_template": { type: "string", value: CHATML_TEMPLATE },
  };
}

export const TINY_CONTEXT = 2048;

export interface TinyChatModelOptions {
  /** The text the bigram model is estimated from (TINY_TEXT by default). */
  text?: string;
  /** Multi-character tokens (user-defined, as a real model's `<think>`), each its own context class. */
  words?: readonly string[];
  name?: string;
  /** Replaces metadata keys (undefined removes one), for hostile variants. */
  metadata?: Record<string, KvValue | undefined>;
}

/** The crafted bigram chat model: 2 layers, ~300 KB, writes in milliseconds. */
export function tinyChatModelBytes(options: TinyChatModelOptions = {}): Buffer {
  const vocabulary = options.words?.length ? new Vocab(options.words) : VOCAB;
  const scores = options.text !== undefined || options.words?.length ? vocabulary.scores(options.text ?? TINY_TEXT) : SCORES;
  // Rope needs an even head size: two heads of an even width (the extra dimensions stay zero).
  const embd = Math.ceil(vocabulary.classes / 4) * 4;
  const ff = 16;
  const vocab = vocabulary.tokens.length;
  const embeddings = new Float32Array(embd * vocab);
  for (let t = 0; t < vocab; t++) embeddings[t * embd + vocabulary.classOfToken(t)] = 1;
  // After RMS norm a one-hot vector is scaled by sqrt(embd): divide it out.
  const output = new Float32Array(embd * vocab);
  const scale = Math.sqrt(embd);
  for (let t = 0; t < vocab; t++) {
    for (let c = 0; c < vocabulary.classes; c++) output[t * embd + c] = scores[c]![t]! / scale;
  }
  const zeros = (n: number) => new Float32Array(n);
  const tensors: TensorSpec[] = [
    { name: "token_embd.weight", shape: [embd, vocab], data: embeddings },
    ...blockTensors(0, embd, ff, zeros),
    ...blockTensors(1, embd, ff, zeros),
    { name: "output_norm.weight", shape: [embd], data: ones(embd) },
    { name: "output.weight", shape: [embd, vocab], data: output },
  ];
  const metadata: Record<string, KvValue | undefined> = {
    ...modelMetadata({ name: options.name ?? "taproom-tiny", embd, ff, layers: 2, heads: 2, context: TINY_CONTEXT, vocab: vocabulary }),
    ...options.metadata,
  };
  for (const [k, v] of Object.entries(metadata)) if (v === undefined) delete metadata[k];
  return encodeGguf(metadata as Record<string, KvValue>, tensors);
}

export async function writeTinyChatModel(path: string, options: TinyChatModelOptions = {}): Promise<string> {
  await writeFile(path, tinyChatModelBytes(options));
  return path;
}

/** The thinking model: replies `<think>Wave</think>Hi, Bryn.` to any prompt (see THINKING_TEXT). */
export function writeThinkingModel(path: string): Promise<string> {
  return writeTinyChatModel(path, { text: THINKING_TEXT, words: THINKING_WORDS, name: "taproom-thinking" });
}

/** A larger model with random weights (deterministic per seed): a real load for benchmarks. */
export async function writeRandomModel(path: string, options: { layers?: number; embd?: number; ff?: number; heads?: number; seed?: number; vocabulary?: number; scale?: number } = {}): Promise<string> {
  const { layers = 8, embd = 512, ff = 1024, heads = 8, scale = 0.08 } = options;
  let state = (options.seed ?? 1) >>> 0;
  const random = (n: number) => {
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      state = (state * 1664525 + 1013904223) >>> 0;
      data[i] = (state / 2 ** 32 - 0.5) * scale;
    }
    return data;
  };
  const vocab = Math.max(VOCAB.tokens.length, options.vocabulary ?? VOCAB.tokens.length);
  const tensors: TensorSpec[] = [
    { name: "token_embd.weight", shape: [embd, vocab], data: random(embd * vocab) },
    ...Array.from({ length: layers }, (_, i) => blockTensors(i, embd, ff, random)).flat(),
    { name: "output_norm.weight", shape: [embd], data: ones(embd) },
    { name: "output.weight", shape: [embd, vocab], data: random(embd * vocab) },
  ];
  await writeFile(path, encodeGguf(modelMetadata({ name: "taproom-random", embd, ff, layers, heads, context: 4096, vocabulary: vocab }), tensors));
  return path;
}

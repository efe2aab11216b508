// 10,000 entries x 5 keys, 20 messages of 300 words: median time per activation pass
// of activateLore against a straightforward scan (a fresh regex per key per message).
import { activateLore } from "../src/core/lorebook/activate.ts";
import { defaultEntry, type Lorebook } from "../src/core/lorebook/model.ts";

function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function naive(book: Lorebook, messages: string[], depth: number): number {
  let fired = 0;
  for (const e of book.entries) {
    let hit = false;
    for (const m of messages.slice(-depth)) {
      for (const k of e.key) {
        if (new RegExp(`(?:^|\\W)${escape(k)}(?:$|\\W)`, "i").test(m)) { hit = true; break; }
      }
      if (hit) break;
    }
    if (hit) fired++;
  }
  return fired;
}

/** Median time per call: on a shared machine the median is steadier than the mean. */
function time(fn: () => void, minMs = 1500): number {
  fn();
  const samples: number[] = [];
  const t0 = performance.now();
  while (performance.now() - t0 < minMs || samples.length < 3) {
    const t = performance.now();
    fn();
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

export default async function () {
  const r = rng(42);
  const vocab = Array.from({ length: 50_000 }, (_, i) => `w${i.toString(36)}x${Math.floor(r() * 1e6).toString(36)}`);
  const word = () => vocab[Math.floor(r() * vocab.length)]!;
  const entries = Array.from({ length: 10_000 }, (_, i) => ({ ...defaultEntry(i), key: [word(), word(), word(), word(), word()], content: `entry ${i} ${word()}` }));
  const book: Lorebook = { name: "bench", entries, extra: {} };
  // Chat prose: common words, with one word in 20 naming something a key may know.
  const filler = Array.from({ length: 2000 }, (_, i) => `f${i.toString(36)}`);
  const prose = () => (r() < 0.05 ? word() : filler[Math.floor(r() * filler.length)]!);
  const messages = Array.from({ length: 20 }, () => Array.from({ length: 300 }, prose).join(" "));
  const options = {
    books: [book], messages: messages.map((text) => ({ text, name: "User" })), contextSize: 1_000_000,
    tokenize: (t: string) => Math.ceil(t.length / 4), settings: { scanDepth: 20, recursive: false },
  };
  const t1 = performance.now();
  const first = activateLore(options);
  const firstMs = performance.now() - t1;
  time(() => activateLore(options), 1000); // warm-up: JIT and the compile's garbage out of the way
  const fast = time(() => activateLore(options));
  // A real turn scans a different text each time: one new message at the end.
  let turn = 0;
  const nextTurn = time(() => {
    turn++;
    const msgs = options.messages.slice(1).concat({ name: "User", text: `${messages[turn % 20]} turn${turn}` });
    activateLore({ ...options, messages: msgs });
  });
  const slow = time(() => naive(book, messages, 20), 3000);
  const fired = first.insertions.length;
  console.log(`entries 10000 x 5 keys, 20 messages x 300 words; ${fired} entries fire (naive scan agrees: ${naive(book, messages, 20) === fired})`);
  console.log(`first pass (compiles the book): ${firstMs.toFixed(1)} ms`);
  console.log(`activateLore per pass, same text (compiled book and text index reused): ${fast.toFixed(2)} ms`);
  console.log(`activateLore per pass, a new message each turn: ${nextTurn.toFixed(2)} ms`);
  console.log(`straightforward (fresh regex per key per message): ${slow.toFixed(1)} ms`);
  console.log(`ratio straightforward / activateLore (new message each turn): ${(slow / nextTurn).toFixed(1)}x`);
  phraseKeys(word, messages);
}

/**
 * Books also have phrase keys ("red dragon"), and some users turn whole-word matching
 * off: those keys are substring searches. Against the search of the text per key that
 * taproom did before its one-pass matcher.
 */
function phraseKeys(word: () => string, messages: string[]): void {
  const entries = Array.from({ length: 10_000 }, (_, i) => ({ ...defaultEntry(i), key: [`${word()} ${word()}`, word(), `${word()} ${word()}`, word(), word()], content: `entry ${i}` }));
  const book: Lorebook = { name: "phrases", entries, extra: {} };
  const lower = messages.map((m) => `User: ${m}`).join("\n").toLowerCase();
  const perKey = time(() => {
    let n = 0;
    for (const e of entries) for (const k of e.key) if (lower.indexOf(k.toLowerCase()) >= 0) n++;
    return n;
  });
  for (const matchWholeWords of [true, false]) {
    let turn = 0;
    const base = { books: [book], contextSize: 1_000_000, tokenize: (t: string) => Math.ceil(t.length / 4), settings: { scanDepth: 20, recursive: false, matchWholeWords } };
    const ms = time(() => {
      turn++;
      activateLore({ ...base, messages: messages.map((text, i) => ({ name: "User", text: i === 19 ? `${text} turn${turn}` : text })) });
    });
    console.log(`phrase keys (2 of 5 per entry), whole words ${matchWholeWords ? "on" : "off"}: ${ms.toFixed(2)} ms a pass; a search of the text per key: ${perKey.toFixed(1)} ms (x${(perKey / ms).toFixed(1)})`);
  }
}

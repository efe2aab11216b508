import { Worker } from "node:worker_threads";
import type { RegexAnswer, RegexMatcher, RegexQuery } from "../../core/lorebook/regexAnswers.ts";

/**
 * Users' regex keys run in a worker thread, one match at a time; a match that runs past
 * its limit cannot be interrupted from inside, so the worker is terminated (measured:
 * 4 ms) and a fresh one takes the rest. Chosen over a linear-time engine by measurement
 * (50 keys on a 4,000-character text): worker round trip 0.12 ms, re2js 1.3 ms,
 * re2-wasm 1.6 ms, and RE2 refuses lookaheads, which SillyTavern keys use.
 */
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const compiled = new Map();
parentPort.on("message", ({ id, queries }) => {
  queries.forEach((q, i) => {
    let answer;
    try {
      const key = "/" + q.source + "/" + q.flags;
      let re = compiled.get(key);
      if (!re) {
        if (compiled.size > 4000) compiled.clear();
        re = new RegExp(q.source, q.flags);
        compiled.set(key, re);
      }
      re.lastIndex = 0;
      answer = { matched: re.test(q.text) };
    } catch (error) {
      answer = { refused: "regex failed: " + (error && error.message) };
    }
    parentPort.postMessage({ id, i, answer });
  });
});
`;

export interface RegexWorkerOptions {
  /** One match may run this long before the worker is stopped and the key refused. */
  matchLimitMs?: number;
  /** Matching time of one batch together (starting a worker not counted); queries left when it is spent are not tried this time. */
  batchLimitMs?: number;
}

/** A generous limit: ordinary keys take well under 5 ms on 200,000 characters, even on a loaded machine. */
export const REGEX_MATCH_LIMIT_MS = 250;
export const REGEX_BATCH_LIMIT_MS = 3000;

interface Outcome { answers: RegexAnswer[]; stuck?: { index: number; reason: string }; matchingMs: number }

const idOf = (q: { source: string; flags: string }) => `/${q.source}/${q.flags}`;

export class RegexWorkerMatcher implements RegexMatcher {
  private worker: Worker | undefined;
  private ready: Promise<void> = Promise.resolve();
  private nextId = 0;
  private queue: Promise<unknown> = Promise.resolve();
  /** Patterns stopped once: refused from then on (editing the key makes a new pattern). */
  private readonly refused = new Map<string, string>();
  private readonly matchLimitMs: number;
  private readonly batchLimitMs: number;

  constructor(options: RegexWorkerOptions = {}) {
    this.matchLimitMs = options.matchLimitMs ?? REGEX_MATCH_LIMIT_MS;
    this.batchLimitMs = options.batchLimitMs ?? REGEX_BATCH_LIMIT_MS;
  }

  match(queries: RegexQuery[]): Promise<RegexAnswer[]> {
    const run = this.queue.then(() => this.matchAll(queries));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Ends the worker; a later match starts a new one. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private async matchAll(queries: RegexQuery[]): Promise<RegexAnswer[]> {
    const answers: RegexAnswer[] = new Array(queries.length);
    let todo: number[] = [];
    queries.forEach((q, i) => {
      const refused = this.refused.get(idOf(q));
      if (refused) answers[i] = { refused };
      else todo.push(i);
    });
    // Only time spent matching counts: a worker restarted after a stuck key takes long to start on a loaded machine, and that is no key's fault.
    let matchingMs = 0;
    while (todo.length > 0) {
      if (matchingMs > this.batchLimitMs) {
        for (const i of todo) answers[i] = { refused: `not tried: slow regex keys used up this scan's ${this.batchLimitMs} ms` };
        break;
      }
      const outcome = await this.runBatch(todo.map((i) => queries[i]!));
      matchingMs += outcome.matchingMs;
      outcome.answers.forEach((a, k) => { if (a) answers[todo[k]!] = a; });
      if (!outcome.stuck) break;
      const stuckAt = todo[outcome.stuck.index]!;
      const problem = outcome.stuck.reason;
      this.refused.set(idOf(queries[stuckAt]!), problem);
      answers[stuckAt] = { refused: problem };
      // The same pattern on other texts is refused with it.
      todo = todo.slice(outcome.stuck.index + 1).filter((i) => {
        if (!this.refused.has(idOf(queries[i]!))) return true;
        answers[i] = { refused: problem };
        return false;
      });
    }
    return answers;
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_SOURCE, { eval: true, resourceLimits: { maxOldGenerationSizeMb: 256 } });
    worker.unref();
    // The clock of the first match starts once the worker runs: a slow start on a busy machine blames no key.
    this.ready = new Promise((resolve) => { worker.once("online", resolve); worker.once("exit", resolve); });
    worker.on("error", () => undefined);
    worker.on("exit", () => { if (this.worker === worker) this.worker = undefined; });
    this.worker = worker;
    return worker;
  }

  private async runBatch(queries: RegexQuery[]): Promise<Outcome> {
    const worker = this.start();
    // Held open while it works for someone; idle, it never keeps the process alive.
    worker.ref();
    await this.ready;
    const id = this.nextId++;
    const answers: RegexAnswer[] = [];
    const started = performance.now();
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = (stuck?: Outcome["stuck"]) => {
        clearTimeout(timer);
        worker.unref();
        worker.off("message", onMessage);
        worker.off("exit", onExit);
        if (stuck) {
          if (this.worker === worker) this.worker = undefined;
          void worker.terminate();
        }
        const matchingMs = performance.now() - started;
        resolve(stuck ? { answers, stuck, matchingMs } : { answers, matchingMs });
      };
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => finish({
          index: answers.length,
          reason: `stopped after ${this.matchLimitMs} ms on one text (too slow to match); refused until the key is changed`,
        }), this.matchLimitMs);
      };
      const onMessage = (m: { id: number; i: number; answer: RegexAnswer }) => {
        if (m.id !== id) return;
        answers[m.i] = m.answer;
        if (answers.length === queries.length) finish();
        else arm();
      };
      const onExit = () => finish({ index: answers.length, reason: "the regex worker stopped (out of memory?) while matching this key; refused until the key is changed" });
      worker.on("message", onMessage);
      worker.on("exit", onExit);
      arm();
      worker.postMessage({ id, queries });
    });
  }
}

let shared: RegexWorkerMatcher | undefined;

/** One matcher for the process: its worker is started on the first regex key and never keeps the process alive. */
export function sharedRegexMatcher(): RegexWorkerMatcher {
  return (shared ??= new RegexWorkerMatcher());
}

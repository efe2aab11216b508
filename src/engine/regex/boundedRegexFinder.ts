/**
 * Regex scripts' patterns matched in a worker thread with a time limit per match, the
 * way regex lore keys are (engine/lore/regexWorker.ts: the pattern refused from then on,
 * the worker terminated and a new one started). Lore keys are asked in batches that can
 * wait (a turn is being prepared); scripts
 * run where a person waits synchronously (a prompt being built, a message drawn), so
 * this finder answers synchronously: the calling thread posts the job and blocks in
 * Atomics.wait until the worker signals or the limit passes, then reads the reply with
 * receiveMessageOnPort. Answers are cached: a message drawn again costs nothing.
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from "node:worker_threads";
import type { FindResult, RegexFinder, RegexMatch } from "../../core/regexScripts/finder.ts";
import { REGEX_MATCH_LIMIT_MS } from "../lore/regexWorker.ts";

/** The limit regex lore keys have: ordinary scripts take well under 5 ms on long texts. */
export const SCRIPT_MATCH_LIMIT_MS = REGEX_MATCH_LIMIT_MS;
/** A worker that has not started in this long (a machine under heavy load) answers nothing this time. */
const START_LIMIT_MS = 15_000;
const CACHE_ENTRIES = 2000;
/** Longer texts are matched every time rather than kept in the cache. */
const CACHE_TEXT_CHARS = 50_000;

const WORKER_SOURCE = `
const { workerData } = require("node:worker_threads");
const { port, signal } = workerData;
const compiled = new Map();
function matchesOf(re, text) {
  const out = [];
  re.lastIndex = 0;
  text.replace(re, (...args) => {
    const named = typeof args[args.length - 1] === "object" ? args.pop() : undefined;
    args.pop();
    const index = args.pop();
    out.push(named ? { index, groups: args, named: Object.assign({}, named) } : { index, groups: args });
    return "";
  });
  return out;
}
port.on("message", ({ id, source, flags, text }) => {
  let reply;
  try {
    const key = flags + "/" + source;
    let re = compiled.get(key);
    if (!re) {
      if (compiled.size > 2000) compiled.clear();
      re = new RegExp(source, flags);
      compiled.set(key, re);
    }
    reply = { id, matches: matchesOf(re, text) };
  } catch (error) {
    reply = { id, refused: "the pattern failed: " + (error && error.message) };
  }
  port.postMessage(reply);
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
});
Atomics.store(signal, 1, 1);
Atomics.notify(signal, 1);
`;

interface Running {
  worker: Worker;
  port: MessagePort;
  /** [0]: replies sent; [1]: 1 once the worker listens. */
  signal: Int32Array;
}

export interface BoundedRegexFinderOptions {
  matchLimitMs?: number;
}

export class BoundedRegexFinder implements RegexFinder {
  private running: Running | undefined;
  private nextId = 0;
  /** Patterns stopped once: refused from then on (an edited script is a new pattern). */
  private readonly refused = new Map<string, string>();
  private readonly cache = new Map<string, FindResult>();
  private readonly matchLimitMs: number;

  constructor(options: BoundedRegexFinderOptions = {}) {
    this.matchLimitMs = options.matchLimitMs ?? SCRIPT_MATCH_LIMIT_MS;
  }

  find(source: string, flags: string, text: string): FindResult {
    const pattern = `/${source}/${flags}`;
    const refused = this.refused.get(pattern);
    if (refused) return { refused };
    const key = text.length <= CACHE_TEXT_CHARS ? `${pattern}\u0000${text}` : undefined;
    const hit = key !== undefined ? this.cache.get(key) : undefined;
    if (hit) {
      this.cache.delete(key!);
      this.cache.set(key!, hit);
      return hit;
    }
    const result = this.ask(source, flags, text, pattern);
    if (key !== undefined && !("refused" in result)) {
      if (this.cache.size >= CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(key, result);
    }
    return result;
  }

  /** Ends the worker; a later find starts a new one. */
  close(): void {
    const running = this.running;
    this.running = undefined;
    if (!running) return;
    running.port.close();
    void running.worker.terminate();
  }

  private ask(source: string, flags: string, text: string, pattern: string): FindResult {
    const running = this.start();
    if (!running) return { refused: "the regex worker did not start in time; try again" };
    const id = this.nextId++;
    const sent = Atomics.load(running.signal, 0);
    running.port.postMessage({ id, source, flags, text });
    const deadline = performance.now() + this.matchLimitMs;
    for (;;) {
      const left = deadline - performance.now();
      const woke = left > 0 ? Atomics.wait(running.signal, 0, sent, left) : "timed-out";
      if (woke === "timed-out") break;
      const reply = receiveMessageOnPort(running.port)?.message as { id: number; matches?: RegexMatch[]; refused?: string } | undefined;
      if (reply && reply.id === id) return reply.refused !== undefined ? { refused: reply.refused } : { matches: reply.matches ?? [] };
      if (!reply && Atomics.load(running.signal, 0) === sent) continue;
    }
    const problem = `stopped after ${this.matchLimitMs} ms on one text (too slow to match); refused until the script is changed`;
    this.refused.set(pattern, problem);
    this.close();
    return { refused: problem };
  }

  private start(): Running | undefined {
    if (this.running) return this.running;
    const signal = new Int32Array(new SharedArrayBuffer(8));
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { port: port2, signal },
      transferList: [port2],
      resourceLimits: { maxOldGenerationSizeMb: 256 },
    });
    // Idle, it never keeps the process alive; a crash only costs the next call a new worker.
    worker.unref();
    port1.unref();
    worker.on("error", () => undefined);
    worker.on("exit", () => {
      if (this.running?.worker === worker) this.running = undefined;
    });
    if (Atomics.wait(signal, 1, 0, START_LIMIT_MS) === "timed-out") {
      port1.close();
      void worker.terminate();
      return undefined;
    }
    this.running = { worker, port: port1, signal };
    return this.running;
  }
}

let shared: BoundedRegexFinder | undefined;

/** One finder for the process: its worker starts on the first script that runs and never keeps the process alive. */
export function sharedRegexFinder(): BoundedRegexFinder {
  return (shared ??= new BoundedRegexFinder());
}

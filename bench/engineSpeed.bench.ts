/**
 * taproom's engine against raw node-llama-cpp on the same model, context, threads and
 * prompt tokens, greedy: prompt evaluation (to the first reply token) and reply tokens
 * per second. Raw is the shortest loop node-llama-cpp allows (tokenize,
 * sequence.evaluate, count tokens). Runs alternate between the two and medians are
 * compared. Both CPU time and wall time are printed: on a shared machine wall time
 * swings with other work, CPU time (one llama.cpp thread) measures the work done; the
 * targets are checked on CPU time.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Token } from "node-llama-cpp";
import { resolveSamplers } from "../src/core/samplers/validate.ts";
import { loadModel } from "../src/engine/generation/loadModel.ts";
import { getLlamaFor } from "../src/engine/runtime/llama.ts";
import { writeRandomModel } from "../test/support/tinyGguf.ts";

const CONTEXT = 4096;
const THREADS = 1;
const REPLY = 400;
const REPS = 7;
/** A long reply, timed in windows: per-token work must not grow with the reply. */
const LONG_REPLY = 1600;
const WINDOW = 400;

/** ~3,000 prompt tokens (the test vocabulary has one token per character); each run starts differently. */
function promptText(rep: number): string {
  const line = "Mira leans on the tiller and watches the fog roll over the Grey Marsh. ";
  return `${"ABCDEFGHIJKLMNOP"[rep]}${line.repeat(42)}`;
}

interface Run {
  promptTokens: number;
  tokens: number;
  promptWallMs: number;
  promptCpuMs: number;
  replyWallMs: number;
  replyCpuMs: number;
}

/** Wall and CPU clocks read together; the prompt phase ends when the first reply token arrives. */
function clocks() {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  return () => ({ wall: performance.now() - wall, cpu: (() => { const u = process.cpuUsage(cpu); return (u.user + u.system) / 1000; })() });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export default async function engineSpeed(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "taproom-bench-"));
  try {
    const path = await writeRandomModel(join(dir, "random.gguf"), { layers: 6, embd: 512, ff: 1024, heads: 8, seed: 7 });
    const llama = await getLlamaFor("cpu");
    const rawModel = await llama.loadModel({ modelPath: path });
    const rawContext = await rawModel.createContext({ contextSize: CONTEXT, threads: THREADS, sequences: 1 });
    const sequence = rawContext.getSequence();
    const ours = await loadModel({ path, gpu: "cpu", threads: THREADS, contextSize: CONTEXT });
    const samplers = resolveSamplers({ temperature: 0, maxTokens: REPLY });

    const raw = async (rep: number): Promise<Run> => {
      await sequence.clearHistory();
      const since = clocks();
      const tokens: Token[] = rawModel.tokenize(promptText(rep), true);
      if (rawModel.tokens.bos !== null && tokens[0] !== rawModel.tokens.bos) tokens.unshift(rawModel.tokens.bos);
      let prompt = { wall: 0, cpu: 0 };
      let count = 0;
      for await (const token of sequence.evaluate(tokens, { temperature: 0 })) {
        void token;
        if (count === 0) prompt = since();
        if (++count >= REPLY) break;
      }
      const all = since();
      return { promptTokens: tokens.length, tokens: count, promptWallMs: prompt.wall, promptCpuMs: prompt.cpu, replyWallMs: all.wall - prompt.wall, replyCpuMs: all.cpu - prompt.cpu };
    };
    const taproom = async (rep: number): Promise<Run> => {
      // As raw clears its sequence before the clock starts.
      await ours.forgetCache();
      let prompt = { wall: 0, cpu: 0 };
      let first = true;
      const since = clocks();
      const result = await ours.generate({
        prompt: promptText(rep),
        stops: [],
        samplers,
        onText: () => {
          if (first) prompt = since();
          first = false;
        },
      });
      const all = since();
      return { promptTokens: result.promptTokens!, tokens: result.tokens, promptWallMs: prompt.wall, promptCpuMs: prompt.cpu, replyWallMs: all.wall - prompt.wall, replyCpuMs: all.cpu - prompt.cpu };
    };

    const raws: Run[] = [];
    const taps: Run[] = [];
    await raw(REPS);
    await taproom(REPS);
    for (let rep = 0; rep < REPS; rep++) {
      const pair = rep % 2 === 0 ? [raw, taproom] : [taproom, raw];
      for (const run of pair) (run === raw ? raws : taps).push(await run(rep));
    }
    // One long reply each: CPU time per token over the first and the last window of tokens.
    const windows = async (run: (onToken: () => void) => Promise<void>) => {
      const marks: number[] = [];
      const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
      await run(() => marks.push(cpu()));
      const rate = (from: number) => ((WINDOW - 1) * 1000) / (marks[from + WINDOW - 1]! - marks[from]!);
      return { early: rate(0), late: rate(marks.length - WINDOW), tokens: marks.length };
    };
    await sequence.clearHistory();
    const longRaw = await windows(async (onToken) => {
      let count = 0;
      for await (const token of sequence.evaluate(rawModel.tokenize(promptText(0).slice(0, 200), true), { temperature: 0 })) {
        void token;
        onToken();
        if (++count >= LONG_REPLY) break;
      }
    });
    await ours.forgetCache();
    const longOurs = await windows(async (onToken) => {
      await ours.generate({ prompt: promptText(0).slice(0, 200), stops: ["\nUser:", "<|im_end|>"], samplers: { ...samplers, maxTokens: LONG_REPLY }, onText: onToken });
    });
    const mib = rawModel.size / 2 ** 20;
    await ours.unload();
    await rawContext.dispose();
    await rawModel.dispose();

    const figures = (runs: Run[]) => ({
      promptCpu: median(runs.map((r) => r.promptCpuMs)),
      promptWall: median(runs.map((r) => r.promptWallMs)),
      tpsCpu: median(runs.map((r) => ((r.tokens - 1) * 1000) / r.replyCpuMs)),
      tpsWall: median(runs.map((r) => ((r.tokens - 1) * 1000) / r.replyWallMs)),
    });
    const r = figures(raws);
    const t = figures(taps);
    console.log(`random 6-layer model (${mib.toFixed(0)} MiB), CPU, ${THREADS} thread, context ${CONTEXT}, greedy, ${REPS} runs each (alternating), medians`);
    console.log(`prompt: ${raws[0]!.promptTokens} tokens (taproom ${taps[0]!.promptTokens}); reply: ${REPLY} tokens asked, raw made ${raws[0]!.tokens}, taproom ${taps[0]!.tokens}`);
    console.log(`prompt CPU ms   raw ${r.promptCpu.toFixed(0)}   taproom ${t.promptCpu.toFixed(0)}   ratio ${(t.promptCpu / r.promptCpu).toFixed(3)} (target <= 1.05)`);
    console.log(`reply tok/CPU s raw ${r.tpsCpu.toFixed(1)}   taproom ${t.tpsCpu.toFixed(1)}   ratio ${(t.tpsCpu / r.tpsCpu).toFixed(3)} (target >= 0.98)`);
    console.log(`long reply (${longRaw.tokens} / ${longOurs.tokens} tokens), tok/CPU s over the first and last ${WINDOW}: raw ${longRaw.early.toFixed(1)} -> ${longRaw.late.toFixed(1)} (${(longRaw.late / longRaw.early).toFixed(3)}), taproom ${longOurs.early.toFixed(1)} -> ${longOurs.late.toFixed(1)} (${(longOurs.late / longOurs.early).toFixed(3)})`);
    console.log(`wall (shared machine): prompt ${r.promptWall.toFixed(0)} vs ${t.promptWall.toFixed(0)} ms (${(t.promptWall / r.promptWall).toFixed(3)}), reply ${r.tpsWall.toFixed(1)} vs ${t.tpsWall.toFixed(1)} tok/s (${(t.tpsWall / r.tpsWall).toFixed(3)})`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

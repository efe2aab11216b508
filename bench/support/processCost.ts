// What starting a program costs: CPU time of a whole run (bash's `time`), and the time
// to a given text on a real terminal (a pty from util-linux `script`), measured the same
// way for taproom and for its baselines.
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

export interface RunCost {
  wallMs: number;
  cpuMs: number;
}

/** A run on a terminal, up to a text on it: also what it wrote there and its resident memory then. */
export interface ScreenCost extends RunCost {
  bytes: number;
  rssMb: number;
}

export const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export function medianCost(runs: RunCost[]): RunCost {
  return { wallMs: median(runs.map((r) => r.wallMs)), cpuMs: median(runs.map((r) => r.cpuMs)) };
}

/** One run to completion, its output thrown away; user + system CPU as bash's `time` reports it. */
export function runCost(argv: string[], env: NodeJS.ProcessEnv = process.env): RunCost {
  const run = spawnSync("bash", ["-c", 'TIMEFORMAT="%3R %3U %3S"; time "$@" >/dev/null 2>&1', "bash", ...argv], { env, encoding: "utf8" });
  const line = run.stderr.trim().split("\n").at(-1) ?? "";
  const [real, user, sys] = line.split(" ").map(Number);
  if (run.status !== 0 || real === undefined || user === undefined || sys === undefined || Number.isNaN(real)) {
    throw new Error(`${argv.join(" ")} failed (${run.status}): ${run.stderr.slice(-500)}`);
  }
  return { wallMs: real * 1000, cpuMs: (user + sys) * 1000 };
}

export function repeatCost(times: number, argv: string[], env?: NodeJS.ProcessEnv): RunCost {
  return medianCost(Array.from({ length: times }, () => runCost(argv, env)));
}

const CLOCK_TICKS = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;

function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS) * 1000;
}

function rssMbOf(pid: number): number {
  const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  return kb ? Number(kb) / 1024 : Number.NaN;
}

function childOf(pid: number): number | undefined {
  try {
    const first = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(" ")[0];
    return first ? Number(first) : undefined;
  } catch {
    return undefined;
  }
}

/** Calls `idle` once `pid` has used no CPU and `written()` has not grown for `ms`; returns the polling timer. */
function whenIdle(pid: number | undefined, written: () => number, ms: number, idle: () => void): NodeJS.Timeout {
  const step = 50;
  let last = "";
  let still = 0;
  const timer = setInterval(() => {
    const now = `${pid ? cpuMsOf(pid) : 0}:${written()}`;
    still = now === last ? still + step : 0;
    last = now;
    if (still < ms) return;
    clearInterval(timer);
    idle();
  }, step);
  return timer;
}

const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[()][0-9A-Za-z]|\x1b[=>78]/g;

/**
 * Starts `argv` on a 100x30 pseudo-terminal and waits until `marker` is on it: the wall
 * time from the spawn, and the CPU the program had used by then. With `settleMs`, the
 * CPU, memory and bytes are read once the program has then used no CPU and written
 * nothing for that long (a screen may print more in the frames after its marker). The
 * program is then sent SIGTERM and waited for.
 */
export function timeToText(argv: string[], marker: string | RegExp, env: NodeJS.ProcessEnv, limitMs = 60_000, settleMs = 0): Promise<ScreenCost> {
  const found = (screen: string) => (typeof marker === "string" ? screen.includes(marker) : marker.test(screen));
  const quoted = argv.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
  const started = performance.now();
  const child = spawn("script", ["-qfec", `stty cols 100 rows 30; exec ${quoted}`, "/dev/null"], { env, stdio: ["pipe", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let seen = "";
    let bytes = 0;
    let wallMs: number | undefined;
    let result: ScreenCost | undefined;
    let quiet: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${argv.join(" ")}: "${marker}" not seen within ${limitMs} ms; screen:\n${seen.replace(ANSI, "").slice(-2000)}`));
    }, limitMs);
    const finish = () => {
      const pid = childOf(child.pid!);
      result = { wallMs: wallMs!, cpuMs: pid ? cpuMsOf(pid) : Number.NaN, bytes, rssMb: pid ? rssMbOf(pid) : Number.NaN };
      if (pid) process.kill(pid, "SIGTERM");
    };
    child.stdout.on("data", (data: Buffer) => {
      if (result) return;
      bytes += data.length;
      if (wallMs === undefined) {
        seen += data.toString("utf8");
        if (!found(seen.replace(ANSI, ""))) return;
        wallMs = performance.now() - started;
      }
      if (settleMs <= 0) return finish();
      if (!quiet) quiet = whenIdle(childOf(child.pid!), () => bytes, settleMs, finish);
    });
    child.on("close", () => {
      clearTimeout(timer);
      clearInterval(quiet);
      if (result) resolve(result);
      else reject(new Error(`${argv.join(" ")} exited before "${marker}" was seen:\n${seen.replace(ANSI, "").slice(-2000)}`));
    });
  });
}

export async function repeatTimeToText(times: number, argv: string[], marker: string | RegExp, env: NodeJS.ProcessEnv): Promise<RunCost> {
  const runs: RunCost[] = [];
  for (let i = 0; i < times; i++) runs.push(await timeToText(argv, marker, env));
  return medianCost(runs);
}

/**
 * A real `taproom serve` for tests: started as its own process on port 0, its port read
 * from the "listening on" line, ready once it says so; every log line kept to assert on.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { appendFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export interface ServeProcess {
  port: number;
  url: string;
  /** Everything printed so far (stdout and stderr). */
  output(): string;
  /** Resolves when the output (from `from` on) matches; rejects after `ms`. */
  waitFor(pattern: RegExp, ms?: number, from?: number): Promise<RegExpMatchArray>;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
  child: ChildProcess;
}

const root = resolve(import.meta.dirname, "../..");

export async function startServe(args: string[], options: { env?: NodeJS.ProcessEnv; home?: string; waitReady?: boolean } = {}): Promise<ServeProcess> {
  const home = options.home ?? (await mkdtemp(join(tmpdir(), "taproom-serve-")));
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli.tsx", "serve", "--port", "0", ...args], {
    cwd: root,
    env: { ...process.env, TAPROOM_HOME: home, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    if (process.env.TAPROOM_SERVE_LOG) appendFileSync(process.env.TAPROOM_SERVE_LOG, chunk);
    for (const listener of listeners) listener();
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
  // "close" comes after the process exited and its output was all read: nothing more can match.
  const outputEnded = new Promise<void>((done) => child.on("close", () => done()));
  const waitFor = (pattern: RegExp, ms = 120_000, from = 0) =>
    new Promise<RegExpMatchArray>((done, fail) => {
      const check = () => {
        const match = output.slice(from).match(pattern);
        if (match) {
          listeners.delete(check);
          clearTimeout(timer);
          done(match);
        }
      };
      const giveUp = (why: string) => {
        listeners.delete(check);
        clearTimeout(timer);
        fail(new Error(`no ${pattern} in taproom serve's output ${why}:\n${output}`));
      };
      const timer = setTimeout(() => giveUp(`within ${ms} ms`), ms);
      listeners.add(check);
      void outputEnded.then(() => {
        if (listeners.has(check)) check();
        if (listeners.has(check)) giveUp("before it ended");
      });
      check();
    });
  const listening = await waitFor(/listening on http:\/\/[^:]+:(\d+)/);
  const port = Number(listening[1]);
  if (options.waitReady !== false) await waitFor(/taproom serve: ready/);
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    waitFor,
    child,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      return exited;
    },
  };
}

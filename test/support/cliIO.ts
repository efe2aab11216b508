import type { CliIO } from "../../src/cli/command.ts";

/** A CliIO whose output is captured, for running commands in-process. */
export function captureIO(env: NodeJS.ProcessEnv = {}): CliIO & { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  return {
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t) },
    env,
    cwd: process.cwd(),
    out: () => out,
    err: () => err,
  };
}

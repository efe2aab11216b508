import { isAbsolute, resolve } from "node:path";
import type { CliIO } from "./command.ts";
import { createApp } from "../app/app.ts";

/** `--models-dir` (relative to the working directory) or the data directory's models/. */
export function resolveModelsDir(flag: string | undefined, io: CliIO): string {
  if (flag) return isAbsolute(flag) ? flag : resolve(io.cwd, flag);
  return createApp({ env: io.env, cwd: io.cwd }).paths.models;
}

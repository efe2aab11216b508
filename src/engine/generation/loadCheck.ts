import { fork } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, open, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, extname } from "node:path";
import { fileURLToPath } from "node:url";
import { readGgufHeader } from "../library/ggufReader.ts";
import { ModelLoadError } from "./errors.ts";

/**
 * A native abort (GGML_ASSERT) cannot be caught: it ends the process, the chat with it.
 * So the first load of a file this machine has not loaded before happens in a child
 * process; only when the child survives does the chat's process load it. Files are
 * known by their header's bytes and size (what llama.cpp's checks depend on), so a
 * renamed or copied file is not tested again.
 */
export interface LoadCheckOptions {
  /** Where identities of files that loaded are kept between runs (default: $TAPROOM_LOAD_CHECK_FILE); in memory only without it. */
  rememberFile?: string;
  /** A child still loading after this is stopped and the file loaded normally (a slow disk is no reason to refuse). */
  timeoutMs?: number;
}

const known = new Set<string>();
const loadedFiles = new Map<string, Promise<Set<string>>>();

export const LOAD_CHECK_TIMEOUT_MS = 5 * 60_000;

export async function fileIdentity(path: string): Promise<string> {
  const header = await readGgufHeader(path);
  const handle = await open(path, "r");
  try {
    const bytes = Buffer.alloc(Math.min(header.dataStart, header.fileSize));
    await handle.read(bytes, 0, bytes.length, 0);
    return createHash("sha256").update(bytes).update(String(header.fileSize)).digest("hex");
  } finally {
    await handle.close();
  }
}

function remembered(file: string): Promise<Set<string>> {
  let p = loadedFiles.get(file);
  if (!p) {
    p = readFile(file, "utf8").then((t) => new Set((JSON.parse(t) as { loaded?: unknown }).loaded as string[] ?? []), () => new Set<string>());
    loadedFiles.set(file, p);
  }
  return p;
}

async function remember(file: string, id: string): Promise<void> {
  const set = await remembered(file);
  set.add(id);
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, JSON.stringify({ loaded: [...set].slice(-500) }));
  await rename(temp, file);
}

/** Running from TypeScript sources (bin/taproom.js registers tsx in-process), the child needs tsx too. */
function childExecArgv(here: string): string[] {
  if (!here.endsWith(".ts") || process.execArgv.some((a) => a.includes("tsx"))) return process.execArgv;
  return [...process.execArgv, "--import", import.meta.resolve("tsx")];
}

type ChildOutcome = { kind: "ok" } | { kind: "error"; message: string } | { kind: "abort"; detail: string } | { kind: "timeout" };

function testLoad(path: string, timeoutMs: number): Promise<ChildOutcome> {
  const here = fileURLToPath(import.meta.url);
  const child = fork(here.replace(/loadCheck(\.[cm]?[jt]s)$/, `loadCheckChild${extname(here)}`), [path], { stdio: ["ignore", "ignore", "pipe", "ipc"], execArgv: childExecArgv(here) });
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (t: string) => { stderr = (stderr + t).slice(-8000); });
  return new Promise((resolve) => {
    let outcome: ChildOutcome | undefined;
    const timer = setTimeout(() => { outcome ??= { kind: "timeout" }; child.kill("SIGKILL"); }, timeoutMs);
    child.on("message", (m: { ok: boolean; error?: string }) => { outcome ??= m.ok ? { kind: "ok" } : { kind: "error", message: m.error ?? "" }; });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      const assertLine = stderr.split("\n").find((l) => /GGML_ASSERT|terminate called/.test(l))?.replace(/^.*\/(?=[^/]+:\d+:)/, "").trim();
      // Only a native abort condemns the file; a child that could not start (exit 1, no message) proves nothing.
      const aborted = signal !== null || code === 134 || assertLine !== undefined;
      resolve(outcome ?? (aborted ? { kind: "abort", detail: assertLine ?? (signal ? `signal ${signal}` : `exit code ${code}`) } : { kind: "error", message: stderr.trim().split("\n").at(-1) ?? "" }));
    });
  });
}

/** Resolves when the file may be loaded in this process; a ModelLoadError when loading it would abort. */
export async function checkLoadIsolated(path: string, options: LoadCheckOptions = {}): Promise<void> {
  options = { rememberFile: process.env.TAPROOM_LOAD_CHECK_FILE, ...options };
  const id = await fileIdentity(path);
  if (known.has(id)) return;
  if (options.rememberFile && (await remembered(options.rememberFile)).has(id)) {
    known.add(id);
    return;
  }
  const outcome = await testLoad(path, options.timeoutMs ?? LOAD_CHECK_TIMEOUT_MS).catch((error: Error): ChildOutcome => ({ kind: "error", message: error.message }));
  if (outcome.kind === "abort") {
    throw new ModelLoadError(path, `llama.cpp aborted while test-loading this file (${outcome.detail}); refused, so it cannot take the chat with it`);
  }
  // An ordinary load error is the main load's to report; a timeout proves nothing either way.
  if (outcome.kind !== "ok") return;
  known.add(id);
  if (options.rememberFile) await remember(options.rememberFile, id).catch(() => undefined);
}

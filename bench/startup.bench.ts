// What starting taproom costs, against the smallest program of the same kind measured in
// the same run: CPU time of `node -e 0` for the commands, and a bare Ink "hello" in plain
// JavaScript for the app's first frame (both on a pseudo-terminal, timed to their text).
import { existsSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { spawnSync } from "node:child_process";
import { addChats, BENCH_CACHE, libraryHome } from "./support/realisticLibrary.ts";
import { median, repeatCost, runCost, timeToText, type RunCost } from "./support/processCost.ts";

const here = resolve(import.meta.dirname, "..");
/** TAPROOM_BENCH_ROOT=DIR measures the taproom checked out in DIR (an older one, to compare) against the same baselines. */
const root = process.env.TAPROOM_BENCH_ROOT ? resolve(process.env.TAPROOM_BENCH_ROOT) : here;
const RUNS = 7;

const ratio = (cost: number, base: number) => (cost / base).toFixed(2);
const verdict = (value: number, limit: number) => (value <= limit ? "ok" : "MISSED");

function tinyModel(): string {
  const path = join(BENCH_CACHE, "tiny.gguf");
  if (!existsSync(path)) spawnSync(process.execPath, ["--import", "tsx", "test/support/makeTinyModel.ts", path], { cwd: here, stdio: "inherit" });
  return path;
}

/** Runs the screens in turn, RUNS times, so that a busy moment of the machine hits them alike. */
async function interleaved(cases: { name: string; argv: string[]; marker: string | RegExp; env: NodeJS.ProcessEnv }[]): Promise<Map<string, RunCost>> {
  const runs = new Map<string, RunCost[]>(cases.map((c) => [c.name, []]));
  for (let i = 0; i < RUNS; i++) for (const c of cases) runs.get(c.name)!.push(await timeToText(c.argv, c.marker, c.env));
  return new Map([...runs].map(([name, list]) => [name, { wallMs: median(list.map((r) => r.wallMs)), cpuMs: median(list.map((r) => r.cpuMs)) }]));
}

export default async function bench(): Promise<void> {
  if (process.platform !== "linux") {
    console.log("(the start-up bench reads /proc and uses util-linux script: Linux only)");
    return;
  }
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.CI; // Ink draws nothing until exit under CI
  const taproom = [process.execPath, join(root, "bin", "taproom.js")];

  const list300 = libraryHome("list300", 300);
  const listEnv = { ...env, TAPROOM_HOME: list300 };
  runCost([...taproom, "card", "list"], listEnv); // the index, filled once
  rmSync(join(list300, "cache", "machine.json"), { force: true });
  const probe = runCost([...taproom, "fit", "--params", "8B"], listEnv);

  const node = repeatCost(RUNS, [process.execPath, "-e", "0"]);
  const version = repeatCost(RUNS, [...taproom, "--version"]);
  const help = repeatCost(RUNS, [...taproom, "--help"]);
  const cards = repeatCost(RUNS, [...taproom, "card", "list"], listEnv);
  const fit = repeatCost(RUNS, [...taproom, "fit", "--params", "8B"], listEnv);

  console.log(`CPU time, median of ${RUNS} (node -e 0: ${node.cpuMs.toFixed(0)} ms):`);
  console.log(`  taproom --version          ${version.cpuMs.toFixed(0).padStart(5)} ms  ${ratio(version.cpuMs, node.cpuMs)}x node -e 0 (target <= 2)  ${verdict(version.cpuMs / node.cpuMs, 2)}`);
  console.log(`  taproom --help             ${help.cpuMs.toFixed(0).padStart(5)} ms  ${ratio(help.cpuMs, node.cpuMs)}x`);
  console.log(`  taproom card list (300)    ${cards.cpuMs.toFixed(0).padStart(5)} ms  ${ratio(cards.cpuMs, node.cpuMs)}x node -e 0 (target <= 4)  ${verdict(cards.cpuMs / node.cpuMs, 4)}`);
  console.log(`  taproom fit --params 8B    ${fit.cpuMs.toFixed(0).padStart(5)} ms  ${ratio(fit.cpuMs, node.cpuMs)}x, ${fit.wallMs.toFixed(0)} ms wall (machine remembered; the first probe: ${probe.cpuMs.toFixed(0)} ms CPU, ${probe.wallMs.toFixed(0)} ms wall)`);

  const tui = libraryHome("tui", 500);
  await addChats(tui, 200, 20);
  const tuiEnv = { ...env, TAPROOM_HOME: tui, NO_COLOR: "1" };
  runCost([...taproom, "fit", "--params", "8B"], tuiEnv); // the machine, remembered as on any second start
  const frames = await interleaved([
    { name: "hello", argv: [process.execPath, join(here, "bench", "support", "inkHello.mjs")], marker: "hello from ink", env },
    { name: "models", argv: taproom, marker: /Machine: (?!detecting)/, env: tuiEnv },
    { name: "home", argv: [...taproom, "--model", tinyModel(), "--gpu", "cpu"], marker: "Recent chats", env: tuiEnv },
    { name: "chat", argv: [...taproom, "--character", "Card 3"], marker: "? help", env: tuiEnv },
  ]);
  const hello = frames.get("hello")!;
  console.log(`First frame on a 100x30 pty, 500 cards of 1 MB and 200 chats, median of ${RUNS} (bare Ink hello in plain JS: ${hello.wallMs.toFixed(0)} ms wall, ${hello.cpuMs.toFixed(0)} ms CPU):`);
  const line = (label: string, name: string) => {
    const f = frames.get(name)!;
    console.log(`  ${label.padEnd(44)} ${f.wallMs.toFixed(0).padStart(5)} ms wall ${ratio(f.wallMs, hello.wallMs)}x (target <= 1.5) ${verdict(f.wallMs / hello.wallMs, 1.5)}; CPU ${ratio(f.cpuMs, hello.cpuMs)}x`);
  };
  line("taproom (model screen, machine line shown)", "models");
  line("taproom --model M (home screen, lists shown)", "home");
  line("taproom --character NAME (chat shown)", "chat");
}

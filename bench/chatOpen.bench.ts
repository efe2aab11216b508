// What opening a long chat costs in the TUI: a 2,000-message chat against a 100-message
// chat of the same messages, each started on a 100x30 pseudo-terminal with the same
// harness as the start-up bench. CPU, bytes written to the terminal and resident memory
// are read once the chat screen is up and the program has gone idle.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { addChats, BENCH_CACHE } from "./support/realisticLibrary.ts";
import { median, timeToText, type ScreenCost } from "./support/processCost.ts";

const here = resolve(import.meta.dirname, "..");
const root = process.env.TAPROOM_BENCH_ROOT ? resolve(process.env.TAPROOM_BENCH_ROOT) : here;
const RUNS = 5;
const SETTLE_MS = 500;

/** A data directory with one card (JSON) and one chat of `messages` messages with it. */
async function chatHome(messages: number): Promise<string> {
  const home = join(BENCH_CACHE, `chat-open-${messages}`);
  const card = join(home, "characters", "card-0000.json");
  if (!existsSync(card)) {
    mkdirSync(join(home, "characters"), { recursive: true });
    const data = { name: "Card 0", description: "{{char}} keeps the lighthouse on the northern cape.", personality: "", scenario: "", first_mes: "You're soaked.", mes_example: "" };
    writeFileSync(card, JSON.stringify({ spec: "chara_card_v2", spec_version: "2.0", data }));
  }
  await addChats(home, 1, messages);
  return home;
}

export default async function bench(): Promise<void> {
  if (process.platform !== "linux") {
    console.log("(the chat-open bench reads /proc and uses util-linux script: Linux only)");
    return;
  }
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
  delete env.CI; // Ink draws nothing until exit under CI
  const argv = [process.execPath, join(root, "bin", "taproom.js"), "--character", "Card 0"];
  const homes = { short: await chatHome(100), long: await chatHome(2000) };
  const runs: Record<keyof typeof homes, ScreenCost[]> = { short: [], long: [] };
  // Interleaved, so that a busy moment of the machine hits both alike.
  for (let i = 0; i < RUNS; i++) {
    for (const name of ["short", "long"] as const) {
      runs[name].push(await timeToText(argv, "? help", { ...env, TAPROOM_HOME: homes[name] }, 60_000, SETTLE_MS));
    }
  }
  const med = (name: keyof typeof homes, field: keyof ScreenCost) => median(runs[name].map((r) => r[field]));
  const line = (label: string, name: keyof typeof homes) =>
    console.log(`  ${label.padEnd(22)} ${med(name, "cpuMs").toFixed(0).padStart(5)} ms CPU ${(med(name, "bytes") / 1024).toFixed(1).padStart(7)} KB written ${med(name, "rssMb").toFixed(0).padStart(4)} MB resident ${med(name, "wallMs").toFixed(0).padStart(5)} ms to the screen`);
  console.log(`Opening a chat in the TUI (--character, no model), 100x30 pty, median of ${RUNS}:`);
  line("100 messages", "short");
  line("2,000 messages", "long");
  const cpu = med("long", "cpuMs") / med("short", "cpuMs");
  const bytes = med("long", "bytes") / med("short", "bytes");
  const verdict = (value: number) => (value <= 1.2 ? "ok" : "MISSED");
  console.log(`  2,000 vs 100 messages: CPU ${cpu.toFixed(2)}x (target <= 1.2) ${verdict(cpu)}; bytes ${bytes.toFixed(2)}x (target <= 1.2) ${verdict(bytes)}; memory ${(med("long", "rssMb") / med("short", "rssMb")).toFixed(2)}x`);
}

// What each start loads: `--version`, `--help` and the headless commands never load Ink
// or React, the app never loads llama.cpp before a model is used, nor the downloader.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { staticClosure } from "./support/importGraph.ts";
import { commands } from "../src/cli/commands/index.ts";
import { machineFingerprint } from "../src/engine/planning/machineFingerprint.ts";
import { defaultMachineMemoryPath } from "../src/store/machineMemory.ts";

const root = resolve(import.meta.dirname, "..");
const UI_PACKAGES = /^(ink|react|react-reconciler|yoga-layout)(\/|$)/;

/** Runs the compiled binary and returns the modules it loaded (file URLs and node: names). */
function modulesLoadedBy(args: string[], home: string): { status: number | null; stdout: string; stderr: string; modules: string[] } {
  const log = join(home, `modules-${Math.random().toString(36).slice(2)}.log`);
  writeFileSync(log, "");
  const run = spawnSync(process.execPath, ["--import", "./test/support/recordModules.mjs", "bin/taproom.js", ...args], {
    cwd: root, encoding: "utf8", env: { ...process.env, TAPROOM_HOME: home, TAPROOM_MODULE_LOG: log },
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, modules: readFileSync(log, "utf8").split("\n").filter(Boolean) };
}

const packageOf = (url: string) => /node_modules\/((@[^/]+\/)?[^/]+)\//.exec(url)?.[1];
const packages = (modules: string[]) => new Set(modules.map(packageOf).filter((p): p is string => p !== undefined));
const ours = (modules: string[]) => modules.filter((m) => m.includes("/dist/")).map((m) => m.slice(m.indexOf("/dist/") + 6));

test("the entry's static imports are the command table and its help: no command, no Ink, no llama.cpp", () => {
  const loaded = [...staticClosure("cli.tsx")];
  assert.deepEqual(loaded.filter((m) => UI_PACKAGES.test(m) || m.startsWith("node-llama-cpp") || m.startsWith("store/") || m.startsWith("ui/")), []);
  assert.ok(loaded.includes("cli/commands/help.ts") && loaded.length < 15, loaded.join(", "));
});

test("headless commands' modules never import Ink or React; the app's never import the downloader", () => {
  const problems: string[] = [];
  for (const { name } of commands.filter((c) => c.name !== "tui")) {
    for (const module of staticClosure(`cli/commands/${name}Command.ts`)) {
      if (UI_PACKAGES.test(module) || module.startsWith("ui/")) problems.push(`${name} loads ${module}`);
    }
  }
  for (const module of staticClosure("ui/app/launch.tsx")) {
    if (module.startsWith("engine/download/") || module.startsWith("server/") || module.startsWith("node-llama-cpp")) problems.push(`the app loads ${module}`);
  }
  assert.deepEqual(problems, []);
});

test("every command in the table loads the module of its own name", async () => {
  for (const entry of commands) {
    const command = await entry.load();
    assert.equal(command.name, entry.name);
    assert.equal(command.usage, entry.usage);
  }
});

test("the binary's --version and --help load no command at all; a command's --help loads only the table", () => {
  const home = mkdtempSync(join(tmpdir(), "taproom-startup-"));
  try {
    for (const args of [["--version"], ["--help"], ["card", "--help"], ["pull", "--help"], ["tui", "--help"]]) {
      const run = modulesLoadedBy(args, home);
      assert.equal(run.status, 0, run.stderr);
      assert.deepEqual(packages(run.modules), new Set(), `${args.join(" ")} loaded packages`);
      assert.deepEqual(ours(run.modules).filter((m) => !/^(cli\.js|cli\/(main|command|commands\/(index|help))\.js|core\/text\/sanitize\.js|core\/samplers\/(table|listSamplers)\.js|(app|engine\/quants)\/architectures\.js)$/.test(m)), [], args.join(" "));
    }
    assert.match(modulesLoadedBy(["card", "--help"], home).stdout, /taproom card import FILE/);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test("headless commands run without loading Ink, React or llama.cpp", () => {
  const home = mkdtempSync(join(tmpdir(), "taproom-startup-"));
  try {
    mkdirSync(join(home, "characters"), { recursive: true });
    cpSync(join(root, "characters"), join(home, "characters"), { recursive: true });
    for (const args of [["card", "list"], ["card", "show", "Brindle"], ["chats", "list"], ["group", "list"], ["preset", "list"], ["persona", "list"], ["lore", "list"], ["fit", "--params", "7B", "--vram", "8GB", "--ram", "16GB", "--gpu", "cuda"]]) {
      const run = modulesLoadedBy(args, home);
      assert.equal(run.status, 0, `${args.join(" ")}: ${run.stderr}`);
      const loaded = packages(run.modules);
      assert.deepEqual([...loaded].filter((p) => UI_PACKAGES.test(p) || p.startsWith("node-llama-cpp") || p.startsWith("@node-llama-cpp")), [], args.join(" "));
      assert.deepEqual(ours(run.modules).filter((m) => m.startsWith("ui/") || m.startsWith("engine/download/")), [], args.join(" "));
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

const hasScript = spawnSync("script", ["--version"]).status === 0;

test("the app's first screen, with the machine remembered, loads neither llama.cpp nor the downloader", { skip: hasScript || process.env.CI ? false : "util-linux script is not installed" }, async () => {
  const home = mkdtempSync(join(tmpdir(), "taproom-startup-"));
  const log = join(home, "modules.log");
  writeFileSync(log, "");
  const env: NodeJS.ProcessEnv = { ...process.env, TAPROOM_HOME: home, TAPROOM_MODULE_LOG: log, NO_COLOR: "1", TERM: "xterm-256color" };
  delete env.CI;
  mkdirSync(join(home, "cache"), { recursive: true });
  const remembered = { machine: { gpu: false, vramBytes: 0, gpuNames: [], cpuCores: 1 } };
  writeFileSync(defaultMachineMemoryPath(home), JSON.stringify({ version: 1, fingerprint: machineFingerprint(env), answers: { auto: remembered }, probedAt: new Date().toISOString() }));
  const child = spawn("script", ["-qfec", "stty cols 100 rows 30; exec node --import ./test/support/recordModules.mjs bin/taproom.js", "/dev/null"], { cwd: root, env, stdio: ["pipe", "pipe", "pipe"] });
  let screen = "";
  try {
    await new Promise<void>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`no model screen within 60 s:\n${screen}`)), 60_000);
      child.stdout.on("data", (data: Buffer) => {
        screen += data.toString("utf8");
        if (/Machine: CPU only/.test(screen)) {
          clearTimeout(timer);
          done();
        }
      });
    });
  } finally {
    child.stdin.write("\x1b");
    child.stdin.write("q");
    const closed = new Promise((done) => child.on("close", done));
    setTimeout(() => child.kill("SIGKILL"), 15_000).unref();
    await closed;
  }
  try {
    const modules = readFileSync(log, "utf8").split("\n").filter(Boolean);
    const loaded = packages(modules);
    assert.ok(loaded.has("ink"), "the sanity check: the app did load Ink");
    assert.deepEqual([...loaded].filter((p) => p.includes("node-llama-cpp")), [], "llama.cpp waits until a model is used");
    assert.deepEqual(ours(modules).filter((m) => m.startsWith("engine/download/") || m.startsWith("server/")), []);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { runTmuxTests, tmuxSession } from "../support/tmux.ts";

const root = resolve(import.meta.dirname, "../..");

/** The chat's status line says "writing… Ctrl+C stops" until a reply ends. */
const idle = (screen: string | null) => screen !== null && !screen.includes("writing…") && screen.includes("? help");

test("the real binary in tmux: start, type, see the reason a reply failed, help, quit with Ctrl+C twice", { skip: runTmuxTests ? false : "tmux is not installed" }, async () => {
  const home = mkdtempSync(join(tmpdir(), "taproom-e2e-"));
  const t = tmuxSession();
  try {
    const command = `cd ${JSON.stringify(root)} && TAPROOM_HOME=${JSON.stringify(home)} NO_COLOR=1 node bin/taproom.js --character Brindle`;
    t.start(command);
    // The chat draws first; the notice follows once the machine has been probed.
    const start = await t.waitFor((s) => (s?.includes("? help") && s.includes("No model loaded")) ?? false, "the status line and the no-model notice");
    assert.match(start ?? "", /No model loaded/);
    assert.match(start ?? "", /taproom pull hf:USER\/REPO/);
    t.tmux("send-keys", "-t", "app", "-l", "hello there");
    await t.waitFor((s) => s?.includes("│ hello there") ?? false, "the typed text");
    t.tmux("send-keys", "-t", "app", "Enter");
    const failed = await t.waitFor((s) => s?.includes("Generation failed") ?? false, "the reply's outcome");
    assert.match(failed ?? "", /no model loaded: start taproom with --model FILE/);
    assert.match(failed ?? "", /│ hello there/, "the text is back in the input");
    // Ctrl+U clears the line; the Backspaces after it (often read together with it) find nothing left.
    t.tmux("send-keys", "-t", "app", "C-u");
    for (let i = 0; i < 3; i++) t.tmux("send-keys", "-t", "app", "BSpace");
    await t.waitFor((s) => /^│ +│$/m.test(s ?? "") && !(s?.includes("│ hello") ?? true), "the input to empty");
    t.tmux("send-keys", "-t", "app", "?");
    await t.waitFor((s) => s?.includes("Stop; idle: twice quits") ?? false, "the help overlay");
    await t.quitWithCtrlC();
  } finally {
    t.kill();
    rmSync(home, { recursive: true, force: true });
  }
});

test("the real binary in tmux without a model: the model screen first (machine, files, how to add one), Esc home, q quits", { skip: runTmuxTests ? false : "tmux is not installed" }, async () => {
  const home = mkdtempSync(join(tmpdir(), "taproom-e2e-"));
  mkdirSync(join(home, "models"));
  execFileSync(process.execPath, ["--import", "tsx", join(root, "test/support/makeTinyModel.ts"), join(home, "models", "tiny.gguf")], { cwd: root });
  const t = tmuxSession();
  try {
    t.start(`cd ${JSON.stringify(root)} && TAPROOM_HOME=${JSON.stringify(home)} NO_COLOR=1 node bin/taproom.js --gpu cpu`);
    const screen = await t.waitFor((s) => (s?.includes("tiny.gguf") && s.includes("Machine:")) ?? false, "the model screen", 120_000);
    assert.match(screen ?? "", /No model loaded/);
    assert.match(screen ?? "", /tiny\.gguf +[\d.]+ KiB · llama .* · CPU, 2048 ctx/);
    assert.match(screen ?? "", /press d to download hf:USER\/REPO\[:QUANT\]/);
    t.tmux("send-keys", "-t", "app", "Escape");
    await t.waitFor((s) => s?.includes("m models") ?? false, "the home screen");
    t.tmux("send-keys", "-t", "app", "q");
    await t.waitFor((s) => s === null, "the app to exit");
  } finally {
    t.kill();
    rmSync(home, { recursive: true, force: true });
  }
});

test("the real binary in tmux with a tiny model: a streamed reply, a swipe, quit, and the chat resumes", { skip: runTmuxTests ? false : "tmux is not installed" }, async () => {
  const home = mkdtempSync(join(tmpdir(), "taproom-e2e-"));
  const model = join(home, "tiny.gguf");
  execFileSync(process.execPath, ["--import", "tsx", join(root, "test/support/makeTinyModel.ts"), model], { cwd: root });
  const command = `cd ${JSON.stringify(root)} && TAPROOM_HOME=${JSON.stringify(home)} NO_COLOR=1 node bin/taproom.js --character Brindle --model ${JSON.stringify(model)} --gpu cpu --threads 1 --context 2048`;
  const t = tmuxSession();
  try {
    t.start(command, { columns: 100, rows: 30 });
    // The chat draws while the model loads ("Loading tiny.gguf… 0%" in the status line), then names it.
    await t.waitFor((s) => /taproom-tiny · cpu[^\n]*\? help/.test(s ?? ""), "the status line with the model loaded", 120_000);
    t.tmux("send-keys", "-t", "app", "-l", "/temp 0");
    await t.waitFor((s) => s?.includes("│ /temp 0") ?? false, "the typed command");
    t.tmux("send-keys", "-t", "app", "Enter");
    await t.waitFor((s) => s?.includes("temp 0 ") ?? false, "greedy sampling in the status line");
    t.tmux("send-keys", "-t", "app", "-l", "Evening.");
    await t.waitFor((s) => s?.includes("│ Evening.") ?? false, "the typed text");
    t.tmux("send-keys", "-t", "app", "Enter");
    await t.waitFor((s) => /Brindle[^\n]*\n?[^\n]*Hi, Bryn\./.test(s ?? "") && idle(s), "the streamed reply, finished", 120_000);
    t.tmux("send-keys", "-t", "app", "Right");
    // While a swipe is written Ctrl+C stops it rather than arming quit: wait for it to end.
    await t.waitFor((s) => (s?.includes("2/2") ?? false) && idle(s), "a second swipe, finished", 120_000);
    await t.quitWithCtrlC();
    t.start(command, { columns: 100, rows: 30 });
    // The history is printed just after the first frame: wait for it rather than race it.
    const resumed = await t.waitFor((s) => (s?.includes("? help") && s.includes("Evening.")) ?? false, "the app to start again with the saved chat shown", 120_000);
    assert.match(resumed ?? "", /Hi, Bryn\./, "the reply is shown again");
  } finally {
    t.kill();
    rmSync(home, { recursive: true, force: true });
  }
});

test("the real binary in tmux at 80x24: home, pick a character, chat, swipe, home again, resume, quit", { skip: runTmuxTests ? false : "tmux is not installed" }, async () => {
  const home = mkdtempSync(join(tmpdir(), "taproom-e2e-"));
  const model = join(home, "tiny.gguf");
  execFileSync(process.execPath, ["--import", "tsx", join(root, "test/support/makeTinyModel.ts"), model], { cwd: root });
  const t = tmuxSession();
  const keys = (...k: string[]) => t.tmux("send-keys", "-t", "app", ...k);
  try {
    t.start(`cd ${JSON.stringify(root)} && TAPROOM_HOME=${JSON.stringify(home)} NO_COLOR=1 node bin/taproom.js --model ${JSON.stringify(model)} --gpu cpu --threads 1 --context 2048`);
    await t.waitFor((s) => (s?.includes("taproom · taproom-tiny") && s.includes("m models")) ?? false, "the home screen with the model loaded", 120_000);
    keys("c");
    await t.waitFor((s) => s?.includes("Characters · 3 cards") ?? false, "the character browser");
    keys("Down");
    await t.waitFor((s) => /› Maelis/.test(s ?? ""), "Maelis selected");
    keys("Enter");
    await t.waitFor((s) => (s?.includes("Which do you want?") && s.includes("? help")) ?? false, "Maelis's greeting in a new chat");
    keys("-l", "/temp 0");
    await t.waitFor((s) => s?.includes("│ /temp 0") ?? false, "the typed command");
    keys("Enter");
    await t.waitFor((s) => s?.includes("temp 0 ") ?? false, "greedy sampling");
    keys("-l", "Evening.");
    await t.waitFor((s) => s?.includes("│ Evening.") ?? false, "the typed text");
    keys("Enter");
    await t.waitFor((s) => /Maelis[^\n]*\n?[^\n]*Hi, Bryn\./.test(s ?? "") && idle(s), "the streamed reply, finished", 120_000);
    keys("Right");
    await t.waitFor((s) => (s?.includes("< 2/2 >") ?? false) && idle(s), "a second swipe, finished", 120_000);
    keys("C-o");
    const back = await t.waitFor((s) => s?.includes("Recent chats") ?? false, "home again");
    assert.match(back ?? "", /› 1 Maelis · .*3 messages/, "the chat is saved and listed first");
    keys("Enter");
    await t.waitFor((s) => (s?.includes("Evening.") && s.includes("< 2/2 >")) ?? false, "the chat resumed with both swipes");
    keys("C-o");
    await t.waitFor((s) => s?.includes("Recent chats") ?? false, "home once more");
    keys("q");
    await t.waitFor((s) => s === null, "the app to exit");
  } finally {
    t.kill();
    rmSync(home, { recursive: true, force: true });
  }
});

test("the real binary in tmux: SIGTERM while a reply is written saves the chat and exits cleanly", { skip: runTmuxTests ? false : "tmux is not installed" }, async () => {
  const home = mkdtempSync(join(tmpdir(), "taproom-e2e-"));
  const model = join(home, "tiny.gguf");
  // Random weights write until the length limit: the reply is under way long enough to be seen, even on a fast machine.
  execFileSync(process.execPath, ["--import", "tsx", join(root, "test/support/makeTinyModel.ts"), model, "--random"], { cwd: root });
  const t = tmuxSession();
  try {
    const app = `TAPROOM_HOME=${JSON.stringify(home)} NO_COLOR=1 node bin/taproom.js --character Brindle --model ${JSON.stringify(model)} --gpu cpu --threads 1 --context 2048`;
    // The shell stays to report how the app ended.
    t.start(`cd ${JSON.stringify(root)} && ${app}; echo "exited with $?"; sleep 60`, { columns: 100, rows: 30 });
    await t.waitFor((s) => /taproom-random · cpu[^\n]*\? help/.test(s ?? ""), "the model loaded", 120_000);
    t.tmux("send-keys", "-t", "app", "-l", "Evening.");
    await t.waitFor((s) => s?.includes("│ Evening.") ?? false, "the typed text");
    t.tmux("send-keys", "-t", "app", "Enter");
    await t.waitFor((s) => s?.includes("writing… Ctrl+C stops") ?? false, "the reply under way");
    const shell = t.tmux("list-panes", "-t", "app", "-F", "#{pane_pid}").trim();
    const node = execFileSync("pgrep", ["-P", shell], { encoding: "utf8" }).trim().split("\n")[0]!;
    process.kill(Number(node), "SIGTERM");
    await t.waitFor((s) => s?.includes("exited with 0") ?? false, "a clean exit (not killed by the signal)", 120_000);
    const chats = JSON.parse(execFileSync(process.execPath, ["bin/taproom.js", "chats", "list", "--json"], { cwd: root, env: { ...process.env, TAPROOM_HOME: home }, encoding: "utf8" }));
    assert.equal(chats[0]?.messageCount >= 2, true, `the sent message was saved: ${JSON.stringify(chats)}`);
  } finally {
    t.kill();
    rmSync(home, { recursive: true, force: true });
  }
});

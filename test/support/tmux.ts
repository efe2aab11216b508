/**
 * The real binary in a tmux pane of its own server (its own socket), for end-to-end tests.
 * Everything the pane writes is piped to a log file, and the pane's death appends to it too:
 * a wait wakes when the pane writes (fs.watch on the log) and reads the screen then, so it
 * waits for the screen itself, however slow the machine, never for a fixed time.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, watch, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** CI must run these (the issues ask for the real binary in CI): there a missing tmux fails them instead of skipping. */
export const runTmuxTests = spawnSync("tmux", ["-V"]).status === 0 || Boolean(process.env.CI);

export interface TmuxSession {
  tmux(...args: string[]): string;
  /** Starts `command` (a shell line) in the pane "app" of this size. */
  start(command: string, size?: { columns: number; rows: number }): void;
  /** The screen's text, or null once the session has ended. */
  capture(): string | null;
  /** Waits until `check` passes on the screen (null: ended) and returns it; fails naming `what`, with the screen. */
  waitFor(check: (screen: string | null) => boolean, what: string, ms?: number): Promise<string | null>;
  /** Quits the app as a person does: Ctrl+C, the prompt to press it again, Ctrl+C; waits for it to exit. */
  quitWithCtrlC(): Promise<void>;
  kill(): void;
}

export function tmuxSession(): TmuxSession {
  const socket = `taproom-e2e-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const dir = mkdtempSync(join(tmpdir(), "taproom-tmux-"));
  const log = join(dir, "pane.log");
  writeFileSync(log, "");
  const tmux = (...args: string[]) => execFileSync("tmux", ["-L", socket, ...args], { encoding: "utf8" });
  const capture = () => {
    try {
      if (tmux("display-message", "-p", "-t", "app", "#{pane_dead}").trim() === "1") return null;
      return tmux("capture-pane", "-p", "-t", "app");
    } catch {
      return null; // the session ended
    }
  };
  /** Resolves when the pane next writes, or at the deadline; `stop` lets go of the watch. */
  const nextWrite = (deadline: number) => {
    let stop = () => {};
    const written = new Promise<void>((done) => {
      const watcher = watch(log, () => stop());
      const timer = setTimeout(() => stop(), Math.max(0, deadline - Date.now()));
      stop = () => {
        watcher.close();
        clearTimeout(timer);
        done();
      };
    });
    return { written, stop: () => stop() };
  };
  return {
    tmux,
    start(command, size = { columns: 80, rows: 24 }) {
      // One call, so the pane is kept (and reads as ended) however soon the app exits; its death writes to the log too.
      // A second start (an app run again) replaces the first, which stays after it ended.
      spawnSync("tmux", ["-L", socket, "kill-session", "-t", "app"], { stdio: "ignore" });
      tmux(
        "new-session", "-d", "-s", "app", "-x", String(size.columns), "-y", String(size.rows), command,
        ";", "set-option", "-t", "app", "remain-on-exit", "on",
        ";", "set-hook", "-t", "app", "pane-died", `run-shell "printf x >> ${log}"`,
        ";", "pipe-pane", "-t", "app", "-o", `cat >> ${JSON.stringify(log)}`,
      );
    },
    capture,
    async waitFor(check, what, ms = 90_000) {
      const deadline = Date.now() + ms;
      for (;;) {
        // Watching before reading: a write between the two still wakes the next round.
        const next = nextWrite(deadline);
        const screen = capture();
        const passed = check(screen);
        if (passed || Date.now() >= deadline) {
          next.stop();
          if (passed) return screen;
          assert.fail(`timed out waiting for ${what}; screen:\n${screen}`);
        }
        await next.written;
      }
    },
    async quitWithCtrlC() {
      tmux("send-keys", "-t", "app", "C-c");
      await this.waitFor((s) => s?.includes("Press Ctrl+C again to quit") ?? false, "the quit prompt");
      tmux("send-keys", "-t", "app", "C-c");
      await this.waitFor((s) => s === null, "the app to exit");
    },
    kill() {
      spawnSync("tmux", ["-L", socket, "kill-server"]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

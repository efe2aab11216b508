/**
 * The real binary in tmux with the server remembered from last time (settings.json, its
 * key in secrets.json): it connects behind the first frame, the status line names the
 * server, and a reply comes from it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startFakeKobold } from "../support/fakeKobold.ts";

const runTmuxTests = spawnSync("tmux", ["-V"]).status === 0 || Boolean(process.env.CI);
const root = resolve(import.meta.dirname, "../..");

test("the real binary in tmux reconnects to the server used last time and chats through it", { skip: runTmuxTests ? false : "tmux is not installed" }, async () => {
  const kobold = await startFakeKobold({ key: "s3cret-key", reply: "The lamps are lit." });
  const home = mkdtempSync(join(tmpdir(), "taproom-e2e-remote-"));
  writeFileSync(join(home, "settings.json"), JSON.stringify({ backend: { url: kobold.url, api: "koboldcpp" } }));
  writeFileSync(join(home, "secrets.json"), JSON.stringify({ backendKeys: { [kobold.url]: "s3cret-key" } }), { mode: 0o600 });
  const socket = `taproom-e2e-remote-${process.pid}-${Date.now()}`;
  const tmux = (...args: string[]) => execFileSync("tmux", ["-L", socket, ...args], { encoding: "utf8" });
  const capture = () => {
    try {
      return tmux("capture-pane", "-p", "-t", "app");
    } catch {
      return null;
    }
  };
  const waitFor = async (check: (s: string) => boolean, what: string, ms = 90_000) => {
    const deadline = Date.now() + ms;
    let screen: string | null = "";
    while (Date.now() < deadline) {
      screen = capture();
      if (screen !== null && check(screen)) return screen;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.fail(`timed out waiting for ${what}; screen:\n${screen}`);
  };
  try {
    const port = new URL(kobold.url).port;
    tmux("new-session", "-d", "-s", "app", "-x", "100", "-y", "24", `cd ${JSON.stringify(root)} && TAPROOM_HOME=${JSON.stringify(home)} NO_COLOR=1 node bin/taproom.js --character Brindle`);
    const ready = await waitFor((s) => s.includes(`Nemo-12B-Q4_K_M · koboldcpp at 127.0.0.1:${port} · ctx 8192`), "the status line naming the server");
    assert.doesNotMatch(ready, /No model loaded/);
    tmux("send-keys", "-t", "app", "-l", "hello there");
    await waitFor((s) => s.includes("│ hello there"), "the typed text");
    tmux("send-keys", "-t", "app", "Enter");
    await waitFor((s) => s.includes("The lamps are lit.") && !s.includes("writing…"), "the server's reply");
    const seen = await kobold.seen();
    assert.ok(seen.some((r) => r.route === "POST /api/extra/generate/stream" && r.authorization === "Bearer s3cret-key"), "the saved key is sent");
    tmux("send-keys", "-t", "app", "C-c");
    await waitFor((s) => s.includes("Press Ctrl+C again to quit"), "the quit prompt");
    tmux("send-keys", "-t", "app", "C-c");
    const deadline = Date.now() + 30_000;
    while (capture() !== null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.equal(capture(), null, "the app exits");
  } finally {
    spawnSync("tmux", ["-L", socket, "kill-server"]);
    await kobold.close();
    rmSync(home, { recursive: true, force: true });
  }
});

/**
 * The real binary in tmux with the server remembered from last time (settings.json, its
 * key in secrets.json): it connects behind the first frame, the status line names the
 * server, and a reply comes from it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startFakeKobold } from "../support/fakeKobold.ts";
import { runTmuxTests, tmuxSession } from "../support/tmux.ts";

const root = resolve(import.meta.dirname, "../..");

test("the real binary in tmux reconnects to the server used last time and chats through it", { skip: runTmuxTests ? false : "tmux is not installed" }, async () => {
  const kobold = await startFakeKobold({ key: "s3cret-key", reply: "The lamps are lit." });
  const home = mkdtempSync(join(tmpdir(), "taproom-e2e-remote-"));
  writeFileSync(join(home, "settings.json"), JSON.stringify({ backend: { url: kobold.url, api: "koboldcpp" } }));
  writeFileSync(join(home, "secrets.json"), JSON.stringify({ backendKeys: { [kobold.url]: "s3cret-key" } }), { mode: 0o600 });
  const t = tmuxSession();
  try {
    const port = new URL(kobold.url).port;
    t.start(`cd ${JSON.stringify(root)} && TAPROOM_HOME=${JSON.stringify(home)} NO_COLOR=1 node bin/taproom.js --character Brindle`, { columns: 100, rows: 24 });
    const ready = (await t.waitFor((s) => s?.includes(`Nemo-12B-Q4_K_M · koboldcpp at 127.0.0.1:${port} · ctx 8192`) ?? false, "the status line naming the server")) ?? "";
    assert.doesNotMatch(ready, /No model loaded/);
    t.tmux("send-keys", "-t", "app", "-l", "hello there");
    await t.waitFor((s) => s?.includes("│ hello there") ?? false, "the typed text");
    t.tmux("send-keys", "-t", "app", "Enter");
    await t.waitFor((s) => (s?.includes("The lamps are lit.") ?? false) && !s!.includes("writing…"), "the server's reply");
    const seen = await kobold.seen();
    assert.ok(seen.some((r) => r.route === "POST /api/extra/generate/stream" && r.authorization === "Bearer s3cret-key"), "the saved key is sent");
    await t.quitWithCtrlC();
  } finally {
    t.kill();
    await kobold.close();
    rmSync(home, { recursive: true, force: true });
  }
});

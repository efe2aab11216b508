import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { startFakeHub } from "../support/fakeHub.ts";

test("Ctrl+C (SIGINT) cancels a real `taproom pull` cleanly: exit 130, a resumable .part, no final file", async (t) => {
  const hub = await startFakeHub({ repos: { "alice/Slow-GGUF": { files: [{ path: "slow-Q4_K_M.gguf", content: randomBytes(2_000_000) }] } }, chunkDelayMs: 20, chunkSize: 8192 });
  t.after(() => hub.close());
  const home = await mkdtemp(join(tmpdir(), "taproom-cancel-"));
  const child = spawn(process.execPath, ["bin/taproom.js", "pull", "hf:alice/Slow-GGUF:Q4_K_M"], {
    env: { ...process.env, HF_ENDPOINT: hub.endpoint, TAPROOM_HOME: home },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  await new Promise<void>((resolve) =>
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      if (/%/.test(stderr)) resolve();
    }),
  );
  child.kill("SIGINT");
  assert.equal(await exited, 130);
  assert.match(stderr, /download cancelled; run the same command again to resume/);
  assert.deepEqual(await readdir(join(home, "models")), ["slow-Q4_K_M.gguf.part"]);
});

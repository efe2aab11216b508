import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");

test("output piped into head, which closes the pipe early, ends quietly with status 0", () => {
  // fit writes its table a line at a time, so head has gone before the last lines are written.
  const run = spawnSync("bash", ["-c", 'node bin/taproom.js fit --params 7B --vram 24GB --gpu cuda | head -1; echo "status=${PIPESTATUS[0]}"'], { cwd: root, encoding: "utf8" });
  assert.match(run.stdout, /^Model: about 7B parameters/);
  assert.match(run.stdout, /status=0/);
  assert.doesNotMatch(run.stderr, /EPIPE|Unhandled 'error' event/);
});

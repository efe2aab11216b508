import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");

test("output piped into head, which closes the pipe early, ends quietly with status 0", () => {
  // fit writes its table a line at a time, so head has gone before the last lines are written.
  const run = spawnSync("bash", ["-c", 'node bin/taproom.js fit --params 7B --vram 24GB --gpu cuda | head -1; echo "status=${PIPESTATUS[0]}"'], { cwd: root, encoding: "utf8" });
  assert.match(run.stdout, /^Model: about 7B parameters/);
  assert.match(run.stdout, /status=0/);
  assert.doesNotMatch(run.stderr, /EPIPE|Unhandled 'error' event/);
});

test("the binary runs the compiled app, and says how to build it when dist/ is missing", () => {
  const copy = mkdtempSync(join(tmpdir(), "taproom-nodist-"));
  try {
    mkdirSync(join(copy, "bin"));
    copyFileSync(join(root, "bin", "taproom.js"), join(copy, "bin", "taproom.js"));
    const missing = spawnSync(process.execPath, [join(copy, "bin", "taproom.js"), "--version"], { encoding: "utf8" });
    assert.equal(missing.status, 1);
    assert.equal(missing.stderr, "taproom: the compiled app is missing (dist/cli.js): run npm run build (npm ci does it too)\n");
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
  const built = spawnSync(process.execPath, ["bin/taproom.js", "--version"], { cwd: root, encoding: "utf8" });
  assert.equal(built.stdout, `${JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version}\n`);
});

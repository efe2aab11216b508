import { test } from "node:test";
import assert from "node:assert/strict";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { dataDir } from "../../src/store/paths.ts";

test("under the test runner the real data directory is refused: a test without TAPROOM_HOME fails instead of writing into the user's home", () => {
  assert.equal(process.env.TAPROOM_TEST_RUN, "1", "scripts/run-tests.ts sets it for every test file");
  assert.throws(() => dataDir({}), /a test reached for the real data directory \(.*taproom\): give it TAPROOM_HOME/);
  assert.throws(() => dataDir({ HOME: homedir() }), /real data directory/);
  const sandbox = join(tmpdir(), "taproom-paths-test");
  assert.equal(dataDir({ TAPROOM_HOME: sandbox }), sandbox);
  assert.equal(dataDir({ XDG_DATA_HOME: sandbox }), join(sandbox, "taproom"));
});

test("outside the test runner the data directory is the user's own, as ever", () => {
  const saved = process.env.TAPROOM_TEST_RUN;
  delete process.env.TAPROOM_TEST_RUN;
  try {
    const dir = dataDir({});
    assert.ok(dir.startsWith(homedir()) && dir.endsWith("taproom"), dir);
  } finally {
    process.env.TAPROOM_TEST_RUN = saved;
  }
});

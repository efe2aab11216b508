// Compiles src/ to dist/, which bin/taproom.js runs (npm ci does this through `prepare`).
// With --if-stale it compiles only when a source is newer than the last build: tests,
// benches and `npm start` call it so they never run yesterday's code.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const stamp = join(root, "dist", ".built");

function newestChange(path) {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  // A folder's own time changes when a file in it is added, removed or renamed.
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestChange(join(path, name))), info.mtimeMs);
}

function stale() {
  if (!existsSync(stamp) || !existsSync(join(root, "dist", "cli.js"))) return true;
  const inputs = ["src", "tsconfig.json", "tsconfig.build.json", "package.json"].map((p) => join(root, p));
  return Math.max(...inputs.map(newestChange)) > statSync(stamp).mtimeMs;
}

if (process.argv.includes("--if-stale") && !stale()) process.exit(0);
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const run = spawnSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], { stdio: "inherit" });
if (run.status !== 0) {
  process.stderr.write("taproom: the build failed (tsc -p tsconfig.build.json); see the errors above\n");
  process.exit(run.status ?? 1);
}
writeFileSync(stamp, `${new Date().toISOString()}\n`);

#!/usr/bin/env node
// Runs the compiled app in dist/ (built by `npm ci`, or `npm run build` after a change);
// `npm run dev` runs the TypeScript sources directly through tsx.
import { existsSync } from "node:fs";

const entry = new URL("../dist/cli.js", import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write("taproom: the compiled app is missing (dist/cli.js): run npm run build (npm ci does it too)\n");
  process.exit(1);
}
await import(entry.href);

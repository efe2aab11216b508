import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const src = resolve(import.meta.dirname, "../src");

interface ImportLine { from: string; typeOnly: boolean; dynamic: boolean }

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

function importsOf(file: string): ImportLine[] {
  const text = readFileSync(file, "utf8");
  const found: ImportLine[] = [];
  for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^;]*?\sfrom\s+"([^"]+)"/gms)) {
    found.push({ from: m[3]!, typeOnly: m[2] !== undefined, dynamic: false });
  }
  for (const m of text.matchAll(/^\s*import\s+"([^"]+)"/gm)) found.push({ from: m[1]!, typeOnly: false, dynamic: false });
  for (const m of text.matchAll(/import\(\s*"([^"]+)"\s*\)/g)) found.push({ from: m[1]!, typeOnly: false, dynamic: true });
  return found;
}

const layerOf = (file: string) => relative(src, file).split("/")[0]!;
const targetOf = (file: string, from: string) => (from.startsWith(".") ? resolve(dirname(file), from) : null);

test("core is pure: it imports no other layer, no I/O, no Ink and no llama", () => {
  const banned = /^(node:(fs|child_process|net|http|https|os|worker_threads)|fs|ink|react|node-llama-cpp|lowdb)(\/|$)/;
  const problems: string[] = [];
  for (const file of sourceFiles(join(src, "core"))) {
    for (const { from } of importsOf(file)) {
      const target = targetOf(file, from);
      if (target && layerOf(target) !== "core") problems.push(`${relative(src, file)} imports ${from}`);
      if (!target && banned.test(from)) problems.push(`${relative(src, file)} imports ${from}`);
    }
  }
  assert.deepEqual(problems, []);
});

test("engine and store never reach up into the UI or the CLI", () => {
  const problems: string[] = [];
  for (const layer of ["engine", "store"]) {
    for (const file of sourceFiles(join(src, layer))) {
      for (const { from } of importsOf(file)) {
        const target = targetOf(file, from);
        const into = target ? layerOf(target) : null;
        if (into === "ui" || into === "cli" || into === "cli.tsx" || from === "ink" || from === "react") problems.push(`${relative(src, file)} imports ${from}`);
      }
    }
  }
  assert.deepEqual(problems, []);
});

test("starting the app loads node-llama-cpp only when a model is used: no static value import on the entry's path", () => {
  const seen = new Set<string>();
  const offenders: string[] = [];
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const { from, typeOnly, dynamic } of importsOf(file)) {
      if (typeOnly || dynamic) continue;
      if (from === "node-llama-cpp" || from.startsWith("@node-llama-cpp/")) offenders.push(relative(src, file));
      const target = targetOf(file, from);
      if (target) visit(target);
    }
  };
  // The entry loads each command when it runs: the app's own start is launch.tsx.
  visit(join(src, "cli.tsx"));
  visit(join(src, "ui/app/launch.tsx"));
  assert.ok(seen.size > 50, `the walk reached the app's modules (${seen.size})`);
  assert.deepEqual(offenders, [], "these load the whole runtime (hundreds of modules, about half a second) before the first frame");
});

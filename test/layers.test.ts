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

const files = sourceFiles(src);
const layerOf = (file: string) => relative(src, file).split("/")[0]!.replace(/\.tsx?$/, "");
const targetOf = (file: string, from: string) => (from.startsWith(".") ? resolve(dirname(file), from) : null);
const name = (file: string) => relative(src, file);

/**
 * The layers and what each may import: core <- store/engine <- app <- ui/cli. The entry
 * (cli.tsx) starts the CLI; the CLI may start the TUI only through a dynamic import.
 */
const allowed: Record<string, string[]> = {
  core: ["core"],
  store: ["core", "store", "engine"],
  engine: ["core", "engine", "store"],
  app: ["core", "store", "engine", "app"],
  ui: ["core", "app", "ui"],
  cli: ["core", "app", "cli"],
  cli_entry: ["cli"],
};
const layerKey = (file: string) => (layerOf(file) === "cli" && name(file) === "cli.tsx" ? "cli_entry" : layerOf(file));

test("every source file is in a known layer", () => {
  assert.deepEqual(files.map(layerKey).filter((l) => !(l in allowed)), []);
});

test("imports point down only: core <- store/engine <- app <- ui/cli", () => {
  const problems: string[] = [];
  for (const file of files) {
    const layer = layerKey(file);
    for (const { from, dynamic } of importsOf(file)) {
      const target = targetOf(file, from);
      if (!target) continue;
      const into = layerOf(target);
      // The command line opens the TUI when asked: loaded then, never before.
      if (layer === "cli" && into === "ui" && dynamic) continue;
      if (!allowed[layer]!.includes(into)) problems.push(`${name(file)} (${layer}) imports ${from} (${into})`);
    }
  }
  assert.deepEqual(problems, []);
});

test("core is pure: no I/O, no Ink and no llama", () => {
  const banned = /^(node:(fs|child_process|net|http|https|os|worker_threads)|fs|ink|react|node-llama-cpp|lowdb)(\/|$)/;
  const problems = files
    .filter((f) => layerOf(f) === "core")
    .flatMap((file) => importsOf(file).filter(({ from }) => banned.test(from)).map(({ from }) => `${name(file)} imports ${from}`));
  assert.deepEqual(problems, []);
});

test("below the surfaces nothing loads Ink or React, and src/app loads node-llama-cpp only lazily", () => {
  const problems: string[] = [];
  for (const file of files) {
    const layer = layerOf(file);
    if (layer === "ui" || layer === "cli") continue;
    for (const { from, typeOnly, dynamic } of importsOf(file)) {
      if (/^(ink|react)(\/|$)/.test(from)) problems.push(`${name(file)} imports ${from}`);
      if (layer === "app" && !typeOnly && !dynamic && /^(node-llama-cpp|@node-llama-cpp\/)/.test(from)) problems.push(`${name(file)} imports ${from}`);
    }
  }
  assert.deepEqual(problems, []);
});

test("there are no import circles (type-only and dynamic imports count)", () => {
  const edges = new Map<string, string[]>();
  for (const file of files) {
    const targets = importsOf(file)
      .map(({ from }) => targetOf(file, from))
      .filter((t): t is string => t !== null && files.includes(t));
    edges.set(file, targets);
  }
  // Tarjan's strongly connected components: a component of more than one file is a circle.
  let index = 0;
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const circles: string[][] = [];
  const visit = (file: string) => {
    order.set(file, index);
    low.set(file, index++);
    stack.push(file);
    onStack.add(file);
    for (const next of edges.get(file) ?? []) {
      if (!order.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(file, Math.min(low.get(file)!, order.get(next)!));
    }
    if (low.get(file) !== order.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(name(member));
    } while (member !== file);
    if (component.length > 1 || (edges.get(file) ?? []).includes(file)) circles.push(component.sort());
  };
  for (const file of files) if (!order.has(file)) visit(file);
  assert.deepEqual(circles, []);
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

test("the card library is constructed in one place, the app's", () => {
  const places = files.filter((f) => /new CardLibrary\(/.test(readFileSync(f, "utf8"))).map(name);
  assert.deepEqual(places, ["app/app.ts"]);
});

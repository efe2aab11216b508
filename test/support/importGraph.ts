import { readFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";

export const srcRoot = resolve(import.meta.dirname, "../../src");

/** The modules a file imports by value, statically (`import type` and `import()` left out). */
export function staticImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const found: string[] = [];
  for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^;]*?\sfrom\s+"([^"]+)"/gms)) if (!m[2]) found.push(m[3]!);
  for (const m of text.matchAll(/^\s*import\s+"([^"]+)"/gm)) found.push(m[1]!);
  return found;
}

/**
 * Everything loading `entry` loads before any of its code runs: relative modules as paths
 * under src/ ("cli/main.ts"), packages by name ("ink", "node:fs").
 */
export function staticClosure(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    const key = relative(srcRoot, file);
    if (seen.has(key)) return;
    seen.add(key);
    for (const from of staticImports(file)) {
      if (from.startsWith(".")) visit(resolve(dirname(file), from));
      else seen.add(from);
    }
  };
  visit(resolve(srcRoot, entry));
  return seen;
}

// `npm run bench`: runs every bench/*.bench.ts (or those whose names contain an argument).
// Each bench prints its own figures as ratios against a baseline measured in the same run.
import { readdirSync } from "node:fs";

const filters = process.argv.slice(2);
const files = readdirSync(new URL(".", import.meta.url))
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

for (const file of files) {
  const bench = (await import(new URL(file, import.meta.url).href)) as { default: () => Promise<void> };
  console.log(`\n== ${file.replace(".bench.ts", "")} ==`);
  await bench.default();
}

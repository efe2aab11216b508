// Lists a library of 2,000 realistic PNG cards (1 MB pictures, half with their text after
// the picture, as SillyTavern writes it) with taproom's index empty and warm, against the
// real alternative: reading and decoding every whole file (what opening a card does).
import { rmSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { CardLibrary } from "../src/store/cards/library.ts";
import { readCardFile } from "../src/store/cards/cardFiles.ts";
import { BENCH_CACHE, realisticCards } from "./support/realisticLibrary.ts";
import { median } from "./support/processCost.ts";

const COUNT = 2000;

async function timed(run: () => Promise<number>): Promise<number> {
  const start = performance.now();
  const listed = await run();
  if (listed !== COUNT) throw new Error(`listed ${listed} of ${COUNT}`);
  return performance.now() - start;
}

export default async function bench(): Promise<void> {
  const dir = realisticCards(COUNT);
  const indexPath = join(BENCH_CACHE, "card-index-bench", "card-index.json");
  const list = () => new CardLibrary({ dir, bundledDir: null, indexPath }).list().then((cards) => cards.length);
  const whole = async () => {
    let n = 0;
    for (const name of (await readdir(dir)).filter((f) => f.endsWith(".png"))) n += (await readCardFile(join(dir, name))).card.character.name ? 1 : 0;
    return n;
  };
  await whole(); // the files in the OS cache for every run, as after any earlier listing
  const empty: number[] = [];
  const warm: number[] = [];
  for (let i = 0; i < 3; i++) {
    rmSync(join(BENCH_CACHE, "card-index-bench"), { recursive: true, force: true });
    empty.push(await timed(list));
    warm.push(await timed(list));
  }
  const wholeMs = await timed(whole);
  const [e, w] = [median(empty), median(warm)];
  console.log(`${COUNT} PNG cards of about 1 MB (files in the OS cache), median of 3, each list a new CardLibrary:`);
  console.log(`  index empty: ${e.toFixed(0)} ms (target < 2000)   ${e < 2000 ? "ok" : "MISSED"}`);
  console.log(`  index warm:  ${w.toFixed(0)} ms (target < 300)    ${w < 300 ? "ok" : "MISSED"}`);
  console.log(`  baseline, reading and decoding every whole file: ${wholeMs.toFixed(0)} ms; the empty-index listing takes ${(e / wholeMs).toFixed(2)}x of it, the warm one ${(w / wholeMs).toFixed(3)}x`);
}

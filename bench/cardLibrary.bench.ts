// Lists a library of 2,000 PNG cards on a cold metadata cache, then on a warm one.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { placeholderPng, writePngCard } from "../src/core/cards/png.ts";
import { CardLibrary } from "../src/store/cards/library.ts";

const COUNT = 2000;

export default async function bench(): Promise<void> {
  const home = await mkdtemp(join(tmpdir(), "taproom-bench-cards-"));
  try {
    const dir = join(home, "characters");
    await mkdir(dir, { recursive: true });
    const image = placeholderPng({ size: 64 });
    for (let i = 0; i < COUNT; i++) {
      const data = {
        name: `Card ${i}`, description: `Description of card ${i}. `.repeat(20), personality: "steady", scenario: "a road",
        first_mes: `Hello from ${i}.`, mes_example: "", alternate_greetings: [], tags: ["bench"], extensions: {},
      };
      const v2 = JSON.stringify({ spec: "chara_card_v2", spec_version: "2.0", data });
      const v3 = JSON.stringify({ spec: "chara_card_v3", spec_version: "3.0", data: { ...data, group_only_greetings: [] } });
      await writeFile(join(dir, `card-${i}.png`), writePngCard(image, { chara: v2, ccv3: v3 }));
    }
    const options = { dir, bundledDir: null, indexPath: join(home, "cache", "card-index.json") };
    let start = performance.now();
    const cold = await new CardLibrary(options).list();
    const coldMs = performance.now() - start;
    start = performance.now();
    const warm = await new CardLibrary(options).list();
    const warmMs = performance.now() - start;
    if (cold.length !== COUNT || warm.length !== COUNT) throw new Error(`listed ${cold.length}/${warm.length} of ${COUNT}`);
    console.log(`${COUNT} PNG cards: cold list ${coldMs.toFixed(0)} ms, warm list ${warmMs.toFixed(0)} ms (each a new CardLibrary; the warm one reads the lowdb cache)`);
    console.log(`warm/cold ratio: ${(warmMs / coldMs).toFixed(3)} (cold is ${(coldMs / warmMs).toFixed(1)}x slower)`);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

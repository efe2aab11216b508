import { test } from "node:test";
import assert from "node:assert/strict";
import React from "react";
import { copyFile, mkdir, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { render } from "ink-testing-library";
import { LorebooksScreen } from "../../../src/ui/lorebooks/LorebooksScreen.tsx";
import { createLoreService } from "../../../src/app/lore.ts";
import type { BookShelf } from "../../../src/ui/app/tuiApp.ts";
import { CardLibrary } from "../../../src/store/cards/library.ts";
import { readCardFile } from "../../../src/store/cards/cardFiles.ts";
import { SAMPLE_LOREBOOKS_DIR } from "../../../src/store/lorebooks/lorebookFiles.ts";
import { imageChunks, placeholderPng, writePngCard } from "../../../src/core/cards/png.ts";
import { json, v2Card } from "../../support/cards.ts";
import { tick, until } from "../../support/frames.ts";

const ESC = "\x1b";
const DOWN = "\x1b[B";
const MAELIS = fileURLToPath(new URL("../../../characters/maelis-the-cartographer.json", import.meta.url));

/** A data directory with one PNG card of the user's carrying a book, a sample card (Maelis) with one, and the real services. */
async function setup() {
  const home = await mkdtemp(join(tmpdir(), "taproom-cardbook-ui-"));
  const samples = join(home, "samples");
  await mkdir(join(home, "characters"), { recursive: true });
  await mkdir(samples);
  await writeFile(join(home, "characters", "ilsa.png"), writePngCard(placeholderPng({ size: 8 }), { chara: json(v2Card()), ccv3: json({ ...v2Card(), spec: "chara_card_v3", spec_version: "3.0" }) }));
  await copyFile(MAELIS, join(samples, "maelis-the-cartographer.json"));
  const library = new CardLibrary({ dir: join(home, "characters"), indexPath: join(home, "cache", "index.json"), bundledDir: samples });
  const services = createLoreService({ env: { TAPROOM_HOME: home }, samplesDir: SAMPLE_LOREBOOKS_DIR, cardLibrary: library, settings: async () => ({ worldInfo: {}, globalLorebooks: [] }) });
  return { home, samples, library, services };
}

function mount(services: BookShelf) {
  return render(<LorebooksScreen services={services} color={false} rows={24} columns={100} onBack={() => {}} />);
}

async function press(stdin: { write(s: string): void }, ...keys: string[]) {
  for (const k of keys) {
    stdin.write(k);
    await tick(70);
  }
}

test("the book list shows each card's own book, marked as the card's; an edit is saved into the card file itself", async () => {
  const { home, services } = await setup();
  const path = join(home, "characters", "ilsa.png");
  const before = await readCardFile(path);
  const app = mount(services);
  const list = await until(app.lastFrame, (f) => f.includes("(card book)"), "the book list");
  assert.match(list, /The Copper Tankard\s+16 entries · sample/);
  assert.match(list, /Ilsa \(card book\)\s+2 entries · yours · PNG card\n/);
  assert.match(list, /Maelis \(card book\)\s+5 entries · sample · JSON card/);
  await tick();
  await press(app.stdin, DOWN, "\r");
  const book = await until(app.lastFrame, (f) => f.includes("Ilsa (card book) · 2 entries"), "the card's book");
  assert.match(book, /Ilsa \(card book\) · 2 entries · yours · saved in the PNG card/);
  assert.match(book, /#0 lamp/);
  // Title of entry #0, then save.
  await press(app.stdin, "\r");
  await until(app.lastFrame, (f) => f.includes("Entry #0"), "the entry editor");
  await press(app.stdin, "\r", "Lamp oil", "\r", ESC);
  await until(app.lastFrame, (f) => f.includes("#0 Lamp oil") && f.includes("modified"), "the edit in the book");
  await press(app.stdin, "s");
  await until(app.lastFrame, (f) => f.includes("Saved the book into Ilsa's card") && !f.includes("modified"), "saved");
  const after = await readCardFile(path);
  assert.equal(after.format, "png");
  const cb = after.card.character.character_book!;
  assert.equal(cb.entries[0]?.comment, "Lamp oil");
  assert.equal(cb.name, "Lamp lore", "the book keeps its own name inside the card");
  assert.deepEqual(cb.entries[1], before.card.character.character_book!.entries[1]);
  const { character_book: _a, modification_date: _m, ...rest } = after.card.character;
  const { character_book: _b, modification_date: _n, ...was } = before.card.character;
  assert.deepEqual(rest, was);
  assert.deepEqual(after.card.extraData, before.card.extraData);
  const hex = (b: Uint8Array) => imageChunks(b).map((c) => Buffer.from(c).toString("hex"));
  assert.deepEqual(hex(after.bytes), hex(before.image!), "the picture is untouched");
  await press(app.stdin, ESC);
  await until(app.lastFrame, (f) => /› Ilsa \(card book\)\s+2 entries/.test(f), "back on the list, on the card's book");
  app.unmount();
});

test("a sample card's book is read-only: saving offers the user's own copy of the card, which gets the edit", async () => {
  const { home, samples, services } = await setup();
  const sampleBytes = await readFile(join(samples, "maelis-the-cartographer.json"));
  const app = mount(services);
  await until(app.lastFrame, (f) => f.includes("Maelis (card book)"), "the book list");
  await tick();
  await press(app.stdin, DOWN, DOWN, "\r");
  await until(app.lastFrame, (f) => f.includes("Maelis (card book) · 5 entries · sample (read-only) · saved in the JSON card"), "the sample card's book");
  await press(app.stdin, DOWN, "d", "y");
  await until(app.lastFrame, (f) => f.includes("Deleted entry #2"), "an entry deleted");
  await press(app.stdin, "s");
  await until(app.lastFrame, (f) => f.includes("Maelis's card is a bundled sample and read-only. Save the book into your own copy of the card? y/n"), "the copy question");
  await press(app.stdin, "n");
  await until(app.lastFrame, (f) => f.includes("Not saved"), "nothing saved on n");
  assert.deepEqual(await readdir(join(home, "characters")), ["ilsa.png"]);
  await press(app.stdin, "s", "y");
  const saved = await until(app.lastFrame, (f) => f.includes("Saved the book into your copy of Maelis's card"), "saved into the copy");
  assert.match(saved, /Maelis \(card book\) · 4 entries · yours · saved in the JSON card/);
  assert.deepEqual(await readFile(join(samples, "maelis-the-cartographer.json")), sampleBytes, "the sample is never written");
  const copy = await readCardFile(join(home, "characters", "maelis.json"));
  assert.deepEqual(copy.card.character.character_book?.entries.map((e) => e.id), [1, 3, 4, 5]);
  assert.equal(copy.card.character.character_book?.name, "Saltmarsh Reaches");
  assert.equal(copy.card.character.description, (await readCardFile(join(samples, "maelis-the-cartographer.json"))).card.character.description);
  app.unmount();
});

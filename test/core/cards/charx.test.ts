import { test } from "node:test";
import assert from "node:assert/strict";
import { zipSync } from "fflate";
import { readCharx, writeCharx } from "../../../src/core/cards/charx.ts";
import { CardFormatError } from "../../../src/core/cards/errors.ts";
import { json, v3Card } from "../../support/cards.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const isCardError = (message: RegExp) => (e: unknown) => e instanceof CardFormatError && message.test(e.message);

test("writes and reads a CharX with card.json and assets", () => {
  const assets = new Map([["assets/icon/images/main.png", new Uint8Array([1, 2, 3])]]);
  const zip = writeCharx({ cardJson: json(v3Card()), assets });
  const back = readCharx(zip, "c.charx");
  assert.equal(JSON.parse(back.cardJson).data.name, "Ilsa Three");
  assert.deepEqual([...back.assets.entries()], [...assets.entries()]);
});

test("refuses zip slip paths", () => {
  for (const name of ["../evil.txt", "assets/../../evil", "/etc/passwd", "C:/x"]) {
    const zip = zipSync({ "card.json": enc(json(v3Card())), [name]: enc("x") });
    assert.throws(() => readCharx(zip, "slip.charx"), isCardError(/^slip\.charx: zip entry ".*" has an unsafe path/), name);
  }
});

test("refuses a zip bomb by its declared size", () => {
  const zip = zipSync({ "card.json": enc(json(v3Card())), "assets/big.bin": new Uint8Array(5_000_000) });
  assert.ok(zip.length < 20_000);
  assert.throws(() => readCharx(zip, "bomb.charx", { maxEntries: 10, maxTotalBytes: 1_000_000 }), isCardError(/^bomb\.charx: zip would unpack to \d+ bytes; the limit is 1000000$/));
});

test("refuses an entry that lies about its size", () => {
  const zip = zipSync({ "card.json": enc(json(v3Card())), "assets/big.bin": new Uint8Array(500_000).fill(7) });
  const view = new DataView(zip.buffer);
  for (let i = 0; i < zip.length - 4; i++) {
    const sig = view.getUint32(i, true);
    if (sig === 0x02014b50 && view.getUint32(i + 24, true) === 500_000) view.setUint32(i + 24, 100, true);
    if (sig === 0x04034b50 && view.getUint32(i + 22, true) === 500_000) view.setUint32(i + 22, 100, true);
  }
  assert.throws(() => readCharx(zip, "liar.charx"), isCardError(/^liar\.charx: zip entry "assets\/big\.bin" does not match its declared size or CRC/));
});

test("refuses too many entries, a missing card.json and non-zip bytes", () => {
  const many: Record<string, Uint8Array> = { "card.json": enc("{}") };
  for (let i = 0; i < 20; i++) many[`assets/${i}`] = enc("x");
  assert.throws(() => readCharx(zipSync(many), "many.charx", { maxEntries: 10, maxTotalBytes: 1e9 }), isCardError(/has 21 entries; the limit is 10/));
  assert.throws(() => readCharx(zipSync({ "x.json": enc("{}") }), "empty.charx"), isCardError(/no card\.json at its root/));
  assert.throws(() => readCharx(enc("PK not really a zip at all, no directory"), "junk.charx"), isCardError(/not a zip archive/));
});

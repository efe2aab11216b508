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

/** Rewrites the size an entry declares, in the central directory and the local header. */
function lieAboutSize(zip: Uint8Array, realSize: number, claimed: number): void {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  for (let i = 0; i < zip.length - 4; i++) {
    const sig = view.getUint32(i, true);
    if (sig === 0x02014b50 && view.getUint32(i + 24, true) === realSize) view.setUint32(i + 24, claimed, true);
    if (sig === 0x04034b50 && view.getUint32(i + 22, true) === realSize) view.setUint32(i + 22, claimed, true);
  }
}

test("a bomb that declares a small size is stopped while it inflates, under the total limit", () => {
  const real = 48 * 1024 * 1024;
  const zip = zipSync({ "card.json": enc(json(v3Card())), "assets/bomb.bin": new Uint8Array(real) });
  assert.ok(zip.length < 120_000, `compressed to ${zip.length}`);
  lieAboutSize(zip, real, 1000);
  const before = process.memoryUsage().arrayBuffers;
  assert.throws(() => readCharx(zip, "bomb.charx", { maxEntries: 10, maxTotalBytes: 1_000_000 }), isCardError(/^bomb\.charx: zip entry "assets\/bomb\.bin" does not match its declared size or CRC/));
  assert.ok(process.memoryUsage().arrayBuffers - before < real / 3, "the bomb was not inflated in full");
});

test("refuses duplicate names, encrypted entries and unknown compression methods", () => {
  const base = zipSync({ "card.json": enc(json(v3Card())), "assets/a.txt": enc("aaaa"), "assets/b.txt": enc("bbbb") }, { level: 0 });
  const patch = (edit: (view: DataView, central: number) => void) => {
    const zip = base.slice();
    const view = new DataView(zip.buffer);
    for (let i = 0; i < zip.length - 4; i++) if (view.getUint32(i, true) === 0x02014b50 && zip[i + 46 + 7] === 0x62) edit(view, i);
    return zip;
  };
  const dup = patch((view, at) => view.setUint8(at + 46 + 7, 0x61));
  assert.throws(() => readCharx(dup, "d.charx"), isCardError(/^d\.charx: zip has two entries named "assets\/a\.txt"$/));
  const encrypted = patch((view, at) => view.setUint16(at + 8, view.getUint16(at + 8, true) | 1, true));
  assert.throws(() => readCharx(encrypted, "e.charx"), isCardError(/^e\.charx: zip entry "assets\/b\.txt" is encrypted$/));
  const method = patch((view, at) => view.setUint16(at + 10, 12, true));
  assert.throws(() => readCharx(method, "m.charx"), isCardError(/^m\.charx: zip entry "assets\/b\.txt" uses compression method 12/));
});

test("stored and deflated entries both read back byte for byte", () => {
  const files = { "card.json": enc(json(v3Card())), "assets/x/notes.txt": enc("hello ".repeat(1000)), "assets/x/empty.bin": new Uint8Array(0) };
  for (const level of [0, 9] as const) {
    const back = readCharx(zipSync(files, { level }), "s.charx");
    assert.equal(JSON.parse(back.cardJson).data.name, "Ilsa Three");
    assert.deepEqual(Buffer.from(back.assets.get("assets/x/notes.txt")!).toString(), "hello ".repeat(1000));
    assert.equal(back.assets.get("assets/x/empty.bin")?.length, 0);
  }
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { zlibSync } from "fflate";
import { crc32, imageChunks, placeholderPng, readPngCardText, readPngChunks, writePngCard } from "../../../src/core/cards/png.ts";
import { CardFormatError } from "../../../src/core/cards/errors.ts";
import { decodeCardFile } from "../../../src/core/cards/codec.ts";
import { json, v2Card, v3Card } from "../../support/cards.ts";

const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(Buffer.from(type, "latin1"), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out, 4, 8 + data.length));
  return out;
}

/** A PNG with the given extra chunks inserted before IEND. */
function pngWith(...extra: Uint8Array[]): Uint8Array {
  const base = placeholderPng({ size: 4 });
  const iend = base.length - 12;
  return Buffer.concat([base.subarray(0, iend), ...extra, base.subarray(iend)]);
}

const tEXt = (keyword: string, text: string) => chunk("tEXt", Buffer.from(`${keyword}\0${text}`, "latin1"));

test("reads the chara chunk of a V2 PNG", () => {
  const png = pngWith(tEXt("chara", b64(json(v2Card()))));
  const found = readPngCardText(png, "a.png");
  assert.equal(found.keyword, "chara");
  assert.equal(JSON.parse(found.json).data.name, "Ilsa");
});

test("when both chunks exist, ccv3 wins whatever their order", () => {
  const png = pngWith(tEXt("ccv3", b64(json(v3Card()))), tEXt("chara", b64(json(v2Card()))));
  const found = readPngCardText(png, "a.png");
  assert.equal(found.keyword, "ccv3");
  assert.equal(JSON.parse(found.json).data.name, "Ilsa Three");
  assert.equal(decodeCardFile(png, "a.png").card.character.name, "Ilsa Three", "and an import reads the same");
});

test("reads card text from zTXt and iTXt chunks", () => {
  const payload = b64(json(v2Card()));
  const z = chunk("zTXt", Buffer.concat([Buffer.from("chara\0\0", "latin1"), zlibSync(Buffer.from(payload))]));
  assert.equal(JSON.parse(readPngCardText(pngWith(z), "z.png").json).data.name, "Ilsa");
  const i = chunk("iTXt", Buffer.concat([Buffer.from("chara\0\x01\0en\0\0", "latin1"), zlibSync(Buffer.from(payload))]));
  assert.equal(JSON.parse(readPngCardText(pngWith(i), "i.png").json).data.name, "Ilsa");
});

test("non-ASCII card text survives base64", () => {
  const card = v2Card({ name: "Zoë 🍺" });
  const written = writePngCard(placeholderPng(), { chara: json(card), ccv3: json(card) });
  assert.equal(JSON.parse(readPngCardText(written, "u.png").json).data.name, "Zoë 🍺");
});

test("PNG without a card chunk, bad base64 and bad signature give clear errors", () => {
  const cases: [Uint8Array, RegExp][] = [
    [placeholderPng(), /^plain\.png: PNG has no character card in it/],
    [pngWith(tEXt("chara", "@@@ not base64 @@@")), /^plain\.png: the "chara" chunk is not base64$/],
    [Buffer.from("GIF89a....."), /^plain\.png: not a PNG file/],
  ];
  for (const [bytes, message] of cases) {
    assert.throws(() => readPngCardText(bytes, "plain.png"), (e: unknown) => e instanceof CardFormatError && message.test(e.message));
  }
  for (const [bytes, message] of cases.slice(0, 2)) {
    assert.throws(() => decodeCardFile(bytes, "plain.png"), (e: unknown) => e instanceof CardFormatError && message.test(e.message), "an import says the same");
  }
});

test("a damaged chunk fails its CRC check with a clear error", () => {
  const png = pngWith(tEXt("chara", b64(json(v2Card()))));
  png[png.length - 20] = png[png.length - 20]! ^ 0xff;
  assert.throws(() => readPngChunks(png, "bad.png"), /^CardFormatError: bad\.png: PNG chunk tEXt at byte \d+ has a bad CRC/);
});

test("writing replaces old card chunks and keeps every image chunk byte for byte", () => {
  const original = pngWith(tEXt("chara", b64("old")), tEXt("Comment", "keep me"), tEXt("ccv3", b64("old3")));
  const written = writePngCard(original, { chara: json(v2Card()), ccv3: json(v3Card()) });
  const hex = (cs: Uint8Array[]) => cs.map((c) => Buffer.from(c).toString("hex"));
  assert.deepEqual(hex(imageChunks(written)), hex(imageChunks(original)));
  const texts = readPngChunks(written, "w.png").filter((c) => c.type === "tEXt").map((c) => Buffer.from(c.data).toString("latin1").split("\0")[0]);
  assert.deepEqual(texts, ["Comment", "chara", "ccv3"]);
  assert.equal(readPngCardText(written, "w.png").keyword, "ccv3");
});

test("a compressed text chunk that inflates past 32 MB is refused before it fills memory", () => {
  const real = 48 * 1024 * 1024;
  const bomb = chunk("zTXt", Buffer.concat([Buffer.from("chara\0\0", "latin1"), zlibSync(new Uint8Array(real).fill(0x41), { level: 9 })]));
  const png = pngWith(bomb);
  assert.ok(png.length < 200_000, `the file is small: ${png.length}`);
  // The message comes only from the bounded inflater, which stops mid-stream (see the CharX bomb test).
  assert.throws(() => readPngCardText(png, "bomb.png"), (e: unknown) => e instanceof CardFormatError && /^bomb\.png: compressed text chunk "chara" inflates to more than 33554432 bytes; refused$/.test(e.message));
});

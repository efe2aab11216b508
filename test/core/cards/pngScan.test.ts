import { test } from "node:test";
import assert from "node:assert/strict";
import { crc32, readPngCardChunks, scanPngCardChunks, type ByteReader } from "../../../src/core/cards/png.ts";
import { parsePngCardChunks } from "../../../src/core/cards/codec.ts";
import { CardFormatError } from "../../../src/core/cards/errors.ts";
import { json, v2Card, v3Card } from "../../support/cards.ts";

const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");
const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, "latin1");
  out.set(data, 8);
  out.writeUInt32BE(crc32(out, 4, 8 + data.length), 8 + data.length);
  return out;
}

const tEXt = (keyword: string, text: string) => chunk("tEXt", Buffer.from(`${keyword}\0${text}`, "latin1"));
const ihdr = chunk("IHDR", Buffer.from([0, 0, 1, 0, 0, 0, 1, 0, 8, 2, 0, 0, 0]));
const iend = chunk("IEND", new Uint8Array(0));
/** A picture's worth of IDAT chunks (the bytes need not inflate: nothing here decodes them). */
const picture = (chunks: number, size = 8192) => Array.from({ length: chunks }, (_, i) => chunk("IDAT", new Uint8Array(size).fill(i)));

/** Reads from a buffer, counting the bytes asked for inside the picture's data. */
function countingReader(png: Buffer) {
  const idat: [number, number][] = [];
  for (let pos = 8; pos < png.length; pos += 12 + png.readUInt32BE(pos)) {
    if (png.toString("latin1", pos + 4, pos + 8) === "IDAT") idat.push([pos + 8, pos + 8 + png.readUInt32BE(pos)]);
  }
  let pictureBytes = 0;
  const read: ByteReader = (position, length) => {
    for (const [start, end] of idat) pictureBytes += Math.max(0, Math.min(end, position + length) - Math.max(start, position));
    return png.subarray(position, position + length);
  };
  return { read, pictureBytes: () => pictureBytes };
}

const v2 = tEXt("chara", b64(json(v2Card())));
const v3 = tEXt("ccv3", b64(json(v3Card())));

test("the scan finds the same card chunks as reading the whole file, with the text before or after the picture", () => {
  for (const png of [
    Buffer.concat([SIGNATURE, ihdr, v2, v3, ...picture(40), iend]),
    Buffer.concat([SIGNATURE, ihdr, ...picture(40), v2, v3, iend]),
    Buffer.concat([SIGNATURE, ihdr, v3, ...picture(40), v2, iend]),
    Buffer.concat([SIGNATURE, ihdr, ...picture(3), v2, iend]),
  ]) {
    const scanned = scanPngCardChunks(countingReader(png).read, png.length, "a.png");
    assert.deepEqual(scanned, readPngCardChunks(png, "a.png"));
    assert.equal(parsePngCardChunks(scanned, "a.png").card.character.name, parsePngCardChunks(readPngCardChunks(png, "a.png"), "a.png").card.character.name);
  }
});

test("the scan reads chunk headers, not the picture: at most a few bytes of each image chunk", () => {
  const after = Buffer.concat([SIGNATURE, ihdr, ...picture(128), v2, v3, iend]);
  const reader = countingReader(after);
  scanPngCardChunks(reader.read, after.length, "a.png");
  assert.ok(reader.pictureBytes() <= 128 * 6, `read ${reader.pictureBytes()} bytes of a 1 MiB picture`);
  // With the text first the scan stops there, before the picture.
  const before = Buffer.concat([SIGNATURE, ihdr, v2, v3, ...picture(128), iend]);
  const first = countingReader(before);
  scanPngCardChunks(first.read, before.length, "a.png");
  assert.equal(first.pictureBytes(), 0);
});

test("other text chunks are passed over by their keyword; a later card chunk of the same keyword does not replace the first", () => {
  const png = Buffer.concat([SIGNATURE, ihdr, tEXt("Software", "paint"), tEXt("chara-ext-asset_:a.png", "AAAA"), tEXt("charapter", "x"), v2, ...picture(2), tEXt("chara", b64("{}")), iend]);
  const scanned = scanPngCardChunks(countingReader(png).read, png.length, "a.png");
  assert.deepEqual([...scanned.keys()], ["chara"]);
  assert.equal(parsePngCardChunks(scanned, "a.png").card.character.name, "Ilsa");
});

test("a damaged card chunk fails its CRC check; damage in the picture is not looked for", () => {
  const damagedText = Buffer.concat([SIGNATURE, ihdr, ...picture(2), v2, iend]);
  damagedText[damagedText.length - 12 - v2.length + 20]! ^= 0xff;
  assert.throws(() => scanPngCardChunks(countingReader(damagedText).read, damagedText.length, "a.png"), (e: Error) => e instanceof CardFormatError && /a\.png: PNG chunk tEXt at byte \d+ has a bad CRC/.test(e.message));
  const damagedPicture = Buffer.concat([SIGNATURE, ihdr, ...picture(2), v2, iend]);
  damagedPicture[8 + ihdr.length + 100]! ^= 0xff;
  assert.equal(scanPngCardChunks(countingReader(damagedPicture).read, damagedPicture.length, "a.png").size, 1);
});

test("a truncated file, a chunk longer than the file and a file that is no PNG give clear errors", () => {
  const whole = Buffer.concat([SIGNATURE, ihdr, ...picture(2), v2, iend]);
  const cut = whole.subarray(0, 8 + ihdr.length + 9000);
  assert.throws(() => scanPngCardChunks(countingReader(cut).read, cut.length, "a.png"), /a\.png: PNG chunk at byte \d+ runs past the end of the file/);
  const ragged = whole.subarray(0, 8 + ihdr.length + 5);
  assert.throws(() => scanPngCardChunks(countingReader(ragged).read, ragged.length, "a.png"), /a\.png: PNG truncated at byte/);
  const text = Buffer.from("{\"name\": \"x\"}");
  assert.throws(() => scanPngCardChunks(countingReader(text).read, text.length, "b.png"), /b\.png: not a PNG file/);
});

test("a PNG without card chunks scans to its end and says so when parsed", () => {
  const png = Buffer.concat([SIGNATURE, ihdr, ...picture(2), iend]);
  const scanned = scanPngCardChunks(countingReader(png).read, png.length, "a.png");
  assert.equal(scanned.size, 0);
  assert.throws(() => parsePngCardChunks(scanned, "a.png"), /no character card in it/);
});

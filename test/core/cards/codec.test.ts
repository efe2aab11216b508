import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeCardFile, encodeCardFile, exportLosses, MAX_CARD_FILE_BYTES, type CardExportFormat } from "../../../src/core/cards/codec.ts";
import { CardFormatError } from "../../../src/core/cards/errors.ts";
import { imageChunks, placeholderPng, writePngCard } from "../../../src/core/cards/png.ts";
import { insertTextChunk } from "../../support/pngChunks.ts";
import { lintCard } from "../../../src/core/cards/lint.ts";
import { writeCharx } from "../../../src/core/cards/charx.ts";
import { bytesOf, json, v1Card, v2Card, v3Card } from "../../support/cards.ts";

const hex = (cs: Uint8Array[]) => cs.map((c) => Buffer.from(c).toString("hex"));

test("each format re-reads equal after writing in the same format", () => {
  const files = [
    decodeCardFile(bytesOf(json(v1Card())), "v1.json"),
    decodeCardFile(bytesOf(json(v2Card({}, { avatar: "none" }))), "v2.json"),
    decodeCardFile(bytesOf(json(v3Card())), "v3.json"),
    decodeCardFile(writePngCard(placeholderPng({ size: 8 }), { chara: json(v2Card()), ccv3: json(v3Card()) }), "v3.png"),
    decodeCardFile(writeCharx({ cardJson: json(v3Card()), assets: new Map([["assets/icon/images/a.png", placeholderPng()]]) }), "c.charx"),
  ];
  for (const file of files) {
    const again = decodeCardFile(encodeCardFile(file, "same"), "again");
    assert.equal(again.format, file.format);
    assert.deepEqual(again.card, file.card, file.format);
    assert.deepEqual(again.assets, file.assets);
  }
});

test("PNG export onto the card's own image keeps the image; V3 PNG re-imports equal", () => {
  const image = placeholderPng({ size: 16, rgb: [1, 2, 3] });
  const file = decodeCardFile(writePngCard(image, { chara: json(v2Card()), ccv3: json(v3Card()) }), "a.png");
  const out = encodeCardFile(file, "png");
  assert.deepEqual(hex(imageChunks(out)), hex(imageChunks(image)));
  assert.deepEqual(decodeCardFile(out, "b.png").card, file.card);
});

test("a JSON card exported as PNG gets a placeholder image and reads back equal", () => {
  const file = decodeCardFile(bytesOf(json(v2Card())), "v2.json");
  const png = decodeCardFile(encodeCardFile(file, "png"), "out.png");
  assert.equal(png.format, "png");
  assert.deepEqual(png.card.character, file.card.character);
});

test("conversions between formats keep the character", () => {
  const file = decodeCardFile(bytesOf(json(v3Card())), "v3.json");
  for (const format of ["png", "json", "charx", "v2json"] as CardExportFormat[]) {
    const back = decodeCardFile(encodeCardFile(file, format), `out.${format}`);
    assert.deepEqual(back.card.character, file.card.character, format);
    assert.deepEqual(back.card.extraData, file.card.extraData, format);
  }
});

test("a 50 MB file is refused before parsing", () => {
  const big = new Uint8Array(50 * 1024 * 1024);
  assert.ok(big.length > MAX_CARD_FILE_BYTES);
  assert.throws(() => decodeCardFile(big, "huge.png"), (e: unknown) => e instanceof CardFormatError && /^huge\.png: file is 50\.0 MB; card files over 32\.0 MB are refused$/.test(e.message));
});

test("text that is not a card is refused clearly", () => {
  assert.throws(() => decodeCardFile(bytesOf("hello there"), "notes.txt"), (e: unknown) => e instanceof CardFormatError && /^notes\.txt: not a character card/.test(e.message));
  assert.throws(() => decodeCardFile(new Uint8Array([0xff, 0xfe, 0x00, 0x81]), "x.bin"), (e: unknown) => e instanceof CardFormatError && /^x\.bin: not a character card/.test(e.message));
});

test("bad JSON inside a PNG chunk names the file and the chunk", () => {
  const png = writePngCard(placeholderPng(), { chara: "{broken", ccv3: "{broken" });
  assert.throws(() => decodeCardFile(writePngCard(placeholderPng(), { chara: "[1]", ccv3: "[1]" }).slice(), "arr.png"), /arr\.png \(ccv3 chunk\): not a character card/);
  assert.throws(() => decodeCardFile(png, "b.png"), (e: unknown) => e instanceof CardFormatError && /^b\.png \(ccv3 chunk\): not valid JSON/.test(e.message));
});

test("a broken ccv3 chunk beside a good chara chunk falls back to chara with a warning", () => {
  const png = writePngCard(placeholderPng(), { chara: json(v2Card()), ccv3: "{broken" });
  const file = decodeCardFile(png, "mixed.png");
  assert.equal(file.card.character.name, "Ilsa");
  assert.match(file.warnings[0]?.message ?? "", /^mixed\.png \(ccv3 chunk\): not valid JSON.*; used the chara chunk instead$/);
});

test("PNG -> CharX keeps the picture as the main icon; CharX -> PNG uses it as the image", () => {
  const image = placeholderPng({ size: 12, rgb: [9, 9, 9] });
  const png = decodeCardFile(writePngCard(image, { chara: json(v2Card()), ccv3: json(v3Card()) }), "a.png");
  const charx = decodeCardFile(encodeCardFile(png, "charx"), "a.charx");
  assert.equal(charx.card.character.assets?.[0]?.uri, "embeded://assets/icon/images/main.png");
  assert.deepEqual(Buffer.from(charx.assets!.get("assets/icon/images/main.png")!), Buffer.from(image));
  const back = decodeCardFile(encodeCardFile(charx, "png"), "b.png");
  assert.deepEqual(hex(imageChunks(back.image!)), hex(imageChunks(image)));
  assert.deepEqual(back.card.character, png.card.character);
});

test("an export says what its format cannot carry", () => {
  const assets = new Map([["assets/icon/images/main.png", placeholderPng()], ["assets/emotion/images/happy.png", placeholderPng({ size: 2 })]]);
  const charx = decodeCardFile(writeCharx({ cardJson: json(v3Card({ assets: [{ type: "icon", uri: "embeded://assets/icon/images/main.png", name: "main", ext: "png" }] })), assets }), "c.charx");
  assert.deepEqual(exportLosses(charx, "charx"), []);
  assert.deepEqual(exportLosses(charx, "png"), ["1 archive file (assets/emotion/images/happy.png) can only travel in a CharX"], "the icon becomes the picture");
  assert.deepEqual(exportLosses(charx, "json"), ["2 archive files (assets/icon/images/main.png, assets/emotion/images/happy.png) can only travel in a CharX"]);
  const png = decodeCardFile(writePngCard(placeholderPng(), { chara: json(v2Card()), ccv3: json(v3Card()) }), "a.png");
  assert.deepEqual(exportLosses(png, "png"), []);
  assert.deepEqual(exportLosses(png, "v2json"), ["the card's picture is not carried by JSON"]);
});

test("assets a PNG holds in chara-ext-asset_ chunks (CCv3 __asset: URIs) are kept, and move into a CharX with embeded:// URIs", () => {
  const happy = placeholderPng({ size: 2, rgb: [250, 200, 0] });
  const assets = [
    { type: "icon", uri: "ccdefault:", name: "main", ext: "png" },
    { type: "emotion", uri: "__asset:0", name: "happy", ext: "png" },
  ];
  const card = writePngCard(placeholderPng({ size: 8 }), { chara: json(v2Card()), ccv3: json(v3Card({ assets })) });
  const png = decodeCardFile(insertTextChunk(card, "chara-ext-asset_:0", Buffer.from(happy).toString("base64")), "risu.png");
  assert.deepEqual(Buffer.from(png.pngAssets!.get("0")!), Buffer.from(happy));
  const again = decodeCardFile(encodeCardFile(png, "png"), "again.png");
  assert.deepEqual(Buffer.from(again.pngAssets!.get("0")!), Buffer.from(happy), "a PNG written back keeps the asset chunk");
  assert.deepEqual(exportLosses(png, "charx"), []);
  assert.deepEqual(exportLosses(png, "json"), ["the card's picture is not carried by JSON", "1 asset held in the PNG (0) can only travel in a PNG or a CharX"]);
  const charx = decodeCardFile(encodeCardFile(png, "charx"), "risu.charx");
  assert.deepEqual(charx.card.character.assets?.map((a) => a.uri), ["embeded://assets/icon/images/main.png", "embeded://assets/emotion/images/0.png"]);
  assert.deepEqual(Buffer.from(charx.assets!.get("assets/emotion/images/0.png")!), Buffer.from(happy));
  assert.doesNotMatch(Buffer.from(charx.assets!.get("assets/icon/images/main.png")!).toString("latin1"), /chara-ext-asset_|ccv3|chara\0/, "the icon is the bare picture");
  assert.deepEqual(lintCard(png.card, [], { pngAssets: new Set(png.pngAssets!.keys()) }).filter((f) => f.field.startsWith("assets")), []);
  const missing = lintCard(png.card, [], { pngAssets: new Set() }).find((f) => f.field === "assets[1].uri");
  assert.equal(missing?.level, "error");
  assert.equal(missing?.message, '"__asset:0" has no chara-ext-asset_:0 chunk in this PNG');
});

test("a card's regex scripts (SillyTavern's extensions.regex_scripts) survive every format as they came, and read as scripts", async () => {
  const { cardRegexScripts } = await import("../../../src/core/regexScripts/index.ts");
  const regex_scripts = [
    { id: "a1", scriptName: "Status", findRegex: "/<status>.*?<\\/status>/gs", replaceString: "", trimStrings: ["x"], placement: [2], disabled: false, markdownOnly: false, promptOnly: true, runOnEdit: false, substituteRegex: 0, minDepth: 2, maxDepth: null, future_key: { kept: true } },
    { scriptName: "Old", findRegex: "Sam", replaceString: "[you]", placement: [1, 2], substituteRegex: true },
  ];
  const card = v2Card({ extensions: { regex_scripts, talkativeness: "0.5" } });
  const file = decodeCardFile(bytesOf(json(card)), "scripts.json");
  for (const format of ["same", "png", "json", "charx", "v2json"] as CardExportFormat[]) {
    const again = decodeCardFile(encodeCardFile(file, format), `again.${format}`);
    assert.deepEqual(again.card.character.extensions.regex_scripts, regex_scripts, format);
  }
  assert.deepEqual(cardRegexScripts(file.card.character.extensions).scripts.map((s) => [s.scriptName, s.substituteRegex, s.placement]), [["Status", 0, [2]], ["Old", 1, [1, 2]]]);
});

import { readCharx, writeCharx, embeddedPath, EMBEDDED_PREFIX } from "./charx.ts";
import { CardFormatError, type CardWarning } from "./errors.ts";
import { parseCardJson, type ParsedCard } from "./parse.ts";
import { decodeBase64Utf8, imageWithoutCard, isPng, placeholderPng, PNG_ASSET_URI, readPngAssetChunks, readPngCardChunks, writePngCard } from "./png.ts";
import type { CharacterCard } from "./record.ts";
import type { CharacterAsset } from "./character.ts";
import { writeCardJsonSameSpec, writeV2Json, writeV3Json } from "./write.ts";

export type CardFileFormat = "png" | "json" | "charx";
export type CardExportFormat = "png" | "json" | "charx" | "v2json";

/** Card files larger than this are refused before any parsing. */
export const MAX_CARD_FILE_BYTES = 32 * 1024 * 1024;

/** A card together with what its file carried besides the JSON. */
export interface CardFile {
  card: CharacterCard;
  format: CardFileFormat;
  warnings: CardWarning[];
  /** The PNG the card was read from (card chunks included; they are replaced on write). */
  image?: Uint8Array;
  /** CharX files other than card.json, keyed by archive path. */
  assets?: Map<string, Uint8Array>;
  /** Assets a PNG holds in its own `chara-ext-asset_:` chunks (reached by `__asset:` URIs), keyed by path. */
  pngAssets?: Map<string, Uint8Array>;
  /** Only when decoded with collectRefusals (for lint): the fields that would refuse the card. */
  refusals?: CardWarning[];
}

export interface DecodeCardOptions {
  /** See ParseCardOptions.collectRefusals. */
  collectRefusals?: boolean;
}

export function checkCardSize(size: number, source: string): void {
  if (size > MAX_CARD_FILE_BYTES) {
    const mb = (n: number) => (n / (1024 * 1024)).toFixed(1);
    throw new CardFormatError(source, `file is ${mb(size)} MB; card files over ${mb(MAX_CARD_FILE_BYTES)} MB are refused`);
  }
}

function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5);
}

/** Reads a card from file bytes of any supported kind (PNG, CharX, JSON). */
export function decodeCardFile(bytes: Uint8Array, source: string, options: DecodeCardOptions = {}): CardFile {
  checkCardSize(bytes.length, source);
  const collect = options.collectRefusals ? { collectRefusals: true } : {};
  const refusals = (parsed: ParsedCard) => (parsed.refusals ? { refusals: parsed.refusals } : {});
  if (isPng(bytes)) return decodePng(bytes, source, collect);
  if (isZip(bytes)) {
    const { cardJson, assets } = readCharx(bytes, source);
    const parsed = parseCardJson(cardJson, { source: `${source} (card.json)`, ...collect });
    return { card: parsed.card, warnings: parsed.warnings, format: "charx", assets, ...refusals(parsed) };
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new CardFormatError(source, "not a character card (neither PNG, CharX nor UTF-8 JSON)");
  }
  if (!/^\s*[{[]/.test(text.replace(/^\ufeff/, ""))) {
    throw new CardFormatError(source, "not a character card (neither PNG, CharX nor JSON)");
  }
  const parsed = parseCardJson(text, { source, ...collect });
  return { card: parsed.card, warnings: parsed.warnings, format: "json", ...refusals(parsed) };
}

/** A PNG card: the card in its card chunks, and the assets it keeps in chunks of its own. */
function decodePng(bytes: Uint8Array, source: string, collect: { collectRefusals?: boolean }): CardFile {
  const parsed = parsePngCardChunks(readPngCardChunks(bytes, source), source, collect);
  const pngAssets = readPngAssetChunks(bytes, source);
  return {
    card: parsed.card,
    warnings: parsed.warnings,
    format: "png",
    image: bytes,
    ...(pngAssets.size > 0 && { pngAssets }),
    ...(parsed.refusals ? { refusals: parsed.refusals } : {}),
  };
}

/**
 * The card in a PNG's card chunks (their raw base64 text, as readPngCardChunks gives
 * them): ccv3 wins; a broken ccv3 beside a good chara chunk falls back to chara with a warning.
 */
export function parsePngCardChunks(chunks: ReadonlyMap<"ccv3" | "chara", string>, source: string, collect: { collectRefusals?: boolean } = {}): ParsedCard {
  const read = (keyword: "ccv3" | "chara") => {
    const json = decodeBase64Utf8(chunks.get(keyword)!, source, keyword);
    return parseCardJson(json, { source: `${source} (${keyword} chunk)`, ...collect });
  };
  if (chunks.size === 0) throw new CardFormatError(source, "PNG has no character card in it (no chara or ccv3 text chunk)");
  let parsed: ParsedCard;
  if (!chunks.has("ccv3")) parsed = read("chara");
  else if (!chunks.has("chara")) parsed = read("ccv3");
  else {
    try {
      parsed = read("ccv3");
    } catch (error) {
      if (!(error instanceof CardFormatError)) throw error;
      try {
        parsed = read("chara");
      } catch {
        throw error;
      }
      parsed.warnings.unshift({ field: "ccv3", message: `${error.message}; used the chara chunk instead` });
    }
  }
  return parsed;
}

function iconFromAssets(file: CardFile): { uri: string; data: Uint8Array } | undefined {
  for (const asset of file.card.character.assets ?? []) {
    const path = embeddedPath(asset.uri);
    const data = path ? file.assets?.get(path) : undefined;
    if (asset.type === "icon" && data && isPng(data)) return { uri: asset.uri, data };
  }
  return undefined;
}

function withAssets(card: CharacterCard, map: (a: CharacterAsset) => CharacterAsset, extra: CharacterAsset[] = []): CharacterCard {
  const assets = [...(card.character.assets ?? []).map(map), ...extra];
  return { ...card, character: { ...card.character, assets } };
}

const PNG_ICON_PATH = "assets/icon/images/main.png";
const MEDIA_DIRS: [RegExp, string][] = [
  [/^(png|apng|jpe?g|webp|gif|avif|bmp)$/, "images"],
  [/^(mp3|wav|ogg|opus|flac|m4a)$/, "audio"],
  [/^(mp4|webm|mov|mkv)$/, "video"],
];

/** Where a PNG-held asset goes in a CharX: `assets/{type}/{images|audio|video|other}/{name}`, as the spec lays out. */
function archivePathFor(path: string, asset: CharacterAsset | undefined, taken: Set<string>): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, "_").replace(/^\.+/, "_") || "_";
  const ext = /^[a-z0-9]{1,8}$/.test(asset?.ext ?? "") && asset?.ext !== "unknown" ? asset!.ext : "";
  const dir = MEDIA_DIRS.find(([re]) => re.test(ext))?.[1] ?? "other";
  let base = safe(path.split("/").pop() ?? "");
  if (ext && !base.toLowerCase().endsWith(`.${ext}`)) base += `.${ext}`;
  const folder = `assets/${safe(asset?.type ?? "other")}/${dir}`;
  let candidate = `${folder}/${base}`;
  for (let n = 2; taken.has(candidate); n++) candidate = `${folder}/${n}-${base}`;
  taken.add(candidate);
  return candidate;
}

/** PNG-held assets move into the archive, their `__asset:` URIs becoming `embeded://` ones. */
function movePngAssets(file: CardFile, assets: Map<string, Uint8Array>): CharacterCard {
  if (!file.pngAssets) return file.card;
  const taken = new Set([...assets.keys(), PNG_ICON_PATH]);
  const moved = new Map<string, string>();
  for (const [path, data] of file.pngAssets) {
    const uri = `${PNG_ASSET_URI}${path}`;
    const target = archivePathFor(path, file.card.character.assets?.find((a) => a.uri === uri), taken);
    assets.set(target, data);
    moved.set(uri, `${EMBEDDED_PREFIX}${target}`);
  }
  return withAssets(file.card, (a) => ({ ...a, uri: moved.get(a.uri) ?? a.uri }));
}

/** A PNG card's own image goes into the archive as its main icon, so the picture is not lost. */
function encodeCharx(file: CardFile): Uint8Array {
  const assets = new Map(file.assets ?? []);
  let card = movePngAssets(file, assets);
  const mainIcon = (card.character.assets ?? []).some((a) => a.type === "icon" && a.name === "main" && a.uri !== "ccdefault:");
  if (file.image && !iconFromAssets(file) && !mainIcon && !assets.has(PNG_ICON_PATH)) {
    const uri = `embeded://${PNG_ICON_PATH}`;
    const hadDefault = (card.character.assets ?? []).some((a) => a.uri === "ccdefault:");
    const icon: CharacterAsset = { type: "icon", uri, name: "main", ext: "png" };
    card = withAssets(card, (a) => (a.uri === "ccdefault:" ? { ...a, uri } : a), hadDefault ? [] : [icon]);
    assets.set(PNG_ICON_PATH, imageWithoutCard(file.image));
  }
  return writeCharx({ cardJson: writeV3Json(card), assets });
}

/** Encodes a card for writing; `same` keeps the card's own file format and spec. */
export function encodeCardFile(file: CardFile, format: CardExportFormat | "same"): Uint8Array {
  const encoder = new TextEncoder();
  const target = format === "same" ? file.format : format;
  switch (target) {
    case "png": {
      if (file.image) return writePngCard(file.image, { chara: writeV2Json(file.card), ccv3: writeV3Json(file.card) });
      const icon = iconFromAssets(file);
      const card = icon ? withAssets(file.card, (a) => (a.uri === icon.uri ? { ...a, uri: "ccdefault:" } : a)) : file.card;
      return writePngCard(icon?.data ?? placeholderPng(), { chara: writeV2Json(card), ccv3: writeV3Json(card) });
    }
    case "charx":
      return encodeCharx(file);
    case "v2json":
      return encoder.encode(writeV2Json(file.card));
    case "json":
      return encoder.encode(format === "same" ? writeCardJsonSameSpec(file.card) : writeV3Json(file.card));
  }
}

/**
 * What a file in `format` cannot carry from this card, one line each, so that an export
 * which drops something says so.
 */
export function exportLosses(file: CardFile, format: CardExportFormat): string[] {
  const losses: string[] = [];
  const icon = iconFromAssets(file);
  if (format !== "charx") {
    const dropped = [...(file.assets?.keys() ?? [])].filter((path) => !(format === "png" && !file.image && icon && `embeded://${path}` === icon.uri));
    if (dropped.length > 0) losses.push(`${dropped.length} archive file${dropped.length === 1 ? "" : "s"} (${dropped.join(", ")}) can only travel in a CharX`);
  }
  if ((format === "json" || format === "v2json") && file.image) losses.push("the card's picture is not carried by JSON");
  const held = [...(file.pngAssets?.keys() ?? [])];
  if ((format === "json" || format === "v2json") && held.length > 0) {
    losses.push(`${held.length} asset${held.length === 1 ? "" : "s"} held in the PNG (${held.join(", ")}) can only travel in a PNG or a CharX`);
  }
  return losses;
}

export function extensionFor(format: CardExportFormat | CardFileFormat): string {
  return format === "png" ? ".png" : format === "charx" ? ".charx" : ".json";
}

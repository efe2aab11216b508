export type { Character, CharacterAsset, CharacterBook, CharacterBookEntry } from "./character.ts";
export { CardFormatError, type CardWarning } from "./errors.ts";
export type { CardSpec, CharacterCard } from "./record.ts";
export { parseCardJson, parseCardObject, type ParseCardOptions, type ParsedCard } from "./parse.ts";
export { toV1Object, toV2Object, toV3Object, writeV1Json, writeV2Json, writeV3Json, writeCardJsonSameSpec } from "./write.ts";
export { lintCard, type LintFinding, type LintOptions } from "./lint.ts";
export { readPngChunks, readPngCardText, writePngCard, placeholderPng, imageChunks, crc32, isPng } from "./png.ts";
export { readCharx, writeCharx, embeddedPath, DEFAULT_CHARX_LIMITS, type CharxContents, type CharxLimits } from "./charx.ts";
export {
  decodeCardFile, encodeCardFile, checkCardSize, extensionFor, MAX_CARD_FILE_BYTES,
  type CardFile, type CardFileFormat, type CardExportFormat,
} from "./codec.ts";
export { searchCards, sortCards, parseCardQuery, type CardListing, type CardQuery, type CardSort } from "./browse.ts";
export {
  applyCharacterEdits, EDITABLE_TEXT_FIELDS, EDITABLE_LIST_FIELDS,
  type CharacterEdits, type EditableTextField, type EditableListField,
} from "./edit.ts";

import type { Character } from "./character.ts";
import { V1_FIELDS, type CharacterCard } from "./record.ts";

function dataObject(c: Character, extraData: Record<string, unknown>): Record<string, unknown> {
  const data: Record<string, unknown> = { ...extraData };
  for (const [key, value] of Object.entries(c)) if (value !== undefined) data[key] = value;
  return data;
}

function v1Mirror(c: Character): Record<string, string> {
  return Object.fromEntries(V1_FIELDS.map((f) => [f, c[f]]));
}

/** The V2 object: `data` holds every field; V1 fields are mirrored at the top for old readers. */
export function toV2Object(card: CharacterCard): Record<string, unknown> {
  const { group_only_greetings, ...rest } = card.character;
  const c: Character = group_only_greetings && group_only_greetings.length > 0 ? card.character : rest;
  return {
    ...card.extraTop,
    ...v1Mirror(card.character),
    spec: "chara_card_v2",
    spec_version: "2.0",
    data: dataObject(c, card.extraData),
  };
}

export function toV3Object(card: CharacterCard): Record<string, unknown> {
  const c = card.character;
  return {
    ...card.extraTop,
    spec: "chara_card_v3",
    spec_version: "3.0",
    data: dataObject({ ...c, group_only_greetings: c.group_only_greetings ?? [] }, card.extraData),
  };
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === "object" && value !== null && Object.keys(value).length === 0;
}

/**
 * A flat TavernAI V1 object. V1 has no place for the newer fields, but V1 files found in
 * the wild carry some of them flat (tags, creator, extensions); those are written flat too
 * when set, so a V1 card read and written back keeps them.
 */
export function toV1Object(card: CharacterCard): Record<string, unknown> {
  const flat: Record<string, unknown> = { ...card.extraTop, ...v1Mirror(card.character) };
  for (const [key, value] of Object.entries(card.character)) {
    if (!(key in flat) && !isEmpty(value)) flat[key] = value;
  }
  return flat;
}

export function writeV2Json(card: CharacterCard): string {
  return JSON.stringify(toV2Object(card), null, 2) + "\n";
}

export function writeV3Json(card: CharacterCard): string {
  return JSON.stringify(toV3Object(card), null, 2) + "\n";
}

export function writeV1Json(card: CharacterCard): string {
  return JSON.stringify(toV1Object(card), null, 2) + "\n";
}

/** Writes JSON in the card's own spec (V1 stays V1, V3 stays V3, anything else V2). */
export function writeCardJsonSameSpec(card: CharacterCard): string {
  if (card.spec === "v1") return writeV1Json(card);
  return card.spec === "v3" ? writeV3Json(card) : writeV2Json(card);
}

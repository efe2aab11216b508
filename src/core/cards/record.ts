import type { Character } from "./character.ts";

export type CardSpec = "v1" | "v2" | "v3";

/**
 * A card as read from a file: the normalized Character plus everything else the file
 * held, so that writing it back loses nothing.
 */
export interface CharacterCard {
  spec: CardSpec;
  /** The file's own spec string and version, e.g. "chara_card_v2" / "2.0" ("" for V1). */
  specName: string;
  specVersion: string;
  character: Character;
  /** Top-level keys other than spec, spec_version, data and the V1 mirror fields. */
  extraTop: Record<string, unknown>;
  /** Keys inside `data` that are not Character fields. */
  extraData: Record<string, unknown>;
}

export const V1_FIELDS = ["name", "description", "personality", "scenario", "first_mes", "mes_example"] as const;

/**
 * SillyTavern's per-entry filters: `characterFilter` (which characters an entry is
 * for) and `triggers` (which generation types it fires on). Both live in an entry's
 * `extra` under their World Info names (a card's `character_filter` is mapped there).
 */
import type { LoreEntry } from "./model.ts";

/** SillyTavern's generation types. taproom starts the first four; the others come only from callers that name them. */
export type GenerationType = "normal" | "continue" | "impersonate" | "swipe" | "regenerate" | "quiet";

/** The character a generation is for, as entry filters see it. */
export interface LoreCharacter {
  name: string;
  tags: string[];
}

export interface CharacterFilter {
  isExclude: boolean;
  names: string[];
  tags: string[];
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === "string" && s.trim() !== "") : []);

/**
 * The entry's character filter, or null when it limits nothing. A malformed value
 * counts as no filter: the raw value stays in `extra` for export either way.
 */
export function characterFilterOf(e: LoreEntry): CharacterFilter | null {
  const raw = e.extra.characterFilter;
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return null;
  const f = raw as Record<string, unknown>;
  const names = strings(f.names);
  const tags = strings(f.tags);
  if (names.length === 0 && tags.length === 0) return null;
  return { isExclude: f.isExclude === true, names, tags };
}

/** The generation types the entry is limited to, or null for all of them. */
export function triggersOf(e: LoreEntry): string[] | null {
  const list = strings(e.extra.triggers);
  return list.length ? list : null;
}

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();
/** SillyTavern lists characters by avatar file ("Brindle.png"): the name is what is left without the extension. */
const cardName = (listed: string) => listed.trim().replace(/\.(png|webp|json|charx)$/i, "");

/**
 * Why the filter keeps the entry from this character, or null when it may fire. As in
 * SillyTavern, names and tags are two checks and each must pass; `isExclude` turns
 * "only these" into "all but these". SillyTavern names characters by avatar file name
 * and tags by tag id; taproom has neither, so it matches the card's name and tag names,
 * ignoring case and surrounding spaces.
 */
export function characterFiltered(f: CharacterFilter, character: LoreCharacter): string | null {
  if (f.names.length) {
    const listed = f.names.some((n) => same(cardName(n), character.name));
    if (f.isExclude && listed) return `not for ${character.name} (excluded by name)`;
    if (!f.isExclude && !listed) return `only for ${f.names.join(", ")} (this chat is with ${character.name || "no character"})`;
  }
  if (f.tags.length) {
    const tagged = f.tags.filter((t) => character.tags.some((c) => same(t, c)));
    if (f.isExclude && tagged.length) return `not for characters tagged ${tagged.join(", ")}`;
    if (!f.isExclude && !tagged.length) return `only for characters tagged ${f.tags.join(", ")} (${character.name || "this character"} has ${character.tags.length ? character.tags.join(", ") : "no tags"})`;
  }
  return null;
}

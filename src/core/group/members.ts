/**
 * Members and the library: which card an avatar key stands for, the key a new member
 * gets, and finding a member from what a person typed.
 */
import type { MemberCard } from "./types.ts";

/** A card of the library, as member lookup needs it. */
export interface LibraryCardRef {
  /** The library's id for the card. */
  id: string;
  name: string;
  /** The card file's name with its extension ("alice.png"). */
  file: string;
}

/** The characters SillyTavern's sanitize-filename takes out of a card's name before it names the avatar file. */
function sanitizeFileName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const out = name.replace(/[/?<>\\:*|"\u0000-\u001f\u0080-\u009f]/g, "").replace(/^\.+$/, "").replace(/[. ]+$/, "");
  return /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i.test(out) ? "" : out;
}

/**
 * The avatar key SillyTavern would give a card with this name ("Alice.png"), with its
 * number suffix when the key is taken ("Alice1.png", "Alice2.png").
 */
export function avatarKeyFor(name: string, taken: ReadonlySet<string>): string {
  const base = sanitizeFileName(name) || "character";
  let key = `${base}.png`;
  for (let i = 1; taken.has(key); i++) key = `${base}${i}.png`;
  return key;
}

/**
 * The library card an avatar key stands for: the one remembered for it, else a card
 * whose file is that name, else a card whose name SillyTavern would have given that key
 * (its number suffix allowed). Undefined when none is in the library.
 */
export function cardForKey(key: string, cards: readonly LibraryCardRef[], remembered?: string): LibraryCardRef | undefined {
  if (remembered !== undefined) {
    const known = cards.find((c) => c.id === remembered);
    if (known) return known;
  }
  const lower = key.toLowerCase();
  const byFile = cards.find((c) => c.file === key) ?? cards.find((c) => c.file.toLowerCase() === lower || c.id === key);
  if (byFile) return byFile;
  const base = key.replace(/\.[^.]*$/, "");
  const named = cards.find((c) => (sanitizeFileName(c.name) || "character") === base);
  if (named) return named;
  const unnumbered = base.replace(/\d+$/, "");
  return unnumbered === base ? undefined : cards.find((c) => (sanitizeFileName(c.name) || "character") === unnumbered);
}

/** A member named by a person (`--as`, `/speak`): its key, its exact name (any case), or the start of one name. */
export class MemberNotFoundError extends Error {
  constructor(readonly query: string, readonly candidates: string[]) {
    super(candidates.length > 1
      ? `"${query}" could be ${candidates.join(", ")}: say which`
      : `no member named "${query}" in this group`);
    this.name = "MemberNotFoundError";
  }
}

export function findMember<M extends Pick<MemberCard, "key" | "name">>(members: readonly M[], query: string): M {
  const wanted = query.trim().toLowerCase();
  const byKey = members.find((m) => m.key === query);
  if (byKey) return byKey;
  const exact = members.filter((m) => m.name.toLowerCase() === wanted);
  if (exact.length === 1) return exact[0]!;
  const prefix = exact.length > 1 ? exact : members.filter((m) => m.name.toLowerCase().startsWith(wanted));
  if (prefix.length === 1 && wanted !== "") return prefix[0]!;
  throw new MemberNotFoundError(query, prefix.map((m) => (exact.length > 1 ? m.key : m.name)));
}

/** A card named by a person: several match, or none does. */
export class CardChoiceError extends Error {
  constructor(readonly query: string, readonly candidates: LibraryCardRef[]) {
    super(candidates.length > 1
      ? `"${query}" could be ${candidates.map((c) => `${c.name} (${c.id})`).join(", ")}: give the id`
      : `no character "${query}" in the library`);
    this.name = "CardChoiceError";
  }
}

/** A library card by its id, its name (any case), or the start of one name. */
export function findCard(cards: readonly LibraryCardRef[], query: string): LibraryCardRef {
  const wanted = query.trim().toLowerCase();
  const byId = cards.find((c) => c.id === query.trim());
  if (byId) return byId;
  const exact = cards.filter((c) => c.name.toLowerCase() === wanted);
  if (exact.length === 1) return exact[0]!;
  const prefix = exact.length > 1 ? exact : cards.filter((c) => wanted !== "" && c.name.toLowerCase().startsWith(wanted));
  if (prefix.length === 1 && exact.length === 0) return prefix[0]!;
  throw new CardChoiceError(query, prefix);
}

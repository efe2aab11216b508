/** Internal lorebook model: SillyTavern World Info field names, with defaults applied. */
export interface LoreEntry {
  uid: number;
  key: string[];
  keysecondary: string[];
  comment: string;
  content: string;
  constant: boolean;
  selective: boolean;
  /** 0 AND ANY, 1 NOT ALL, 2 NOT ANY, 3 AND ALL */
  selectiveLogic: number;
  order: number;
  /**
   * 0 before char, 1 after char, 2 AN top, 3 AN bottom, 4 at depth, 5 before examples,
   * 6 after examples, 7 outlet (named by `extra.outletName`, placed only by `{{outlet::name}}`)
   */
  position: number;
  disable: boolean;
  excludeRecursion: boolean;
  preventRecursion: boolean;
  delayUntilRecursion: number;
  probability: number;
  useProbability: boolean;
  depth: number;
  group: string;
  groupOverride: boolean;
  groupWeight: number;
  scanDepth: number | null;
  caseSensitive: boolean | null;
  matchWholeWords: boolean | null;
  useGroupScoring: boolean | null;
  automationId: string;
  /** 0 system, 1 user, 2 assistant */
  role: number;
  sticky: number | null;
  cooldown: number | null;
  delay: number | null;
  /** Every other field of the source entry, kept for the round trip. */
  extra: Record<string, unknown>;
}

export interface Lorebook {
  name: string;
  entries: LoreEntry[];
  /** Top-level fields other than entries, kept for the round trip. */
  extra: Record<string, unknown>;
  /**
   * What reading the file repaired or left out, one line each naming the file, the
   * entries and the field; absent when nothing was. Never written back.
   */
  warnings?: string[];
}

/** SillyTavern's "Outlet" position: the content goes only where `{{outlet::name}}` is written. */
export const OUTLET_POSITION = 7;

/**
 * The entry's outlet name, "" when it has none. It stays in `extra` under SillyTavern's
 * name so files round-trip unchanged; a value that is not text counts as no name.
 */
export function outletNameOf(e: LoreEntry): string {
  const name = e.extra.outletName;
  return typeof name === "string" ? name : "";
}

export function defaultEntry(uid: number): LoreEntry {
  return {
    uid, key: [], keysecondary: [], comment: "", content: "", constant: false,
    selective: true, selectiveLogic: 0, order: 100, position: 0, disable: false,
    excludeRecursion: false, preventRecursion: false, delayUntilRecursion: 0,
    probability: 100, useProbability: true, depth: 4, group: "", groupOverride: false,
    groupWeight: 100, scanDepth: null, caseSensitive: null, matchWholeWords: null,
    useGroupScoring: null, automationId: "", role: 0, sticky: null, cooldown: null, delay: null, extra: {},
  };
}

export class LorebookFormatError extends Error {
  constructor(file: string, field: string, problem: string) {
    super(`${file}: ${field}: ${problem}`);
    this.name = "LorebookFormatError";
  }
}

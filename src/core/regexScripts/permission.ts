/**
 * A card's regex scripts come from whoever made the card, so they run only once the
 * person allowed them (SillyTavern's character_allowed_regex). taproom remembers what it
 * allowed (and what it asked about) by card id and by a fingerprint of the scripts: a
 * card whose scripts changed since is asked about again.
 */
import { cardRegexScripts, readRegexScripts, scriptsFingerprint, type ReadScripts, type RegexScript } from "./script.ts";

/** Card id -> fingerprint of the scripts the answer was about. */
export interface CardScriptPermissions {
  allowed: Record<string, string>;
  /** Asked and not allowed: not asked again until the scripts change. */
  declined: Record<string, string>;
}

export const noPermissions: CardScriptPermissions = { allowed: {}, declined: {} };

export type CardScriptsState =
  /** The card has no scripts. */
  | "none"
  | "allowed"
  /** Never asked about these scripts: the TUI asks, headless commands say how to allow them. */
  | "ask"
  | "declined";

export function cardScriptsState(permissions: CardScriptPermissions, cardId: string, extensions: Record<string, unknown>): CardScriptsState {
  const raw = extensions["regex_scripts"];
  if (!Array.isArray(raw) || raw.length === 0) return "none";
  const fingerprint = scriptsFingerprint(raw);
  if (permissions.allowed[cardId] === fingerprint) return "allowed";
  if (permissions.declined[cardId] === fingerprint) return "declined";
  return "ask";
}

/** The permissions with this card's current scripts allowed (or declined). */
export function answerCardScripts(permissions: CardScriptPermissions, cardId: string, extensions: Record<string, unknown>, allow: boolean): CardScriptPermissions {
  const fingerprint = scriptsFingerprint(extensions["regex_scripts"]);
  const allowed = { ...permissions.allowed };
  const declined = { ...permissions.declined };
  delete allowed[cardId];
  delete declined[cardId];
  if (allow) allowed[cardId] = fingerprint;
  else declined[cardId] = fingerprint;
  return { allowed, declined };
}

/** A deleted card's answers go with it (ST's purgeEmbeddedRegexScripts). */
export function forgetCardScripts(permissions: CardScriptPermissions, cardId: string): CardScriptPermissions {
  const { [cardId]: _a, ...allowed } = permissions.allowed;
  const { [cardId]: _d, ...declined } = permissions.declined;
  return { allowed, declined };
}

export interface ChatScripts {
  /** Global scripts, then the card's when allowed: the order they run in (ST's getRegexScripts). */
  scripts: RegexScript[];
  card: CardScriptsState;
  /** How many scripts the card has (run or not). */
  cardScriptCount: number;
  problems: ReadScripts["problems"];
}

/** The scripts a chat with this card runs. */
export function scriptsForChat(options: { global: unknown; cardId?: string; extensions?: Record<string, unknown>; permissions: CardScriptPermissions }): ChatScripts {
  const global = readRegexScripts(options.global, "regexScripts", { global: true });
  const card = options.extensions ? cardRegexScripts(options.extensions) : { scripts: [], problems: [] };
  const state = options.extensions && options.cardId !== undefined ? cardScriptsState(options.permissions, options.cardId, options.extensions) : "none";
  return {
    scripts: state === "allowed" ? [...global.scripts, ...card.scripts] : global.scripts,
    card: state,
    cardScriptCount: card.scripts.length,
    problems: [...global.problems, ...(state === "allowed" ? card.problems.filter((p) => p.skipped) : [])],
  };
}

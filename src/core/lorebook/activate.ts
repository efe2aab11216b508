import type { LoreInsertion, LorePosition, PromptRole } from "./insertion.ts";
import { outletNameOf, type LoreEntry, type Lorebook } from "./model.ts";
import type { RegexAnswers } from "./regexAnswers.ts";
import { compileKey, compileLorebook, entryFingerprint, indexText, type CompiledEntry, type CompiledKey, type CompiledLorebook, type EntryRules, ScanIndex } from "./compile.ts";
import type { EntryDecorators } from "./decorators.ts";
import { characterFiltered, type GenerationType, type LoreCharacter } from "./filters.ts";

export type { GenerationType, LoreCharacter } from "./filters.ts";

/** `role` is optional: without it (a bare text) `@@activate_only_after/every` cannot count and are ignored. */
export interface LoreMessage { name?: string; text: string; role?: "user" | "assistant" | "system" }

/** Timed-effect memory between turns; the chat stores it opaquely as `loreState`. */
export interface LoreState {
  /** "book/uid" -> message count at which stickiness ends. */
  sticky: Record<string, number>;
  /** "book/uid" -> message count at which cooldown ends. */
  cooldown: Record<string, number>;
  /**
   * "book/uid" -> chat length when the effect was set. An effect set at the current
   * length or later is dropped, so regenerating a reply sees the same lore.
   */
  started?: Record<string, number>;
  /**
   * "book/uid" -> fingerprint of the entry (keys, content, timing) when the effect was
   * set. The chat keeps this state, not the book, so an edit cannot reach it: instead
   * an effect whose entry has changed since is dropped. States saved without it keep
   * their effects.
   */
  versions?: Record<string, string>;
}

export interface LoreSettings {
  scanDepth: number;
  budgetPercent: number;
  budgetCap: number;
  recursive: boolean;
  maxRecursionSteps: number;
  minActivations: number;
  /** How deep minimum activations may scan; 0 = the whole chat. */
  minActivationsDepthMax: number;
  caseSensitive: boolean;
  matchWholeWords: boolean;
  includeNames: boolean;
  useGroupScoring: boolean;
}

export const DEFAULT_LORE_SETTINGS: LoreSettings = {
  scanDepth: 2, budgetPercent: 25, budgetCap: 0, recursive: true, maxRecursionSteps: 0,
  minActivations: 0, minActivationsDepthMax: 0, caseSensitive: false, matchWholeWords: true, includeNames: true,
  useGroupScoring: false,
};

export interface ActivateLoreOptions {
  books: Lorebook[];
  /** Chat messages, oldest first. */
  messages: LoreMessage[];
  contextSize: number;
  tokenize: (text: string) => number;
  settings?: Partial<LoreSettings>;
  state?: LoreState;
  seed?: number;
  expandMacros?: (s: string) => string;
  /**
   * Who the reply is for, for entries with a character filter. Left out (a book tried on
   * its own text), filters are not applied.
   */
  character?: LoreCharacter;
  /** What started this generation; entries with `triggers` fire only for theirs. Default "normal". */
  generationType?: GenerationType;
  /**
   * Which group each book belongs to, parallel to `books`: 0 the chat's, 1 the character's,
   * 2 the global ones. Entries are scanned tier by tier, and within a tier by descending
   * order across its books, as SillyTavern does. Left out, each book is its own tier.
   */
  tiers?: number[];
  /** The greeting the chat opened with (0 = first_mes, 1.. = alternates), for `@@is_greeting`; left out, that decorator is ignored. */
  greetingIndex?: number;
  /**
   * Answers for regex keys (see regexAnswers.ts: run activation through
   * `withRegexAnswers`). Left out, regex keys are not tried and say so.
   */
  regex?: RegexAnswers;
}

export type LoreOutcome =
  | "constant" | "key_matched" | "sticky" | "recursion"
  | "disabled" | "no_key_matched" | "secondary_failed" | "probability_roll" | "cooldown"
  | "delay" | "budget_exhausted" | "lost_group" | "recursion_excluded"
  | "waiting_for_recursion" | "no_keys"
  /** Fired because of an `@@activate` decorator. */
  | "decorator_activate"
  /** The entry's characterFilter excludes this character (by name or tag). */
  | "character_filtered"
  /** The entry's `triggers` do not list this generation type. */
  | "trigger_mismatch"
  | "decorator_dont_activate"
  /** `@@activate_only_after` / `@@activate_only_every` do not allow this turn. */
  | "decorator_schedule"
  /** `@@is_greeting` names another greeting than the chat's. */
  | "decorator_greeting"
  /** `@@additional_keys` not found or `@@exclude_keys` found. */
  | "decorator_keys";

export interface LoreVerdict {
  book: string;
  uid: number;
  comment: string;
  fired: boolean;
  outcome: LoreOutcome;
  detail: string;
  /** Token cost of the content; null when the entry never reached the budget. */
  tokens: number | null;
}

export interface LoreDiagnostic { book: string; uid: number; key: string; problem: string }

export interface ActivateLoreResult {
  insertions: LoreInsertion[];
  verdicts: LoreVerdict[];
  diagnostics: LoreDiagnostic[];
  state: LoreState;
  budget: number;
  tokensUsed: number;
}

const POSITIONS: LorePosition[] = ["before_char", "after_char", "an_top", "an_bottom", "at_depth", "before_examples", "after_examples", "outlet"];
const ROLES: PromptRole[] = ["system", "user", "assistant"];
/** Scanned text longer than this (per buffer) is cut, so regex cost stays bounded. */
export const MAX_SCAN_CHARS = 200_000;

interface Candidate { book: string; bookIndex: number; entryIndex: number; pos: number; entry: LoreEntry; compiled: CompiledEntry; book_: CompiledLorebook; id: string; score: number; tokens: Map<number, number> }


/** Deterministic roll in [0, 100) from seed and the entry's identity. */
function roll(seed: number, id: string, salt: number): number {
  let h = (2166136261 ^ seed ^ Math.imul(salt, 0x9e3779b1)) >>> 0;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619) >>> 0;
  h ^= h >>> 15; h = Math.imul(h, 0x2c1b3c6d) >>> 0; h ^= h >>> 12;
  return (h >>> 0) / 2 ** 32 * 100;
}

const WORD = /[\p{L}\p{N}_]/u;

function findPlain(idx: ScanIndex, key: string, caseSensitive: boolean, wholeWords: boolean): boolean {
  const hay = caseSensitive ? idx.text : idx.lower;
  const needle = caseSensitive ? key : key.toLowerCase();
  if (!needle) return false;
  let at = hay.indexOf(needle);
  if (!wholeWords || /\s/.test(needle)) return at >= 0;
  while (at >= 0) {
    const before = hay[at - 1];
    const after = hay[at + needle.length];
    if ((before === undefined || !WORD.test(before)) && (after === undefined || !WORD.test(after))) return true;
    at = hay.indexOf(needle, at + 1);
  }
  return false;
}

interface KeyContext {
  regex: RegexAnswers | undefined;
  settings: LoreSettings;
  expand: (s: string) => string;
  macroKeys: Map<string, CompiledKey>;
  reported: Set<string>;
  diagnostics: LoreDiagnostic[];
}

/** A key's problem, said once per activation. */
function report(ctx: KeyContext, book: string, e: LoreEntry, key: string, problem: string): void {
  const id = `${book}/${e.uid}/${key}`;
  if (!ctx.reported.has(id)) { ctx.reported.add(id); ctx.diagnostics.push({ book, uid: e.uid, key, problem }); }
}

function matchKey(idx: ScanIndex, key: CompiledKey, e: LoreEntry, book: string, ctx: KeyContext): boolean {
  if (key.kind === "macro") {
    const expanded = ctx.expand(key.raw);
    let k = ctx.macroKeys.get(expanded);
    if (!k) { k = compileKey(expanded); if (k.kind === "macro") k = { kind: "text", raw: expanded, text: expanded.trim() }; ctx.macroKeys.set(expanded, k); }
    key = k;
  }
  const caseSensitive = e.caseSensitive ?? ctx.settings.caseSensitive;
  const wholeWords = e.matchWholeWords ?? ctx.settings.matchWholeWords;
  if (key.kind === "text" && key.note !== undefined) report(ctx, book, e, key.raw, key.note);
  // A plain key absent from the text (case aside) cannot match: one lookup instead of a search of the text.
  if ((key.kind === "word" || key.kind === "text") && key.needle && !caseSensitive && !(key.kind === "word" && wholeWords) && !idx.contains(key.needle)) return false;
  switch (key.kind) {
    case "word":
      if (wholeWords) return caseSensitive ? idx.words.has(key.word) : idx.lowerWords.has(key.lower);
      return findPlain(idx, key.word, caseSensitive, false);
    case "text":
      return findPlain(idx, key.text, caseSensitive, wholeWords);
    case "regex": {
      if (!ctx.regex) { report(ctx, book, e, key.raw, "not tried: this caller runs no regex matcher"); return false; }
      const answer = ctx.regex.answer(key.regex, idx.text);
      if (answer && "refused" in answer) report(ctx, book, e, key.raw, answer.refused);
      return answer !== undefined && "matched" in answer && answer.matched;
    }
    case "blank":
      return true;
    case "invalid":
      report(ctx, book, e, key.raw, key.problem);
      return false;
    default:
      return false;
  }
}

type KeyCheck = { ok: true; score: number } | { ok: false; outcome: LoreOutcome; detail: string };
const LOGIC_NAMES = ["AND ANY", "NOT ALL", "NOT ANY", "AND ALL"];

function checkKeys(idx: ScanIndex, c: CompiledEntry, book: string, ctx: KeyContext): KeyCheck {
  const e = c.entry;
  let primary = 0;
  for (const k of c.primary) if (matchKey(idx, k, e, book, ctx)) primary++;
  if (primary === 0) return { ok: false, outcome: "no_key_matched", detail: "no primary key found in the scanned text" };
  // As SillyTavern: secondary keys count only on a selective entry, and an empty key is one that is never found.
  const secondary = e.selective ? c.secondary : [];
  if (secondary.length === 0) return { ok: true, score: primary };
  const hits = secondary.filter((k) => matchKey(idx, k, e, book, ctx)).length;
  const all = hits === secondary.length;
  const logic = e.selectiveLogic;
  const pass = logic === 0 ? hits > 0 : logic === 1 ? !all : logic === 2 ? hits === 0 : logic === 3 ? all : false;
  if (!pass) {
    const name = LOGIC_NAMES[logic] ?? `unknown logic ${logic}, which never passes`;
    return { ok: false, outcome: "secondary_failed", detail: `secondary keys failed ${name} (${hits}/${secondary.length} found)` };
  }
  // Group scoring counts secondary hits only where they were asked for (AND ANY, AND ALL).
  return { ok: true, score: primary + (logic === 0 || (logic === 3 && all) ? hits : 0) };
}

/** How a person knows an entry: its title (comment) when it has one, else book/uid. */
function entryLabel(c: Candidate): string {
  const title = c.entry.comment.trim();
  return title ? `"${title}"` : c.id;
}

/** The entry's inclusion groups, split as SillyTavern splits them (on commas and the spaces after them). */
function groupsOf(e: LoreEntry): string[] {
  return e.group.split(/,\s*/).filter(Boolean);
}

/**
 * Keeps one winner per inclusion group, as SillyTavern's filterByInclusionGroups: sticky
 * members win outright; then group scoring; a group an entry with the same group text
 * already activated for admits no other; then override (highest order), then a seeded
 * roll by weight. Losers get a "lost_group" verdict but are not decided for good: a later
 * pass of the same generation considers them again.
 */
function resolveGroups(cands: Candidate[], seed: number, count: number, settings: LoreSettings, lose: (c: Candidate, detail: string) => void, stickyIds: Set<string>, activated: Candidate[], pass: number): Candidate[] {
  const out = new Set(cands);
  const byGroup = new Map<string, Candidate[]>();
  for (const c of cands) for (const g of groupsOf(c.entry)) byGroup.set(g, [...(byGroup.get(g) ?? []), c]);
  if (byGroup.size === 0) return cands;
  const hasSticky = new Map<string, boolean>();
  for (const [g, members] of byGroup) {
    const sticky = members.filter((c) => stickyIds.has(c.id));
    hasSticky.set(g, sticky.length > 0);
    if (sticky.length) for (const c of members) if (!sticky.includes(c) && out.has(c)) { out.delete(c); lose(c, `group "${g}" has a sticky entry`); }
  }
  for (const [g, members0] of byGroup) {
    if (hasSticky.get(g)) continue;
    if (!settings.useGroupScoring && !members0.some((c) => c.entry.useGroupScoring)) continue;
    const members = members0.filter((c) => out.has(c));
    if (members.length === 0) continue;
    const best = Math.max(...members.map((c) => c.score));
    for (const c of members) {
      if ((c.entry.useGroupScoring ?? settings.useGroupScoring) && c.score < best) { out.delete(c); lose(c, `group "${g}": fewer keys matched (${c.score} < ${best})`); }
    }
  }
  for (const [g, members0] of byGroup) {
    if (hasSticky.get(g)) continue;
    const members = members0.filter((c) => out.has(c));
    const holder = activated.find((a) => a.entry.group === g);
    if (holder) {
      for (const c of members) { out.delete(c); lose(c, `group "${g}" already has ${entryLabel(holder)} active`); }
      continue;
    }
    if (members.length < 2) continue;
    const overrides = members.filter((c) => c.entry.groupOverride);
    let winner: Candidate | undefined = overrides.length ? overrides.reduce((a, b) => (b.entry.order > a.entry.order ? b : a)) : undefined;
    if (!winner) {
      const total = members.reduce((s, c) => s + c.entry.groupWeight, 0);
      const r = (roll(seed, `group:${g}`, count * 1000 + pass) / 100) * total;
      let sum = 0;
      winner = members.find((c) => r <= (sum += c.entry.groupWeight));
      // SillyTavern leaves the group alone when no one wins the roll (weights of 0).
      if (!winner) continue;
    }
    for (const c of members) if (c !== winner) { out.delete(c); lose(c, `group "${g}" won by ${entryLabel(winner)}`); }
  }
  return cands.filter((c) => out.has(c));
}

/**
 * The effects that still hold. One set at this chat length or later came from a turn
 * being redone (regenerate, swipe, deleted messages); one set on another version of
 * its entry (edited since, or a new entry that took a deleted one's uid) is stale.
 */
function carryOver(prev: LoreState, count: number, fingerprint: (id: string) => string | undefined): LoreState {
  const state: LoreState = { sticky: {}, cooldown: {}, started: {}, versions: {} };
  const live = (id: string) => {
    const s = prev.started?.[id];
    if (s !== undefined && s >= count) return false;
    const v = prev.versions?.[id];
    const now = v === undefined ? undefined : fingerprint(id);
    return now === undefined || now === v;
  };
  for (const [k, v] of Object.entries(prev.sticky)) if (v > count && live(k)) state.sticky[k] = v;
  for (const [k, v] of Object.entries(prev.cooldown)) if (v > count && live(k)) state.cooldown[k] = v;
  for (const k of [...Object.keys(state.sticky), ...Object.keys(state.cooldown)]) {
    const s = prev.started?.[k];
    if (s !== undefined) state.started![k] = s;
    const v = prev.versions?.[k];
    if (v !== undefined) state.versions![k] = v;
  }
  return state;
}

/** Character messages in the scanned chat, or null when the messages carry no roles. */
function characterMessages(messages: LoreMessage[]): number | null {
  let known = false;
  let n = 0;
  for (const m of messages) {
    if (m.role !== undefined) known = true;
    if (m.role === "assistant") n++;
  }
  return known ? n : null;
}

type Barred = { outcome: LoreOutcome; detail: string };

/** Rules that keep an entry out of this whole generation: its triggers, its character filter, `@@dont_activate`. */
function barredBy(rules: EntryRules, character: LoreCharacter | undefined, type: GenerationType): Barred | null {
  if (rules.triggers && !rules.triggers.includes(type)) {
    return { outcome: "trigger_mismatch", detail: `fires only on ${rules.triggers.join(", ")} (this is a ${type} generation)` };
  }
  if (rules.characterFilter && character) {
    const why = characterFiltered(rules.characterFilter, character);
    if (why) return { outcome: "character_filtered", detail: why };
  }
  const d = rules.decorators;
  if (d?.dontActivate && !d.activate) return { outcome: "decorator_dont_activate", detail: "@@dont_activate decorator" };
  return null;
}

/** `@@activate_only_after`, `@@activate_only_every` and `@@is_greeting`, each ignored where the chat cannot tell. */
function heldBySchedule(d: EntryDecorators, characterCount: number | null, greetingIndex: number | undefined): Barred | null {
  if (characterCount !== null && d.activateOnlyAfter !== undefined && characterCount < d.activateOnlyAfter) {
    return { outcome: "decorator_schedule", detail: `@@activate_only_after ${d.activateOnlyAfter}: the chat has ${characterCount} character messages` };
  }
  if (characterCount !== null && d.activateOnlyEvery !== undefined && characterCount % d.activateOnlyEvery !== 0) {
    return { outcome: "decorator_schedule", detail: `@@activate_only_every ${d.activateOnlyEvery}: the chat has ${characterCount} character messages` };
  }
  if (greetingIndex !== undefined && d.isGreeting !== undefined && greetingIndex !== d.isGreeting) {
    return { outcome: "decorator_greeting", detail: `@@is_greeting ${d.isGreeting}: this chat opened with greeting ${greetingIndex}` };
  }
  return null;
}

/** Why `@@additional_keys` / `@@exclude_keys` reject the scanned text, or null. They match as the entry's keys do. */
function decoratorKeysMiss(idx: ScanIndex, c: { compiled: CompiledEntry; book: string }, rules: EntryRules, ctx: KeyContext): string | null {
  const e = c.compiled.entry;
  if (rules.additional.length && !rules.additional.some((k) => matchKey(idx, k, e, c.book, ctx))) {
    return `@@additional_keys: none of ${rules.additional.map((k) => k.raw).join(", ")} found`;
  }
  const hit = rules.exclude.find((k) => matchKey(idx, k, e, c.book, ctx));
  return hit ? `@@exclude_keys: found ${hit.raw}` : null;
}

type ScanKind = "initial" | "recursion" | "min_activations";

/** The common verdict, made once per entry of a book version and shared (frozen) between turns. */
const noKeyVerdicts = new WeakMap<CompiledEntry, LoreVerdict>();

/** SillyTavern's scan window starts each message with this (and joins them with a newline before it). */
const MESSAGE_MARK = "\x01";
const JOINER = `\n${MESSAGE_MARK}`;
/** SillyTavern's deepest scan. */
const MAX_SCAN_DEPTH = 1000;

/**
 * The text an entry is matched against, as SillyTavern's WorldInfoBuffer builds it: the
 * last `depth` messages newest first, each trimmed and marked with \x01 (so `/^.../m` does
 * not match at a message's start), then the recursion buffer unless this is a
 * minimum-activations pass. Depth 0 scans nothing, not even the recursion buffer.
 */
function scanText(messages: LoreMessage[], depth: number, includeNames: boolean, recurse: readonly string[] | null): string {
  if (depth <= 0) return "";
  const parts: string[] = [];
  for (let i = 0; i < Math.min(depth, MAX_SCAN_DEPTH) && i < messages.length; i++) {
    const m = messages[messages.length - 1 - i]!;
    parts.push((includeNames && m.name ? `${m.name}: ${m.text}` : m.text).trim());
  }
  let text = MESSAGE_MARK + parts.join(JOINER);
  if (recurse && recurse.length > 0) text += JOINER + recurse.join(JOINER);
  return text.slice(0, MAX_SCAN_CHARS);
}

/** SillyTavern's sort of the entries it scans: chat, character, then global lore, each by descending order, ties as listed. */
function scanOrder(all: Candidate[], tiers: readonly number[] | undefined): Candidate[] {
  const tier = (c: Candidate) => tiers?.[c.bookIndex] ?? c.bookIndex;
  return [...all].sort((a, b) => tier(a) - tier(b) || b.entry.order - a.entry.order || a.pos - b.pos);
}

/**
 * Runs World Info activation as SillyTavern's checkWorldInfo does, over several books:
 * returns insertions, a verdict per entry, and the next state. Entries are scanned in
 * SillyTavern's order (the chat's books, the character's, the global ones, each by
 * descending `order`); each pass's candidates go through inclusion groups, then the
 * probability roll and the token budget in that order. The budget counts the entries'
 * contents with macros expanded, joined as SillyTavern joins them, and an entry that
 * would reach it ends the scan. An outlet entry activates and spends the budget like
 * any other, even when no `{{outlet::name}}` takes it.
 */
export function activateLore(options: ActivateLoreOptions): ActivateLoreResult {
  const settings = { ...DEFAULT_LORE_SETTINGS, ...options.settings };
  const seed = options.seed ?? 0;
  const count = options.messages.length;
  const generationType = options.generationType ?? "normal";
  const diagnostics: LoreDiagnostic[] = [];
  const expand = options.expandMacros ?? ((s: string) => s);
  const all: Candidate[] = [];
  options.books.forEach((b, bookIndex) => {
    const compiled = compileLorebook(b);
    let tokens = compiled.tokens.get(options.tokenize);
    if (!tokens) { tokens = new Map(); compiled.tokens.set(options.tokenize, tokens); }
    // Candidates are reused between turns while the book keeps its place in the list.
    const scratchKey = `${bookIndex}:${all.length}`;
    let cands = compiled.scratch.get(scratchKey) as { tokenize: unknown; list: Candidate[] } | undefined;
    if (!cands || cands.tokenize !== options.tokenize) {
      const offset = all.length;
      cands = { tokenize: options.tokenize, list: compiled.entries.map((ce, entryIndex) => ({ book: b.name, bookIndex, entryIndex, pos: offset + entryIndex, entry: ce.entry, compiled: ce, book_: compiled, id: ce.id, score: 0, tokens: tokens! })) };
      compiled.scratch.set(scratchKey, cands);
    }
    for (const c of cands.list) all.push(c);
  });
  const prev = options.state ?? { sticky: {}, cooldown: {} };
  let byId: Map<string, Candidate> | undefined;
  const state = carryOver(prev, count, (id) => {
    byId ??= new Map(all.map((c) => [c.id, c]));
    const c = byId.get(id);
    return c && entryFingerprint(c.compiled);
  });
  const characterCount = characterMessages(options.messages);
  const verdicts: (LoreVerdict | undefined)[] = new Array(all.length);
  const tokens = (c: Candidate) => {
    let t = c.tokens.get(c.entry.uid);
    if (t === undefined) { t = options.tokenize(c.entry.content); c.tokens.set(c.entry.uid, t); }
    return t;
  };
  const set = (c: Candidate, fired: boolean, outcome: LoreOutcome, detail: string, measured = false) =>
    (verdicts[c.pos] = { book: c.book, uid: c.entry.uid, comment: c.entry.comment, fired, outcome, detail, tokens: measured ? tokens(c) : null });
  const noKeyVerdict = (c: Candidate): LoreVerdict => {
    let v = noKeyVerdicts.get(c.compiled);
    if (!v) {
      v = Object.freeze({ book: c.book, uid: c.entry.uid, comment: c.entry.comment, fired: false, outcome: "no_key_matched", detail: "no primary key found in the scanned text", tokens: null }) as LoreVerdict;
      noKeyVerdicts.set(c.compiled, v);
    }
    return v;
  };
  const ctx: KeyContext = { regex: options.regex, settings, expand, diagnostics, macroKeys: new Map(), reported: new Set() };
  const recurse: string[] = [];
  let indexes = new Map<string, ScanIndex>();
  const scanIndex = (d: number, withBuffer: boolean): ScanIndex => {
    const id = `${d}|${withBuffer}`;
    let idx = indexes.get(id);
    if (!idx) {
      idx = indexText(scanText(options.messages, d, settings.includeNames, withBuffer ? recurse : null));
      indexes.set(id, idx);
    }
    return idx;
  };

  const percentBudget = Math.round((options.contextSize * settings.budgetPercent) / 100) || 1;
  const cap = settings.budgetCap > 0 ? Math.min(percentBudget, settings.budgetCap) : percentBudget;
  let overflowed = false;
  const activated: Candidate[] = [];
  const activatedIds = new Set<string>();
  /** Decided for this whole generation: disabled, barred, failed its roll, or activated. */
  const done = new Set<string>();
  const stickyIds = new Set(Object.keys(state.sticky));
  const delayLevels = [...new Set(options.books.flatMap((b) => compileLorebook(b).delayLevels))].sort((a, b) => a - b);
  let delayLevel = delayLevels.shift() ?? 0;
  /** Contents of activated entries that went on to recursion: what later passes' budget counts, as in SillyTavern. */
  let activatedText = "";
  /** Each activated entry's content with its macros expanded: what is counted and scanned again. */
  const expanded = new Map<string, string>();
  const expandedContent = (c: Candidate) => {
    let text = expanded.get(c.id);
    if (text === undefined) { text = expand(c.entry.content); expanded.set(c.id, text); }
    return text;
  };

  const accept = (c: Candidate, outcome: LoreOutcome, detail: string): void => {
    activated.push(c);
    activatedIds.add(c.id);
    done.add(c.id);
    set(c, true, outcome, detail, true);
    const e = c.entry;
    if (!stickyIds.has(c.id)) {
      const stickyEnd = e.sticky && e.sticky > 0 ? count + e.sticky : undefined;
      if (stickyEnd !== undefined) state.sticky[c.id] = stickyEnd;
      if (e.cooldown && e.cooldown > 0) state.cooldown[c.id] = (stickyEnd ?? count) + e.cooldown;
      if (stickyEnd !== undefined || (e.cooldown && e.cooldown > 0)) {
        state.started![c.id] = count;
        state.versions![c.id] = entryFingerprint(c.compiled);
      }
    }
  };

  const sorted = scanOrder(all, options.tiers);
  let depth = settings.scanDepth;
  let scan: ScanKind | null = "initial";
  let loops = 0;
  let level = 0;
  while (scan) {
    if (settings.maxRecursionSteps > 0 && loops >= settings.maxRecursionSteps) break;
    loops++;
    const withBuffer = scan !== "min_activations";
    const passCands: Candidate[] = [];
    for (const c of sorted) {
      if (done.has(c.id)) continue;
      const e = c.entry;
      if (e.disable) { set(c, false, "disabled", "entry is disabled"); done.add(c.id); continue; }
      const rules = c.compiled.rules;
      const dec = rules?.decorators;
      if (rules) {
        // As in SillyTavern: these come before timed effects, so a sticky entry is held back too.
        const barred = barredBy(rules, options.character, generationType);
        if (barred) { set(c, false, barred.outcome, barred.detail); done.add(c.id); continue; }
      }
      const sticky = stickyIds.has(c.id);
      if (e.delay && e.delay > 0 && count < e.delay) { set(c, false, "delay", `waits until ${e.delay} messages (chat has ${count})`); continue; }
      if (state.cooldown[c.id] !== undefined && !sticky) { set(c, false, "cooldown", `cooling down until message ${state.cooldown[c.id]}`); continue; }
      if (!sticky && e.delayUntilRecursion > 0 && (scan !== "recursion" || e.delayUntilRecursion > delayLevel)) {
        set(c, false, "waiting_for_recursion", `activates only from recursion level ${e.delayUntilRecursion}`);
        continue;
      }
      if (!sticky && e.excludeRecursion && scan === "recursion" && settings.recursive) {
        if (recurse.length && checkKeys(indexText(MESSAGE_MARK + recurse.join(JOINER)), c.compiled, c.book, ctx).ok) {
          set(c, false, "recursion_excluded", "keys found only in activated entries' content, and this entry excludes recursion");
        }
        continue;
      }
      if (dec?.activate || sticky) { c.score = 0; passCands.push(c); continue; }
      if (dec) {
        const held = heldBySchedule(dec, characterCount, options.greetingIndex);
        if (held) { set(c, false, held.outcome, held.detail); continue; }
      }
      const moreKeys = rules !== null && (rules.additional.length > 0 || rules.exclude.length > 0);
      if (e.constant) {
        const miss = moreKeys && decoratorKeysMiss(scanIndex(e.scanDepth ?? depth, withBuffer), c, rules, ctx);
        if (miss) { set(c, false, "decorator_keys", miss); continue; }
        c.score = 0; passCands.push(c); continue;
      }
      if (e.key.length === 0) { set(c, false, "no_keys", "entry has no primary keys"); continue; }
      const idx = scanIndex(e.scanDepth ?? depth, withBuffer);
      if (c.compiled.wordsOnly && (e.matchWholeWords ?? settings.matchWholeWords) && !idx.wordHits(c.book_)[c.entryIndex]) {
        verdicts[c.pos] = noKeyVerdict(c);
        continue;
      }
      const check = checkKeys(idx, c.compiled, c.book, ctx);
      if (!check.ok) { set(c, false, check.outcome, check.detail); continue; }
      const miss = moreKeys && decoratorKeysMiss(idx, c, rules, ctx);
      if (miss) { set(c, false, "decorator_keys", miss); continue; }
      c.score = check.score;
      passCands.push(c);
    }
    // Sticky entries first, then in scan order; group losers are not decided for good: a later pass may take them.
    passCands.sort((a, b) => Number(stickyIds.has(b.id)) - Number(stickyIds.has(a.id)));
    const lose = (c: Candidate, detail: string) => set(c, false, "lost_group", detail);
    const winners = resolveGroups(passCands, seed, count, settings, lose, stickyIds, activated, loops);
    const passed: Candidate[] = [];
    let newContent = "";
    const baseTokens = options.tokenize(activatedText);
    for (const c of winners) {
      const e = c.entry;
      const sticky = stickyIds.has(c.id);
      const ignoresBudget = e.extra.ignoreBudget === true;
      if (overflowed && !ignoresBudget) { set(c, false, "budget_exhausted", `left out after an earlier entry did not fit in the ${cap}-token budget`, true); continue; }
      if (!sticky && e.useProbability && e.probability !== 100) {
        const r = roll(seed, c.id, count);
        if (!(r <= e.probability)) { set(c, false, "probability_roll", `rolled ${r.toFixed(1)} against ${e.probability}%`); done.add(c.id); continue; }
      }
      passed.push(c);
      const content = expandedContent(c);
      if (!ignoresBudget) {
        newContent += `${content}\n`;
        const total = baseTokens + options.tokenize(newContent);
        if (total >= cap) {
          overflowed = true;
          // As SillyTavern: reaching the budget exactly counts as over it.
          set(c, false, "budget_exhausted", `would bring the lore to ${total} of ${cap} budget tokens${total === cap ? " (it must stay under)" : ""}`, true);
          continue;
        }
      }
      const forced = c.compiled.rules?.decorators?.activate === true;
      const outcome: LoreOutcome = sticky ? "sticky" : forced ? "decorator_activate" : e.constant ? "constant" : scan === "recursion" ? "recursion" : "key_matched";
      const detail = sticky ? `sticky until message ${state.sticky[c.id]}`
        : forced ? "@@activate decorator"
        : e.constant ? "constant entry"
        : scan === "recursion" ? `matched in recursion pass ${level}${e.delayUntilRecursion > 0 ? ` (delay level ${e.delayUntilRecursion})` : ""}`
        : scan === "min_activations" ? `primary key matched, scanning ${depth} messages to reach ${settings.minActivations} activations`
        : "primary key matched";
      accept(c, outcome, detail);
    }
    // As SillyTavern: every candidate that passed its roll counts for recursion, even one the budget stopped.
    const forRecursion = passed.filter((c) => !c.entry.preventRecursion);
    let next: ScanKind | null = null;
    if (settings.recursive && !overflowed && forRecursion.length > 0) next = "recursion";
    if (settings.recursive && !overflowed && scan === "min_activations" && recurse.length > 0) next = "recursion";
    if (!next && !overflowed && settings.minActivations > 0 && activated.length < settings.minActivations) {
      // SillyTavern checks the depth before widening it, so the last pass scans one message past the limit.
      const overMax = (settings.minActivationsDepthMax > 0 && depth > settings.minActivationsDepthMax) || depth > count;
      if (!overMax) { next = "min_activations"; depth++; }
    }
    if (!next && delayLevels.length > 0) { next = "recursion"; delayLevel = delayLevels.shift()!; }
    scan = next;
    if (scan) {
      const text = forRecursion.map(expandedContent).join("\n");
      recurse.push(text);
      activatedText = `${text}\n${activatedText}`;
      indexes = new Map();
      if (scan === "recursion") level++;
    }
  }

  // SillyTavern places entries by descending order, each in front of the ones placed
  // before it: ascending order, and among equal orders the later activated first.
  const placed = [...activated].sort((a, b) => b.entry.order - a.entry.order).reverse();
  const insertions: LoreInsertion[] = placed
    .filter((c) => expandedContent(c) !== "")
    .map((c): LoreInsertion => {
      const position = POSITIONS[c.entry.position] ?? "before_char";
      return {
        entryId: c.id, content: c.entry.content, position,
        depth: c.entry.depth, role: ROLES[c.entry.role] ?? "system", order: c.entry.order,
        ...(position === "outlet" && { outlet: outletNameOf(c.entry) }),
      };
    });
  const tokensUsed = activated.length ? options.tokenize(activated.map(expandedContent).join("\n") + "\n") : 0;
  return { insertions, verdicts: verdicts.filter((v): v is LoreVerdict => v !== undefined), diagnostics, state, budget: cap, tokensUsed };
}

import { isObject } from "./parse.ts";
import { PNG_ASSET_KEYWORD, PNG_ASSET_URI } from "./png.ts";
import type { CharacterCard } from "./record.ts";
import type { CardWarning } from "./errors.ts";
import { cardRegexScripts } from "../regexScripts/script.ts";

export interface LintFinding {
  level: "error" | "warning";
  field: string;
  message: string;
}

export interface LintOptions {
  /** Fields longer than this many characters are flagged. */
  maxFieldChars?: number;
  /** Fields of the wrong type that could not be repaired (parsed with collectRefusals): errors. */
  refusals?: CardWarning[];
  /** For a CharX: the files in the archive, which `embeded://` asset URIs must name. */
  archiveFiles?: ReadonlySet<string>;
  /** For a PNG: the paths of its `chara-ext-asset_:` chunks, which `__asset:` URIs must name. */
  pngAssets?: ReadonlySet<string>;
}

const KNOWN_SPECS = new Set(["", "chara_card_v2", "chara_card_v3"]);
/** `{char}`, `{{user}`, `{char}}`: macros with a brace missing, which nothing expands. */
const MISSPELT_MACRO = /(?<!\{)\{\s*(char|user)\s*\}(?!\})|\{\{\s*(char|user)\s*\}(?!\})|(?<!\{)\{\s*(char|user)\s*\}\}/gi;
/**
 * `{{ user}}`: taproom trims macro names (and ignores their case, as SillyTavern does), but
 * spaces inside the braces are not expanded by every other app.
 */
const SPACED_MACRO = /\{\{(?:\s+(char|user)\s*|(char|user)\s+)\}\}/gi;

const TEXT_FIELDS = [
  "name", "description", "personality", "scenario", "first_mes", "mes_example", "creator_notes",
  "system_prompt", "post_history_instructions",
] as const;

/** Checks a parsed card for what will surprise its user; repairs from parsing count as warnings. */
export function lintCard(card: CharacterCard, repairs: CardWarning[] = [], options: LintOptions = {}): LintFinding[] {
  const max = options.maxFieldChars ?? 8000;
  const c = card.character;
  const findings: LintFinding[] = (options.refusals ?? []).map((r) => ({ level: "error", field: r.field, message: `${r.message}; taproom refuses the card until this is fixed` }));
  findings.push(...repairs.map((r): LintFinding => ({ level: "warning", field: r.field, message: r.message })));
  if (c.name.trim() === "") findings.push({ level: "error", field: "name", message: "missing name" });
  if (c.first_mes.trim() === "" && c.alternate_greetings.length === 0) {
    findings.push({ level: "warning", field: "first_mes", message: "no greeting (first_mes is empty)" });
  }
  if (!KNOWN_SPECS.has(card.specName)) {
    findings.push({ level: "warning", field: "spec", message: `unknown spec "${card.specName}"` });
  }
  const texts: [string, string][] = TEXT_FIELDS.map((f) => [f, c[f]]);
  c.alternate_greetings.forEach((g, i) => texts.push([`alternate_greetings[${i}]`, g]));
  c.character_book?.entries.forEach((e, i) => texts.push([`character_book.entries[${i}].content`, e.content]));
  for (const [field, text] of texts) {
    if (text.length > max) findings.push({ level: "warning", field, message: `very long (${text.length} characters)` });
    for (const m of text.matchAll(MISSPELT_MACRO)) {
      findings.push({ level: "warning", field, message: `"${m[0]}" looks like a misspelt macro (write {{char}} or {{user}})` });
    }
    for (const m of text.matchAll(SPACED_MACRO)) {
      findings.push({ level: "warning", field, message: `"${m[0]}" has spaces inside the braces; taproom expands it, other apps may not (write {{${(m[1] ?? m[2])!.toLowerCase()}}})` });
    }
  }
  if (c.mes_example.trim() !== "" && !/<START>/i.test(c.mes_example)) {
    findings.push({ level: "warning", field: "mes_example", message: "example dialogue has no <START> separator" });
  }
  if (!isObject(c.extensions)) findings.push({ level: "error", field: "extensions", message: "extensions is not an object" });
  c.assets?.forEach((asset, i) => {
    if (asset.uri.startsWith(PNG_ASSET_URI)) {
      const path = asset.uri.slice(PNG_ASSET_URI.length);
      if (!options.pngAssets) findings.push({ level: "warning", field: `assets[${i}].uri`, message: `"${asset.uri}" only resolves inside the PNG card it came from` });
      else if (!options.pngAssets.has(path)) findings.push({ level: "error", field: `assets[${i}].uri`, message: `"${asset.uri}" has no ${PNG_ASSET_KEYWORD}${path} chunk in this PNG` });
      return;
    }
    if (!asset.uri.startsWith("embeded://")) return;
    const path = asset.uri.slice("embeded://".length);
    if (!options.archiveFiles) {
      findings.push({ level: "warning", field: `assets[${i}].uri`, message: `"${asset.uri}" only resolves inside a CharX archive` });
    } else if (!options.archiveFiles.has(path)) {
      findings.push({ level: "error", field: `assets[${i}].uri`, message: `"${asset.uri}" is not in the archive` });
    }
  });
  c.character_book?.entries.forEach((e, i) => {
    if (e.keys.length === 0 && !e.constant) {
      findings.push({ level: "warning", field: `character_book.entries[${i}].keys`, message: "entry has no keys and is not constant: it never fires" });
    }
  });
  if (isObject(c.extensions)) {
    for (const p of cardRegexScripts(c.extensions).problems) {
      findings.push({ level: "warning", field: p.where.replace(/ ".*$/, ""), message: `regex script${p.where.includes('"') ? ` ${p.where.slice(p.where.indexOf('"'))}` : ""} ${p.message}${p.skipped ? "; it is not run" : ""}` });
    }
  }
  return findings;
}

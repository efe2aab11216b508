/**
 * SillyTavern's regex scripts (its regex extension): the script object as ST saves it
 * (settings.json's extension_settings.regex, a card's data.extensions.regex_scripts, a
 * script export file), read leniently from untrusted JSON into a shape that is safe to
 * run. The raw objects stay where they came from (the card keeps its bytes); only this
 * normalized copy is run.
 */

/** Where a script runs (ST's regex_placement). 0 and 4 are legacy values migrated on load. */
export const RegexPlacement = {
  /** Deprecated "markdown display": global scripts carrying it are migrated. */
  MD_DISPLAY: 0,
  USER_INPUT: 1,
  AI_OUTPUT: 2,
  SLASH_COMMAND: 3,
  /** Legacy "sendAs": migrated to SLASH_COMMAND. */
  SEND_AS: 4,
  WORLD_INFO: 5,
  REASONING: 6,
} as const;
export type RegexPlacement = (typeof RegexPlacement)[keyof typeof RegexPlacement];

export const PLACEMENT_NAMES: Record<number, string> = {
  0: "markdown display (legacy)",
  1: "user input",
  2: "AI output",
  3: "slash commands",
  4: "send as (legacy)",
  5: "world info",
  6: "reasoning",
};

/** Macros in the find pattern (ST's substitute_find_regex). */
export const SubstituteRegex = { NONE: 0, RAW: 1, ESCAPED: 2 } as const;

export interface RegexScript {
  id: string;
  scriptName: string;
  findRegex: string;
  replaceString: string;
  trimStrings: string[];
  placement: number[];
  disabled: boolean;
  /** Runs only on what is displayed ("Alter chat display"). */
  markdownOnly: boolean;
  /** Runs only on the prompt sent ("Alter outgoing prompt"). */
  promptOnly: boolean;
  runOnEdit: boolean;
  /** Number(ST's value): 0 none, 1 raw, 2 escaped; NaN (unknown) acts as none. */
  substituteRegex: number;
  minDepth: number | null;
  maxDepth: number | null;
}

/** A script that could not be read, or a note about one that was (named in `card show` and import reports). */
export interface RegexScriptProblem {
  /** "regex_scripts[2]" or the script's name. */
  where: string;
  message: string;
  /** The script is not run. */
  skipped: boolean;
}

export interface ReadScripts {
  scripts: RegexScript[];
  problems: RegexScriptProblem[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** A depth limit as ST compares it: numbers, and numeric text, count; anything else is no limit. */
function depthLimit(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
  return null;
}

function substituteValue(value: unknown): number {
  if (value === undefined || value === null) return 0;
  return Number(value);
}

/**
 * One script from JSON. Wrong types in the fields a script needs make it unusable (it is
 * skipped, with a problem naming the field); fields left out take ST's runtime meaning.
 */
export function readRegexScript(value: unknown, where: string): { script?: RegexScript; problems: RegexScriptProblem[] } {
  if (!isObject(value)) return { problems: [{ where, message: "is not a script object", skipped: true }] };
  const name = typeof value.scriptName === "string" && value.scriptName.trim() !== "" ? value.scriptName : "";
  const label = name ? `${where} "${name}"` : where;
  const problems: RegexScriptProblem[] = [];
  const refuse = (message: string) => ({ problems: [...problems, { where: label, message, skipped: true }] });
  if (typeof value.findRegex !== "string") return refuse(`findRegex must be text (found ${kindOf(value.findRegex)})`);
  if (value.replaceString !== undefined && typeof value.replaceString !== "string") return refuse(`replaceString must be text (found ${kindOf(value.replaceString)})`);
  if (value.trimStrings !== undefined && value.trimStrings !== null && (!Array.isArray(value.trimStrings) || value.trimStrings.some((t) => typeof t !== "string"))) {
    return refuse("trimStrings must be a list of texts");
  }
  if (value.placement !== undefined && (!Array.isArray(value.placement) || value.placement.some((p) => typeof p !== "number"))) {
    return refuse("placement must be a list of numbers");
  }
  if (!name) problems.push({ where, message: "has no scriptName", skipped: false });
  const substitute = substituteValue(value.substituteRegex);
  if (Number.isNaN(substitute)) problems.push({ where: label, message: `substituteRegex ${JSON.stringify(value.substituteRegex)} is not 0, 1 or 2: the pattern is used without macros`, skipped: false });
  const script: RegexScript = {
    id: typeof value.id === "string" ? value.id : "",
    scriptName: name,
    findRegex: value.findRegex,
    replaceString: (value.replaceString as string | undefined) ?? "",
    trimStrings: ((value.trimStrings as string[] | undefined | null) ?? []).slice(),
    placement: ((value.placement as number[] | undefined) ?? []).slice(),
    disabled: value.disabled === true,
    markdownOnly: value.markdownOnly === true,
    promptOnly: value.promptOnly === true,
    runOnEdit: value.runOnEdit === true,
    substituteRegex: substitute,
    minDepth: depthLimit(value.minDepth),
    maxDepth: depthLimit(value.maxDepth),
  };
  return { script, problems };
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  return typeof value === "undefined" ? "nothing" : `a ${typeof value}`;
}

/**
 * ST's migrateSettings for global scripts: placement 0 (markdown display) becomes both
 * "only" flags, and the other placements when it was the only one; legacy 4 becomes 3.
 */
export function migrateGlobalScript(script: RegexScript): RegexScript {
  let placement = script.placement;
  let flags = {};
  if (placement.includes(RegexPlacement.MD_DISPLAY)) {
    flags = { markdownOnly: true, promptOnly: true };
    placement = placement.length === 1 ? [1, 2, 3, 5, 6] : placement.filter((p) => p !== 0);
  }
  if (placement.includes(RegexPlacement.SEND_AS)) {
    placement = placement.length === 1 ? [RegexPlacement.SLASH_COMMAND] : placement.filter((p) => p !== 4);
  }
  return placement === script.placement ? script : { ...script, ...flags, placement };
}

/** A list of scripts (an array, or one object as an ST export file holds), each read as readRegexScript does. */
export function readRegexScripts(value: unknown, where: string, options: { global?: boolean } = {}): ReadScripts {
  if (value === undefined || value === null) return { scripts: [], problems: [] };
  const list = Array.isArray(value) ? value : isObject(value) ? [value] : undefined;
  if (!list) return { scripts: [], problems: [{ where, message: `must be a list of scripts (found ${kindOf(value)})`, skipped: true }] };
  const out: ReadScripts = { scripts: [], problems: [] };
  list.forEach((item, i) => {
    const read = readRegexScript(item, Array.isArray(value) ? `${where}[${i}]` : where);
    out.problems.push(...read.problems);
    if (read.script) out.scripts.push(options.global ? migrateGlobalScript(read.script) : read.script);
  });
  return out;
}

/** The scripts a card carries in data.extensions.regex_scripts. */
export function cardRegexScripts(extensions: Record<string, unknown>): ReadScripts {
  const read = readRegexScripts(extensions["regex_scripts"], "extensions.regex_scripts");
  return { scripts: read.scripts, problems: [...read.problems, ...placementNotes(read.scripts, "extensions.regex_scripts")] };
}

/**
 * Scripts that do nothing under 2025 SillyTavern, which taproom follows: lore and
 * reasoning text only ever pass through scripts at prompt time, so a world-info or
 * reasoning-display script without "prompt only" never runs there (2024 ran them).
 */
export function placementNotes(scripts: RegexScript[], where: string): RegexScriptProblem[] {
  const notes: RegexScriptProblem[] = [];
  scripts.forEach((s, i) => {
    const label = `${where}[${i}]${s.scriptName ? ` "${s.scriptName}"` : ""}`;
    if (s.placement.includes(RegexPlacement.WORLD_INFO) && !s.promptOnly) {
      notes.push({ where: label, message: "runs on world info but is not prompt-only: world info only passes through prompt-only scripts (SillyTavern 2025; 2024 also ran it)", skipped: false });
    }
    if (s.placement.length === 0) notes.push({ where: label, message: "has no placement: it never runs", skipped: false });
  });
  return notes;
}

/** One line per script, for `card show` and the allow prompt. */
export function describeScript(script: RegexScript): string {
  const where = script.placement.map((p) => PLACEMENT_NAMES[p] ?? `placement ${p}`).join(", ") || "nowhere";
  const flags = [
    script.disabled && "disabled",
    script.markdownOnly && "display only",
    script.promptOnly && "prompt only",
    script.minDepth !== null && `min depth ${script.minDepth}`,
    script.maxDepth !== null && `max depth ${script.maxDepth}`,
  ].filter(Boolean);
  const name = script.scriptName || "(unnamed)";
  return `${name}: ${script.findRegex} → ${JSON.stringify(script.replaceString)} (${where}${flags.length ? `; ${flags.join(", ")}` : ""})`;
}

/**
 * A fingerprint of a card's scripts as stored: permission is given to these scripts, so a
 * card whose scripts change (re-imported, edited) is asked about again. FNV-1a, 2 x 32 bits.
 */
export function scriptsFingerprint(raw: unknown): string {
  const text = JSON.stringify(raw ?? null);
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, "0") + (b >>> 0).toString(16).padStart(8, "0");
}

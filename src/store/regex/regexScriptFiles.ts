/**
 * SillyTavern's regex script files: what its editor exports (one script object, 4-space
 * JSON) and imports (one object, or since 2025 a list of them). An imported script gets a
 * new id, as SillyTavern gives it; a script without a name or a find pattern is refused
 * by name, the others are kept.
 */
import { randomUUID } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { readRegexScript } from "../../core/regexScripts/script.ts";
import { writeFileAtomic } from "../atomicWrite.ts";

const MAX_BYTES = 8 * 1024 * 1024;

export class RegexScriptFileError extends Error {
  constructor(readonly path: string, detail: string) {
    super(`${path}: ${detail}`);
    this.name = "RegexScriptFileError";
  }
}

export interface ImportedScripts {
  /** The scripts as SillyTavern objects, each with a new id, ready for settings.json's regexScripts. */
  scripts: Record<string, unknown>[];
  /** One line per script left out. */
  refused: string[];
}

export async function readRegexScriptFile(path: string): Promise<ImportedScripts> {
  const info = await stat(path);
  if (info.size > MAX_BYTES) throw new RegexScriptFileError(path, `larger than ${MAX_BYTES} bytes: not a regex script file`);
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    throw new RegexScriptFileError(path, `not valid JSON (${(error as Error).message})`);
  }
  const list = Array.isArray(value) ? value : [value];
  const out: ImportedScripts = { scripts: [], refused: [] };
  list.forEach((item, i) => {
    const where = Array.isArray(value) ? `[${i}]` : "the script";
    const read = readRegexScript(item, where);
    const skipped = read.problems.find((p) => p.skipped);
    if (!read.script || skipped) return void out.refused.push(`${skipped?.where ?? where}: ${skipped?.message ?? "is not a script"}`);
    if (!read.script.scriptName) return void out.refused.push(`${where}: has no scriptName (SillyTavern refuses it too)`);
    out.scripts.push({ ...(item as Record<string, unknown>), id: randomUUID() });
  });
  if (out.scripts.length === 0 && out.refused.length === 0) throw new RegexScriptFileError(path, "holds no regex script");
  return out;
}

/** A script as SillyTavern's "export" writes it. */
export async function writeRegexScriptFile(path: string, script: Record<string, unknown>): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(script, null, 4)}\n`);
}

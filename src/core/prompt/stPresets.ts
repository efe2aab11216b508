/**
 * SillyTavern's prompt presets as files: a context template, an instruct template, a
 * system prompt, or the "master" export holding several (preset-manager.js). Told apart
 * as SillyTavern's performMasterImport tells them apart, read leniently with its defaults
 * (instruct-mode.js migrateInstructModeSettings), every repair said.
 */
import {
  DEFAULT_CONTEXT, EMPTY_SEQUENCES, FLAG_FIELDS, SEQUENCE_FIELDS,
  type ContextTemplate, type InstructSequences, type NamesBehavior,
} from "./formats.ts";

export type PromptPresetKind = "instruct" | "context" | "sysprompt";

export interface PromptPresetParts {
  instruct?: { name: string; sequences: InstructSequences; systemPrompt?: string };
  context?: { name: string; context: ContextTemplate };
  sysprompt?: { name: string; content: string };
  /** A text-completion (sampler) preset inside a master export, as it was. */
  samplers?: { name: string; json: Record<string, unknown> };
}

export interface ReadPromptPreset {
  parts: PromptPresetParts;
  /** The file is a master export (several sections), not a single preset. */
  master: boolean;
  warnings: string[];
}

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const has = (o: Obj, keys: string[]) => keys.every((k) => Object.keys(o).includes(k));

/** SillyTavern's isPossibly*Data checks. */
export const looksLikeInstruct = (o: unknown): boolean => isObject(o) && has(o, ["name", "input_sequence", "output_sequence"]);
export const looksLikeContext = (o: unknown): boolean => isObject(o) && has(o, ["name", "story_string"]);
export const looksLikeSysprompt = (o: unknown): boolean => isObject(o) && has(o, ["name", "content"]);
export const looksLikeSamplers = (o: unknown): boolean => isObject(o) && has(o, ["temp", "top_k", "top_p", "rep_pen"]);

function text(o: Obj, key: string, fallback: string, where: string, warnings: string[]): string {
  const v = o[key];
  if (v === undefined) return fallback;
  if (typeof v === "string") return v;
  if (v === null) { warnings.push(`${where}.${key}: null, read as ${JSON.stringify(fallback)}`); return fallback; }
  if (typeof v === "number" || typeof v === "boolean") { warnings.push(`${where}.${key}: ${JSON.stringify(v)} read as text`); return String(v); }
  warnings.push(`${where}.${key}: not text; read as ${JSON.stringify(fallback)}`);
  return fallback;
}

function flag(o: Obj, key: string, fallback: boolean, where: string, warnings: string[]): boolean {
  const v = o[key];
  if (v === undefined) return fallback;
  if (typeof v === "boolean") return v;
  if (v === "true" || v === "false") { warnings.push(`${where}.${key}: text ${JSON.stringify(v)}, read as ${v}`); return v === "true"; }
  warnings.push(`${where}.${key}: ${JSON.stringify(v)?.slice(0, 30)}, read as ${Boolean(v)}`);
  return Boolean(v);
}

/** An instruct preset, migrated as SillyTavern migrates old ones (separator_sequence, names). */
export function readInstruct(o: Obj, where: string, warnings: string[]): { name: string; sequences: InstructSequences; systemPrompt?: string } {
  const s: InstructSequences = { ...EMPTY_SEQUENCES };
  for (const key of SEQUENCE_FIELDS) (s as unknown as Record<string, string>)[key] = text(o, key, EMPTY_SEQUENCES[key] as string, where, warnings);
  for (const key of FLAG_FIELDS) s[key] = flag(o, key, EMPTY_SEQUENCES[key], where, warnings);
  if (o.separator_sequence !== undefined && o.output_suffix === undefined) s.output_suffix = text(o, "separator_sequence", "", where, warnings);
  let names: unknown = o.names_behavior;
  if (names === undefined && o.names !== undefined) names = o.names ? "always" : o.names_force_groups === false ? "none" : "force";
  if (names !== undefined && names !== "none" && names !== "force" && names !== "always") {
    warnings.push(`${where}.names_behavior: ${JSON.stringify(names)?.slice(0, 30)} is not none, force or always; read as force`);
    names = "force";
  }
  s.names_behavior = (names as NamesBehavior | undefined) ?? "force";
  const systemPrompt = typeof o.system_prompt === "string" && o.system_prompt !== "" ? o.system_prompt : undefined;
  return { name: text(o, "name", "", where, warnings), sequences: s, ...(systemPrompt !== undefined && { systemPrompt }) };
}

/** A context preset; fields it leaves out are the Default context's. */
export function readContext(o: Obj, where: string, warnings: string[]): { name: string; context: ContextTemplate } {
  const d = DEFAULT_CONTEXT;
  return {
    name: text(o, "name", "", where, warnings),
    context: {
      story_string: text(o, "story_string", d.story_string, where, warnings),
      chat_start: text(o, "chat_start", d.chat_start, where, warnings),
      example_separator: text(o, "example_separator", d.example_separator, where, warnings),
      use_stop_strings: flag(o, "use_stop_strings", false, where, warnings),
      names_as_stop_strings: flag(o, "names_as_stop_strings", true, where, warnings),
      allow_jailbreak: flag(o, "allow_jailbreak", false, where, warnings),
    },
  };
}

function readSysprompt(o: Obj, where: string, warnings: string[]): { name: string; content: string } {
  return { name: text(o, "name", "", where, warnings), content: text(o, "content", "", where, warnings) };
}

/**
 * What a preset file is, in SillyTavern's order: an instruct template, a context template,
 * a system prompt, a sampler preset, else a master export's sections. Undefined when it is
 * none of these.
 */
export function readPromptPreset(json: unknown): ReadPromptPreset | undefined {
  const warnings: string[] = [];
  if (!isObject(json)) return undefined;
  if (looksLikeInstruct(json)) return { parts: { instruct: readInstruct(json, "instruct", warnings) }, master: false, warnings };
  if (looksLikeContext(json)) return { parts: { context: readContext(json, "context", warnings) }, master: false, warnings };
  if (looksLikeSysprompt(json)) return { parts: { sysprompt: readSysprompt(json, "sysprompt", warnings) }, master: false, warnings };
  if (looksLikeSamplers(json)) return undefined;
  const parts: PromptPresetParts = {};
  if (looksLikeInstruct(json.instruct)) parts.instruct = readInstruct(json.instruct as Obj, "instruct", warnings);
  if (looksLikeContext(json.context)) parts.context = readContext(json.context as Obj, "context", warnings);
  if (looksLikeSysprompt(json.sysprompt)) parts.sysprompt = readSysprompt(json.sysprompt as Obj, "sysprompt", warnings);
  if (isObject(json.preset) && looksLikeSamplers(json.preset)) {
    parts.samplers = { name: typeof json.preset.name === "string" ? json.preset.name : "", json: json.preset };
  }
  for (const key of ["instruct", "context", "sysprompt", "preset"]) {
    if (json[key] !== undefined && !(key === "preset" ? parts.samplers : parts[key as PromptPresetKind])) warnings.push(`${key}: not a SillyTavern ${key} section; left out`);
  }
  return Object.keys(parts).length ? { parts, master: true, warnings } : undefined;
}

/**
 * The user's presets, in presets.json beside settings.json: sampler presets, and prompt
 * templates imported from SillyTavern (its context and instruct templates and system
 * prompts, paired by name as SillyTavern pairs them).
 */
import { join } from "node:path";
import type { Low } from "lowdb";
import { openJsonDb } from "../jsonDb.ts";
import { allPresets, builtInPresets, findPreset, PresetError, type SamplerPreset } from "../../core/samplers/presets.ts";
import type { SamplerSettings } from "../../core/samplers/types.ts";
import { samplerTable } from "../../core/samplers/table.ts";
import { DEFAULT_CONTEXT, type ContextTemplate, type InstructSequences } from "../../core/prompt/formats.ts";
import { readContext, readInstruct, type PromptPresetParts } from "../../core/prompt/stPresets.ts";
import { getTemplate, UnknownTemplateError, type InstructTemplate } from "../../core/prompt/templates.ts";

/** An imported prompt template: whichever of SillyTavern's parts were imported under one name. */
export interface TemplateRecord {
  /** The name it is chosen by (a free one when SillyTavern's was taken). */
  name: string;
  /** The name it had in SillyTavern: parts imported later under it join this record. */
  importedAs: string;
  context?: ContextTemplate;
  instruct?: InstructSequences;
  systemPrompt?: string;
}

interface PresetFile {
  presets: { name: string; description: string; samplers: Partial<SamplerSettings> }[];
  templates?: TemplateRecord[];
}

export interface ImportedTemplate {
  name: string;
  /** What happened, in words: saved, joined, renamed, unchanged. */
  notes: string[];
}

const NUMBER_FIELDS = new Set<string>(samplerTable.map((s) => s.key));

export class PresetStore {
  private constructor(
    readonly path: string,
    private readonly db: Low<PresetFile>,
  ) {}

  /** root: dataPaths().root */
  static async open(options: { root: string }): Promise<PresetStore> {
    const path = join(options.root, "presets.json");
    const db = await openJsonDb<PresetFile>({ path, defaults: { presets: [] }, indent: 2 });
    if (!Array.isArray(db.data.presets)) throw new PresetError(`${path}: "presets" must be a list`);
    db.data.presets.forEach((p, i) => checkPreset(p, `${path}: presets[${i}]`));
    if (db.data.templates !== undefined && !Array.isArray(db.data.templates)) throw new PresetError(`${path}: "templates" must be a list`);
    db.data.templates = (db.data.templates ?? []).map((t, i) => checkTemplate(t, `${path}: templates[${i}]`));
    return new PresetStore(path, db);
  }

  /** Built-ins and the user's, as presets a chat can name. */
  list(): SamplerPreset[] {
    return allPresets(this.userPresets());
  }

  find(name: string): SamplerPreset | undefined {
    return findPreset(this.list(), name);
  }

  userPresets(): SamplerPreset[] {
    return this.db.data.presets.map((p) => ({ ...p, samplers: { ...p.samplers }, builtIn: false }));
  }

  /** Adds or replaces (by name, any case) a user preset. */
  async save(preset: { name: string; description?: string; samplers: Partial<SamplerSettings> }): Promise<void> {
    const entry = { name: preset.name.trim(), description: preset.description ?? "", samplers: preset.samplers };
    checkPreset(entry, this.path);
    const others = this.db.data.presets.filter((p) => p.name.toLowerCase() !== entry.name.toLowerCase());
    this.db.data.presets = [...others, entry];
    await this.db.write();
  }

  /** A free sampler preset name: the wanted one, else "Name (2)", "Name (3)"... */
  freeName(wanted: string): string {
    const taken = (n: string) => isBuiltInPresetName(n) || this.db.data.presets.some((p) => p.name.toLowerCase() === n.toLowerCase());
    let name = wanted;
    for (let i = 2; taken(name); i++) name = `${wanted} (${i})`;
    return name;
  }

  /** The imported prompt templates, as templates the prompt can use by name. */
  templates(): InstructTemplate[] {
    return (this.db.data.templates ?? []).map(templateOf);
  }

  templateRecords(): TemplateRecord[] {
    return structuredClone(this.db.data.templates ?? []);
  }

  /**
   * Saves SillyTavern prompt presets: each part joins the record imported under the same
   * SillyTavern name that lacks it (so a context and an instruct template of one name pair
   * up), or is already there unchanged; otherwise it is a new record. A name that is a
   * shipped template's, or already holds a different part, is not overwritten: the import
   * takes a free name ("ChatML (2)") and says so, unless `replace` is given.
   */
  async importTemplate(parts: PromptPresetParts, wanted: string, options: { replace?: boolean } = {}): Promise<ImportedTemplate> {
    const records = this.db.data.templates ?? [];
    const incoming: Partial<TemplateRecord> = {
      ...(parts.context && { context: parts.context.context }),
      ...(parts.instruct && { instruct: parts.instruct.sequences }),
      ...((parts.sysprompt || parts.instruct?.systemPrompt) && { systemPrompt: parts.sysprompt?.content ?? parts.instruct!.systemPrompt }),
    };
    const keys = Object.keys(incoming) as (keyof TemplateRecord)[];
    const same = (r: TemplateRecord) => r.importedAs.toLowerCase() === wanted.toLowerCase();
    const fits = (r: TemplateRecord) => keys.every((k) => r[k] === undefined || JSON.stringify(r[k]) === JSON.stringify(incoming[k]));
    const notes: string[] = [];
    let target = options.replace ? records.find((r) => r.name.toLowerCase() === wanted.toLowerCase()) : records.find((r) => same(r) && fits(r));
    if (target && !options.replace && keys.every((k) => JSON.stringify(target![k]) === JSON.stringify(incoming[k]))) {
      return { name: target.name, notes: [`already imported as "${target.name}"; nothing changed`] };
    }
    if (!target) {
      const name = this.freeTemplateName(wanted);
      if (name !== wanted) notes.push(`"${wanted}" is ${shippedTemplate(wanted) ? "a shipped template's name" : "taken by another import"}: saved as "${name}"`);
      target = { name, importedAs: wanted };
      records.push(target);
    } else {
      notes.push(options.replace ? `replaced in "${target.name}"` : `joined "${target.name}"`);
    }
    Object.assign(target, incoming);
    checkTemplate(target, this.path);
    this.db.data.templates = records;
    await this.db.write();
    return { name: target.name, notes };
  }

  private freeTemplateName(wanted: string): string {
    const taken = (n: string) => shippedTemplate(n) || (this.db.data.templates ?? []).some((t) => t.name.toLowerCase() === n.toLowerCase());
    let name = wanted;
    for (let i = 2; taken(name); i++) name = `${wanted} (${i})`;
    return name;
  }

  async remove(name: string): Promise<boolean> {
    const before = this.db.data.presets.length;
    this.db.data.presets = this.db.data.presets.filter((p) => p.name.toLowerCase() !== name.trim().toLowerCase());
    if (this.db.data.presets.length === before) return false;
    await this.db.write();
    return true;
  }
}

export function isBuiltInPresetName(name: string): boolean {
  return builtInPresets.some((p) => p.name.toLowerCase() === name.trim().toLowerCase());
}

function checkPreset(preset: unknown, where: string): void {
  const p = preset as Partial<PresetFile["presets"][number]> | null;
  if (!p || typeof p.name !== "string" || p.name.trim() === "") throw new PresetError(`${where}: a preset needs a "name"`);
  if (typeof p.samplers !== "object" || p.samplers === null) throw new PresetError(`${where}: "samplers" must be an object`);
  for (const [key, value] of Object.entries(p.samplers)) {
    if (key === "drySequenceBreakers") {
      if (!Array.isArray(value) || value.some((s) => typeof s !== "string")) {
        throw new PresetError(`${where}: samplers.drySequenceBreakers must be a list of strings`);
      }
    } else if (!NUMBER_FIELDS.has(key)) {
      throw new PresetError(`${where}: samplers.${key} is not a sampler taproom knows`);
    } else if (typeof value !== "number" || !Number.isFinite(value)) {
      throw new PresetError(`${where}: samplers.${key} must be a number`);
    }
  }
}

function shippedTemplate(name: string): boolean {
  try {
    getTemplate(name);
    return true;
  } catch (error) {
    if (error instanceof UnknownTemplateError) return false;
    throw error;
  }
}

/** An imported record as a template: its context (or the Default one), its instruct sequences (or none). */
function templateOf(r: TemplateRecord): InstructTemplate {
  return {
    name: r.name,
    label: r.importedAs === r.name ? r.name : `${r.name} (SillyTavern's "${r.importedAs}")`,
    context: r.context ?? DEFAULT_CONTEXT,
    sequences: r.instruct ?? null,
    ...(r.systemPrompt !== undefined && { systemPrompt: r.systemPrompt }),
  };
}

/** A stored record, read back through the same lenient readers as an import; a record without a name is refused. */
function checkTemplate(raw: unknown, where: string): TemplateRecord {
  const r = raw as Partial<TemplateRecord> | null;
  if (!r || typeof r.name !== "string" || r.name.trim() === "") throw new PresetError(`${where}: a template needs a "name"`);
  const ignored: string[] = [];
  const out: TemplateRecord = { name: r.name, importedAs: typeof r.importedAs === "string" ? r.importedAs : r.name };
  if (r.context !== undefined) out.context = readContext({ ...(r.context as object), name: r.name }, "context", ignored).context;
  if (r.instruct !== undefined) out.instruct = readInstruct({ ...(r.instruct as object), name: r.name }, "instruct", ignored).sequences;
  if (typeof r.systemPrompt === "string") out.systemPrompt = r.systemPrompt;
  return out;
}

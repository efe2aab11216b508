/** The user's sampler presets, in presets.json beside settings.json. */
import { join } from "node:path";
import type { Low } from "lowdb";
import { openJsonDb } from "../jsonDb.ts";
import { allPresets, builtInPresets, findPreset, PresetError, type SamplerPreset } from "../../core/samplers/presets.ts";
import type { SamplerSettings } from "../../core/samplers/types.ts";
import { samplerTable } from "../../core/samplers/table.ts";

interface PresetFile {
  presets: { name: string; description: string; samplers: Partial<SamplerSettings> }[];
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

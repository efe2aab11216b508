/**
 * The sampler panel's rows and how Left/Right change them: the sampler table's panel
 * rows, stepped by each one's step and held inside its range.
 */
import type { SamplerSettings } from "../../core/samplers/types.ts";
import { formatSamplerValue, samplerDecimals, samplerTable, type SamplerSpec } from "../../core/samplers/table.ts";
import { checkSamplerValue } from "../../core/samplers/validate.ts";

export type SamplerRow = SamplerSpec;

export const samplerRows: readonly SamplerRow[] = samplerTable.filter((s) => s.panel !== false);

/** The label as the panel draws it: a row that belongs to the one above is indented. */
export const rowLabel = (row: SamplerRow) => (row.sub ? `  ${row.label}` : row.label);

/** The row's value one step up or down, kept within its range; null when already at the end. */
export function stepSampler(samplers: SamplerSettings, row: SamplerRow, direction: -1 | 1): Partial<SamplerSettings> | null {
  const current = samplers[row.key];
  const raw = Math.min(row.max, Math.max(row.min, current + direction * row.step));
  const value = Number(raw.toFixed(samplerDecimals(row)));
  if (value === current) return null;
  checkSamplerValue(row.key, value);
  return { [row.key]: value };
}

export function formatSampler(samplers: SamplerSettings, row: SamplerRow): string {
  return formatSamplerValue(row, samplers[row.key]);
}

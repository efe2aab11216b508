import type { SamplerSettings } from "../core/samplers/types.ts";
import { samplerTable } from "../core/samplers/table.ts";
import { parseIntegerFlag, parseNumberFlag } from "./args.ts";

/** `--temperature T`, `--top-p P`...: one string option per sampler of the table. */
export const samplerFlagOptions: Record<string, { type: "string" }> = Object.fromEntries(samplerTable.map((s) => [s.flag, { type: "string" as const }]));

/** The sampler flags given, as numbers (whole where the sampler is); ranges are checked when they are resolved. */
export function readSamplerFlags(values: Record<string, unknown>): Partial<SamplerSettings> {
  const flags: Partial<SamplerSettings> = {};
  for (const spec of samplerTable) {
    const raw = values[spec.flag];
    if (typeof raw !== "string") continue;
    flags[spec.key] = (spec.integer ? parseIntegerFlag : parseNumberFlag)(spec.flag, raw)!;
  }
  return flags;
}

import type { SamplerSettings } from "../core/samplers/types.ts";
import { samplerTable } from "../core/samplers/table.ts";
import { parseIntegerFlag, parseNumberFlag } from "./args.ts";
import { UsageError } from "./command.ts";

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

/** What a reply may and may not write, as SillyTavern's text-completion preset carries it. */
export const tokenFlagOptions = {
  ban: { type: "string", multiple: true },
  "logit-bias": { type: "string", multiple: true },
  grammar: { type: "string" },
  "ban-eos": { type: "boolean" },
} as const;

/** The token flags given, the grammar read from its file; each problem is one usage line naming the flag. */
export async function readTokenFlags(
  values: { ban?: string[]; "logit-bias"?: string[]; grammar?: string; "ban-eos"?: boolean },
  readText: (path: string) => Promise<string>,
): Promise<Partial<SamplerSettings>> {
  const flags: Partial<SamplerSettings> = {};
  if (values.ban?.length) flags.bannedTokens = values.ban;
  if (values["logit-bias"]?.length) flags.logitBias = values["logit-bias"].map(biasRow);
  if (values.grammar !== undefined) {
    try {
      flags.grammar = await readText(values.grammar);
    } catch (error) {
      throw new UsageError(`--grammar ${values.grammar}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message}`);
    }
  }
  if (values["ban-eos"]) flags.banEos = true;
  return flags;
}

/** "TEXT=N", split at the last "=" so the text may hold one. */
function biasRow(raw: string): { text: string; value: number } {
  const at = raw.lastIndexOf("=");
  const value = at > 0 ? Number(raw.slice(at + 1)) : Number.NaN;
  if (at <= 0 || raw.slice(at + 1).trim() === "" || !Number.isFinite(value)) throw new UsageError(`--logit-bias takes TEXT=N (e.g. "Bryn=-100"), got "${raw}"`);
  return { text: raw.slice(0, at), value };
}

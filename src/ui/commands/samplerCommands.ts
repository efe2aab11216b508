import { samplerRangeText, samplerTable, type SamplerSpec } from "../../core/samplers/table.ts";
import { parseBounded, type SlashCommand } from "./command.ts";

/** `/NAME VALUE` for one sampler of the table: its range, whole or not, its words. */
export function samplerCommand(spec: SamplerSpec & { slash: string }): SlashCommand {
  return {
    name: spec.slash,
    description: `Set ${spec.name}: ${spec.help}`,
    usage: `/${spec.slash} VALUE (${samplerRangeText(spec)})`,
    action(args, ctx) {
      const value = parseBounded(spec.slash, args, spec.min, spec.max, spec.integer ?? false);
      ctx.setSamplers({ [spec.key]: value });
      ctx.notify(`${spec.label} set to ${value}`);
    },
  };
}

/** A slash command for each sampler the table gives one (/temp, /minp, ...), in the table's order. */
export const samplerCommands: SlashCommand[] = samplerTable
  .filter((s): s is SamplerSpec & { slash: string } => s.slash !== undefined)
  .map(samplerCommand);

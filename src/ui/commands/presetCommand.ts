import { findPreset } from "../../core/samplers/presets.ts";
import { resolveSamplers } from "../../core/samplers/validate.ts";
import { notAppliedNotice } from "../../core/samplers/notApplied.ts";
import { CommandArgumentError, namesStartingWith, type SlashCommand } from "./command.ts";

export const presetCommand: SlashCommand = {
  name: "preset",
  description: "Use a sampler preset for this chat (/preset alone lists them)",
  usage: "/preset NAME",
  complete: (args, ctx) => namesStartingWith(ctx.presets().map((p) => p.name), args),
  action(args, ctx) {
    const presets = ctx.presets();
    const names = presets.map((p) => p.name).join(", ");
    if (!args.trim()) {
      ctx.notify(`Presets: ${names}`);
      return;
    }
    const preset = findPreset(presets, args);
    if (!preset) throw new CommandArgumentError(`/preset: no preset "${args.trim()}"; there are ${names}`);
    // A preset is a whole sampler setup: what it leaves unset goes back to the defaults.
    const samplers = resolveSamplers(preset.samplers);
    ctx.setSamplers(samplers);
    ctx.choosePreset(preset.name);
    const notApplied = notAppliedNotice(samplers);
    ctx.notify(`Preset ${preset.name}: ${preset.description}${notApplied ? ` · ${notApplied}` : ""}`);
  },
};

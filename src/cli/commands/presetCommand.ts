import { basename } from "node:path";
import type { CliCommand, CliIO } from "../command.ts";
import { runSubcommand, UsageError } from "../command.ts";
import { parseCommandArgs } from "../args.ts";
import { createApp } from "../../app/app.ts";
import { isBuiltInPresetName, PresetError, type PresetService } from "../../app/presets.ts";
import { displayLine, displayText } from "../../core/text/sanitize.ts";

const usage = `Usage:
  taproom preset list [--json]                     shipped and saved sampler presets
  taproom preset show NAME [--json]                one preset's samplers
  taproom preset import FILE.json [--name NAME]    save a SillyTavern text-completion preset

A chat uses its own preset, else the settings' defaultPreset; the chat's own sampler
overrides win over both.`;

function presetsOf(io: CliIO): PresetService {
  return createApp({ env: io.env, cwd: io.cwd }).presets;
}

async function list(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(argv, { json: { type: "boolean" } }, false);
  const presets = await presetsOf(io).list();
  if (values.json) {
    io.stdout.write(`${JSON.stringify(presets, null, 2)}\n`);
    return 0;
  }
  const width = Math.max(...presets.map((p) => p.name.length));
  for (const p of presets) {
    io.stdout.write(displayLine(`${p.name.padEnd(width)}  ${p.builtIn ? "shipped" : "yours  "}  ${p.description}`) + "\n");
  }
  return 0;
}

async function show(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { json: { type: "boolean" } });
  const name = positionals.join(" ");
  if (!name) throw new UsageError("show takes a preset NAME");
  const preset = await presetsOf(io).find(name);
  if (!preset) throw new PresetError(`no preset named "${name}" (taproom preset list shows them)`);
  if (values.json) {
    io.stdout.write(`${JSON.stringify(preset, null, 2)}\n`);
    return 0;
  }
  io.stdout.write(displayText(`${preset.name}${preset.builtIn ? " (shipped)" : ""}\n${preset.description ? `${preset.description}\n` : ""}`));
  for (const [key, value] of Object.entries(preset.samplers)) {
    io.stdout.write(displayText(`  ${key}: ${Array.isArray(value) ? JSON.stringify(value) : String(value)}`) + "\n");
  }
  return 0;
}

async function importCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { name: { type: "string" } });
  const [file, ...more] = positionals;
  if (!file || more.length > 0) throw new UsageError("import takes one FILE.json");
  const name = (values.name ?? basename(file).replace(/\.json$/i, "")).trim();
  if (name === "") throw new UsageError("--name cannot be empty");
  if (isBuiltInPresetName(name)) throw new UsageError(`"${name}" is a shipped preset's name; pick another with --name`);
  const imported = await presetsOf(io).importSillyTavern(file, name);
  io.stdout.write(displayText(`Saved preset "${name}" (${imported.samplers} samplers)`) + "\n");
  if (imported.ignored.length > 0) {
    const list = imported.ignored.map((i) => `${i.key}=${JSON.stringify(i.value)}`).join(", ");
    io.stdout.write(displayText(`Ignored, taproom has no such sampler: ${list}`) + "\n");
  }
  return 0;
}

const subcommands: Record<string, (argv: string[], io: CliIO) => Promise<number>> = { list, show, import: importCommand };

export const presetCommand: CliCommand = {
  name: "preset",
  summary: "list, show and import sampler presets",
  usage,
  run: (argv, io) => runSubcommand("preset", subcommands, argv, io, list),
};

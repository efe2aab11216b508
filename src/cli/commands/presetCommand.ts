import { readFile } from "node:fs/promises";
import { basename, resolve } from "node:path";
import type { CliCommand, CliIO } from "../command.ts";
import { runSubcommand, UsageError } from "../command.ts";
import { parseCommandArgs } from "../args.ts";
import { dataDir } from "../../store/paths.ts";
import { PresetStore, isBuiltInPresetName } from "../../store/presets/presetStore.ts";
import { PresetError } from "../../core/samplers/presets.ts";
import { importSillyTavernPreset } from "../../core/samplers/sillyTavernPreset.ts";
import { displayText } from "../../core/text/sanitize.ts";
import { presetHelp } from "./help.ts";

function openStore(io: CliIO): Promise<PresetStore> {
  return PresetStore.open({ root: dataDir(io.env) });
}

async function list(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(argv, { json: { type: "boolean" } }, false);
  const presets = (await openStore(io)).list();
  if (values.json) {
    io.stdout.write(`${JSON.stringify(presets, null, 2)}\n`);
    return 0;
  }
  const width = Math.max(...presets.map((p) => p.name.length));
  for (const p of presets) {
    io.stdout.write(displayText(`${p.name.padEnd(width)}  ${p.builtIn ? "shipped" : "yours  "}  ${p.description}`) + "\n");
  }
  return 0;
}

async function show(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { json: { type: "boolean" } });
  const name = positionals.join(" ");
  if (!name) throw new UsageError("show takes a preset NAME");
  const preset = (await openStore(io)).find(name);
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
  const path = resolve(io.cwd, file);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    if (error instanceof SyntaxError) throw new PresetError(`${path}: not valid JSON`);
    throw error;
  }
  const name = (values.name ?? basename(file).replace(/\.json$/i, "")).trim();
  if (name === "") throw new UsageError("--name cannot be empty");
  if (isBuiltInPresetName(name)) throw new UsageError(`"${name}" is a shipped preset's name; pick another with --name`);
  const imported = importSillyTavernPreset(json, path);
  await (await openStore(io)).save({ name, description: `Imported from ${basename(file)}`, samplers: imported.samplers });
  io.stdout.write(displayText(`Saved preset "${name}" (${Object.keys(imported.samplers).length} samplers)`) + "\n");
  if (imported.ignored.length > 0) {
    const list = imported.ignored.map((i) => `${i.key}=${JSON.stringify(i.value)}`).join(", ");
    io.stdout.write(displayText(`Ignored, taproom has no such sampler: ${list}`) + "\n");
  }
  return 0;
}

const subcommands: Record<string, (argv: string[], io: CliIO) => Promise<number>> = { list, show, import: importCommand };

export const presetCommand: CliCommand = {
  ...presetHelp,
  run: (argv, io) => runSubcommand("preset", subcommands, argv, io, list),
};

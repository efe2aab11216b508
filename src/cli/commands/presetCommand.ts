import type { CliCommand, CliIO } from "../command.ts";
import { runSubcommand, UsageError } from "../command.ts";
import { parseCommandArgs } from "../args.ts";
import { createApp } from "../../app/app.ts";
import { isBuiltInPresetName, PresetError, type PresetService, type TemplateRecord } from "../../app/presets.ts";
import { INSTRUCT_TEMPLATES } from "../../core/prompt/templates.ts";
import { displayText } from "../../core/text/sanitize.ts";
import { presetHelp } from "./help.ts";

function presetsOf(io: CliIO): PresetService {
  return createApp({ env: io.env, cwd: io.cwd }).presets;
}

async function list(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(argv, { json: { type: "boolean" } }, false);
  const service = presetsOf(io);
  const presets = await service.list();
  const templates = await service.templateRecords();
  if (values.json) {
    io.stdout.write(`${JSON.stringify(presets, null, 2)}\n`);
    return 0;
  }
  const width = Math.max(...presets.map((p) => p.name.length));
  for (const p of presets) {
    io.stdout.write(displayText(`${p.name.padEnd(width)}  ${p.builtIn ? "shipped" : "yours  "}  ${p.description}`) + "\n");
  }
  const shipped = INSTRUCT_TEMPLATES.map((t) => t.name).join(", ");
  io.stdout.write(displayText(`Prompt templates: ${shipped} (shipped)${templates.length ? `; imported: ${templates.map((t) => `${t.name} (${templateParts(t)})`).join(", ")}` : ""}`) + "\n");
  return 0;
}

function templateParts(t: TemplateRecord): string {
  return [t.context && "context", t.instruct && "instruct", t.systemPrompt !== undefined && "system prompt"].filter(Boolean).join(" + ");
}

async function show(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { json: { type: "boolean" } });
  const name = positionals.join(" ");
  if (!name) throw new UsageError("show takes a preset NAME");
  const service = presetsOf(io);
  const preset = await service.find(name);
  const record = (await service.templateRecords()).find((t) => t.name.toLowerCase() === name.trim().toLowerCase());
  if (!preset && record) {
    io.stdout.write(values.json ? `${JSON.stringify(record, null, 2)}\n` : displayText(JSON.stringify(record, null, 2)) + "\n");
    return 0;
  }
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
  const { values, positionals } = parseCommandArgs(argv, { name: { type: "string" }, replace: { type: "boolean" } });
  const [file, ...more] = positionals;
  if (!file || more.length > 0) throw new UsageError("import takes one FILE.json");
  if (values.name !== undefined && values.name.trim() === "") throw new UsageError("--name cannot be empty");
  const say = (line: string) => io.stdout.write(displayText(line) + "\n");
  const imported = await presetsOf(io).importSillyTavern(file, { ...(values.name !== undefined && { name: values.name }), replace: values.replace === true });
  for (const line of imported.repairs) io.stderr.write(displayText(line) + "\n");
  const { template, preset } = imported;
  if (template) {
    const notes = template.notes.length ? ` (${template.notes.join("; ")})` : "";
    say(`Saved ${template.parts.join(", ")} "${template.name}"${notes}; use it with --template "${template.name}" or /instruct ${template.name}`);
  }
  if (preset) {
    const renamed = preset.name === preset.wanted ? "" : ` ("${preset.wanted}" is ${isBuiltInPresetName(preset.wanted) ? "a shipped preset's name" : "taken"}: saved as "${preset.name}")`;
    say(`Saved preset "${preset.name}" (${preset.samplers} samplers)${renamed}`);
    if (preset.ignored.length > 0) say(`Ignored, taproom has no such sampler: ${preset.ignored.map((i) => `${i.key}=${JSON.stringify(i.value)}`).join(", ")}`);
  }
  return 0;
}

const subcommands: Record<string, (argv: string[], io: CliIO) => Promise<number>> = { list, show, import: importCommand };

export const presetCommand: CliCommand = {
  ...presetHelp,
  run: (argv, io) => runSubcommand("preset", subcommands, argv, io, list),
};

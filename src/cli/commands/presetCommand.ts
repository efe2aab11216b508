import { readFile } from "node:fs/promises";
import { basename, resolve } from "node:path";
import type { CliCommand, CliIO } from "../command.ts";
import { runSubcommand, UsageError } from "../command.ts";
import { parseCommandArgs } from "../args.ts";
import { dataDir } from "../../store/paths.ts";
import { PresetStore, isBuiltInPresetName, type TemplateRecord } from "../../store/presets/presetStore.ts";
import { readPromptPreset } from "../../core/prompt/stPresets.ts";
import { INSTRUCT_TEMPLATES } from "../../core/prompt/templates.ts";
import { PresetError } from "../../core/samplers/presets.ts";
import { importSillyTavernPreset } from "../../core/samplers/sillyTavernPreset.ts";
import { displayText } from "../../core/text/sanitize.ts";
import { presetHelp } from "./help.ts";

function openStore(io: CliIO): Promise<PresetStore> {
  return PresetStore.open({ root: dataDir(io.env) });
}

async function list(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(argv, { json: { type: "boolean" } }, false);
  const store = await openStore(io);
  const presets = store.list();
  const templates = store.templateRecords();
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
  const store = await openStore(io);
  const preset = store.find(name);
  const record = store.templateRecords().find((t) => t.name.toLowerCase() === name.trim().toLowerCase());
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
  const path = resolve(io.cwd, file);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    if (error instanceof SyntaxError) throw new PresetError(`${path}: not valid JSON`);
    throw error;
  }
  if (values.name !== undefined && values.name.trim() === "") throw new UsageError("--name cannot be empty");
  const stem = basename(file).replace(/\.json$/i, "");
  const store = await openStore(io);
  const prompt = readPromptPreset(json);
  if (prompt) {
    const say = (line: string) => io.stdout.write(displayText(line) + "\n");
    for (const w of prompt.warnings) io.stderr.write(displayText(`${path}: repaired ${w}`) + "\n");
    const { instruct, context, sysprompt, samplers } = prompt.parts;
    if (instruct || context || sysprompt) {
      const wanted = (values.name ?? (instruct?.name || context?.name || sysprompt?.name || stem)).trim();
      const saved = await store.importTemplate(prompt.parts, wanted, { replace: values.replace === true });
      const what = [context && "context template", instruct && "instruct template", (sysprompt || instruct?.systemPrompt) && "system prompt"].filter(Boolean).join(", ");
      say(`Saved ${what} "${saved.name}"${saved.notes.length ? ` (${saved.notes.join("; ")})` : ""}; use it with --template "${saved.name}" or /instruct ${saved.name}`);
    }
    if (samplers) await saveSamplers(store, samplers.json, samplers.name || stem, path, io, values.replace === true);
    return 0;
  }
  await saveSamplers(store, json, (values.name ?? stem).trim(), path, io, values.replace === true);
  return 0;
}

/** A text-completion preset: its samplers saved under a free name (or over its own with --replace). */
async function saveSamplers(store: PresetStore, json: unknown, wanted: string, path: string, io: CliIO, replace: boolean): Promise<void> {
  const imported = importSillyTavernPreset(json, path);
  if (Object.keys(imported.samplers).length === 0 && imported.ignored.length === 0) {
    throw new PresetError(`${path}: not a SillyTavern preset taproom knows (no sampler, context, instruct or system prompt fields)`);
  }
  const name = replace && !isBuiltInPresetName(wanted) ? wanted : store.freeName(wanted);
  await store.save({ name, description: `Imported from ${basename(path)}`, samplers: imported.samplers });
  const renamed = name === wanted ? "" : ` ("${wanted}" is ${isBuiltInPresetName(wanted) ? "a shipped preset's name" : "taken"}: saved as "${name}")`;
  io.stdout.write(displayText(`Saved preset "${name}" (${Object.keys(imported.samplers).length} samplers)${renamed}`) + "\n");
  if (imported.ignored.length > 0) {
    const list = imported.ignored.map((i) => `${i.key}=${JSON.stringify(i.value)}`).join(", ");
    io.stdout.write(displayText(`Ignored, taproom has no such sampler: ${list}`) + "\n");
  }
}

const subcommands: Record<string, (argv: string[], io: CliIO) => Promise<number>> = { list, show, import: importCommand };

export const presetCommand: CliCommand = {
  ...presetHelp,
  run: (argv, io) => runSubcommand("preset", subcommands, argv, io, list),
};

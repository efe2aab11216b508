import type { CliCommand } from "../command.ts";
import { parseCommandArgs } from "../args.ts";
import { scanModelLibrary, type LibraryModel } from "../../engine/library/scanModelLibrary.ts";
import { defaultModelCachePath } from "../../store/models/metadataCache.ts";
import { addModelFolder, ModelFolderError, readExtraModelFolders, removeModelFolder } from "../../store/models/modelFolders.ts";
import { dataDir } from "../../store/paths.ts";
import { formatBytes } from "../../core/units/format.ts";
import { formatParameters } from "../../engine/quants/index.ts";
import { formatSpeed } from "../../engine/planning/chooseQuant.ts";
import { displayText } from "../../core/text/sanitize.ts";
import { describeMachine, machineFlags, machineFromFlags } from "../machineFlags.ts";
import { resolveModelsDir } from "../modelsDir.ts";
import { modelsHelp } from "./help.ts";

export const modelsCommand: CliCommand = {
  ...modelsHelp,
  async run(argv, io) {
    const { values } = parseCommandArgs(
      argv,
      { "models-dir": { type: "string" }, json: { type: "boolean" }, "add-folder": { type: "string" }, "remove-folder": { type: "string" }, ...machineFlags },
      false,
    );
    const root = dataDir(io.env);
    try {
      if (values["add-folder"] !== undefined) io.stderr.write(`Model folders: ${(await addModelFolder(root, values["add-folder"], io.cwd)).join(", ")}\n`);
      if (values["remove-folder"] !== undefined) io.stderr.write(`Model folders: ${(await removeModelFolder(root, values["remove-folder"], io.cwd)).join(", ") || "none besides the models folder"}\n`);
    } catch (error) {
      if (error instanceof ModelFolderError) {
        io.stderr.write(`taproom models: ${displayText(error.message)}\n`);
        return 1;
      }
      throw error;
    }
    const modelsDir = resolveModelsDir(values["models-dir"], io);
    const folders = [modelsDir, ...(await readExtraModelFolders(root))];
    const machine = await machineFromFlags(values, io.env);
    const models = await scanModelLibrary({ folders, machine, cachePath: defaultModelCachePath(root) });
    if (values.json) {
      io.stdout.write(`${JSON.stringify({ folders, machine, models }, null, 2)}\n`);
      return 0;
    }
    io.stdout.write(`Machine: ${describeMachine(machine)}\n`);
    if (models.length === 0) {
      io.stdout.write(`No models in ${folders.join(", ")}.\nDownload one with: taproom pull hf:USER/REPO (taproom fit --params 8B shows which quant suits this machine)\n`);
      return 0;
    }
    for (const model of models) io.stdout.write(formatModel(model));
    return 0;
  },
};

function formatModel(model: LibraryModel): string {
  const name = displayText(model.name);
  if (model.error) return `\n${name}  ${formatBytes(model.sizeBytes)}\n  unreadable: ${displayText(model.error)}\n`;
  const facts = [
    model.architecture,
    model.parameters ? formatParameters(model.parameters) : undefined,
    model.quant,
    model.trainContext ? `${model.trainContext} ctx` : undefined,
    model.layers ? `${model.layers} layers` : undefined,
    model.chatTemplate ? `template ${model.chatTemplate}` : undefined,
    model.parts > 1 ? `${model.parts} parts` : undefined,
  ].filter(Boolean);
  const speed = model.verdict?.tokensPerSecond ? `, about ${formatSpeed(model.verdict.tokensPerSecond)} tokens/s` : "";
  const verdict = model.verdict ? `\n  ${model.verdict.summary}${speed}: ${model.verdict.reason}` : "";
  return `\n${name}  ${formatBytes(model.sizeBytes)}\n  ${displayText(facts.join(", "))}${verdict}\n`;
}

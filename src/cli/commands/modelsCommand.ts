import type { CliCommand } from "../command.ts";
import { parseCommandArgs } from "../args.ts";
import { createApp } from "../../app/app.ts";
import { formatParameters, ModelFolderError, type LibraryModel } from "../../app/models.ts";
import { formatBytes } from "../../core/units/format.ts";
import { formatSpeed } from "../../app/planning.ts";
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
    const modelsDir = resolveModelsDir(values["models-dir"], io);
    const { models: service } = createApp({ env: io.env, cwd: io.cwd, runtime: { modelsDir } });
    try {
      if (values["add-folder"] !== undefined) io.stderr.write(`Model folders: ${(await service.addFolder(values["add-folder"], io.cwd)).join(", ")}\n`);
      if (values["remove-folder"] !== undefined) io.stderr.write(`Model folders: ${(await service.removeFolder(values["remove-folder"], io.cwd)).join(", ") || "none besides the models folder"}\n`);
    } catch (error) {
      if (error instanceof ModelFolderError) {
        io.stderr.write(`taproom models: ${displayText(error.message)}\n`);
        return 1;
      }
      throw error;
    }
    const folders = await service.folders();
    const machine = await machineFromFlags(values, io.env);
    const models = await service.library({ machine });
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

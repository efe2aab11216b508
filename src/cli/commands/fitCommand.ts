import { createApp } from "../../app/app.ts";
import type { CliCommand, CliIO } from "../command.ts";
import { UsageError } from "../command.ts";
import { parseCommandArgs, parseIntegerFlag } from "../args.ts";
import {
  architectureById, ARCHITECTURES, kvCacheBytes, parseParameterCount, fitModelSize, shapeForSize, shapeFromFacts, readModelFacts,
  type FitMachine, type FitReport,
} from "../../app/planning.ts";
import { sanitizeForTerminal } from "../../core/text/sanitize.ts";
import { choiceJson, describeBandwidths, describeShape, formatChoice, formatFitTable } from "../fitTable.ts";
import { describeMachine, machineFlags, machineFromFlags, parseMinSpeed } from "../machineFlags.ts";
import { fitHelp } from "./help.ts";

export const fitCommand: CliCommand = {
  ...fitHelp,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        params: { type: "string" },
        model: { type: "string" },
        context: { type: "string" },
        arch: { type: "string" },
        "kv-heads": { type: "string" },
        "min-speed": { type: "string" },
        json: { type: "boolean" },
        ...machineFlags,
      },
      true,
    );
    const sources = [values.params, values.model, positionals[0]].filter((s) => s !== undefined).length;
    if (sources !== 1 || positionals.length > 1) throw new UsageError("give one of --params SIZE, --model FILE or hf:USER/REPO");
    const contextSize = parseIntegerFlag("context", values.context) ?? 8192;
    if (contextSize < 256) throw new UsageError("--context must be at least 256");
    const minSpeed = parseMinSpeed(values["min-speed"]);
    const kvHeads = parseIntegerFlag("kv-heads", values["kv-heads"]);
    if (kvHeads !== undefined && kvHeads < 1) throw new UsageError("--kv-heads must be at least 1");
    const named = values.arch ? architectureById(values.arch) : undefined;
    if (values.arch && !named) throw new UsageError(`--arch must be one of ${ARCHITECTURES.map((a) => a.id).join(", ")}`);
    if (positionals[0] && !/^hf:/i.test(positionals[0])) throw new UsageError(`"${positionals[0]}" is not an hf:USER/REPO address`);
    const machine = await machineFromFlags(values, io.env);
    const output = { io, machine, json: Boolean(values.json), askedContext: contextSize };
    if (positionals[0]) return fitRepo(positionals[0], { ...output, contextSize, minSpeed });
    if (values.model) {
      const facts = await readModelFacts(await createApp({ env: io.env, cwd: io.cwd }).models.find(values.model));
      const shape = { ...shapeFromFacts(facts), ...(kvHeads ? { kvHeads } : {}) };
      return print(fitModelSize({ parameters: facts.parameters, shape, shapeSource: "header", machine, contextSize, minSpeed }), output);
    }
    const parameters = parseParameterCount(values.params!);
    if (!parameters) throw new UsageError(`--params must be a size like 7B or 350M, got "${values.params}"`);
    const { shape, source } = shapeForSize(parameters, { ...(named ? { named } : {}), ...(kvHeads ? { kvHeads } : {}) });
    return print(fitModelSize({ parameters, shape, shapeSource: source, machine, contextSize, minSpeed }), output);
  },
};

interface Output {
  io: CliIO;
  machine: FitMachine;
  json: boolean;
  askedContext: number;
}

function print(report: FitReport, output: Output): number {
  const { io, machine } = output;
  const { choice, shape } = report;
  if (output.json) {
    const json = { parameters: report.parameters, architecture: shape, shapeSource: report.shapeSource, contextSize: report.wantedContext, kvCacheBytes: kvCacheBytes(shape, report.wantedContext), ...choiceJson(choice, report.bandwidths), machine };
    io.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    return choice.chosen ? 0 : 1;
  }
  const text =
    describeShape({ parameters: report.parameters, shape, source: report.shapeSource, contextSize: report.wantedContext, askedContext: output.askedContext }) +
    `Machine: ${describeMachine(machine)}\n` +
    describeBandwidths(report.bandwidths, choice.minSpeed) +
    `\n${formatFitTable(choice.table, choice.chosen)}\n${formatChoice(choice)}`;
  // A line at a time, as a terminal shows it (and `| head` may stop reading after any).
  for (const line of sanitizeForTerminal(text).split(/(?<=\n)/)) io.stdout.write(line);
  return choice.chosen ? 0 : 1;
}

async function fitRepo(uri: string, options: Output & { contextSize: number; minSpeed: number }): Promise<number> {
  // The downloader (HTTP client, hub) is loaded only for hf: addresses, not for --params or --model.
  const { planPull, hubOptionsFromEnv } = await import("../../app/downloads.ts");
  const plan = await planPull({ uri, hub: hubOptionsFromEnv(options.io.env), machine: options.machine, contextSize: options.contextSize, minSpeed: options.minSpeed });
  if (plan.headerError) options.io.stderr.write(sanitizeForTerminal(`taproom fit: could not read the GGUF header (${plan.headerError}); assuming a current GQA shape for the size\n`));
  const repo = plan.choice;
  if (!repo) throw new UsageError(`${uri}: name no quant to compare them all`);
  const report: FitReport = { parameters: repo.parameters, shape: repo.shape, shapeSource: repo.shapeSource, wantedContext: repo.wantedContext, bandwidths: repo.bandwidths, choice: repo.choice };
  return print(report, options);
}

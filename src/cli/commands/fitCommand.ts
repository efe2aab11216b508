import type { CliCommand } from "../command.ts";
import { UsageError } from "../command.ts";
import { parseCommandArgs, parseIntegerFlag } from "../args.ts";
import { architectureById, ARCHITECTURES, formatParameters, kvCacheBytes, parseParameterCount } from "../../engine/quants/index.ts";
import { fitModelSize, type FitReport } from "../../engine/fit/fitModelSize.ts";
import type { QuantFit } from "../../engine/fit/chooseQuant.ts";
import { formatBytes } from "../../core/units/format.ts";
import { formatFitTable } from "../fitTable.ts";
import { describeMachine, machineFlags, machineFromFlags } from "../machineFlags.ts";
import { fitHelp } from "./help.ts";

export const fitCommand: CliCommand = {
  ...fitHelp,
  async run(argv, io) {
    const { values } = parseCommandArgs(argv, { params: { type: "string" }, context: { type: "string" }, arch: { type: "string" }, json: { type: "boolean" }, ...machineFlags }, false);
    if (!values.params) throw new UsageError("--params is required (e.g. --params 13B)");
    const parameters = parseParameterCount(values.params);
    if (!parameters) throw new UsageError(`--params must be a size like 7B or 350M, got "${values.params}"`);
    const shape = values.arch ? architectureById(values.arch) : undefined;
    if (values.arch && !shape) throw new UsageError(`--arch must be one of ${ARCHITECTURES.map((a) => a.id).join(", ")}`);
    const contextSize = parseIntegerFlag("context", values.context) ?? 8192;
    if (contextSize < 256) throw new UsageError("--context must be at least 256");
    const machine = await machineFromFlags(values, io.env);
    const report = fitModelSize({ parameters, machine, contextSize, ...(shape ? { shape } : {}) });
    if (values.json) {
      io.stdout.write(`${JSON.stringify({ ...toJson(report), machine }, null, 2)}\n`);
      return 0;
    }
    io.stdout.write(describeReport(report, contextSize));
    io.stdout.write(`Machine: ${describeMachine(machine)}\n\n`);
    io.stdout.write(formatFitTable(report.choice.table, report.choice.chosen));
    io.stdout.write(`\n${bestLine(report.choice.chosen)}${report.choice.reason}\n`);
    return report.choice.chosen ? 0 : 1;
  },
};

function describeReport(report: FitReport, asked: number): string {
  const { shape } = report;
  const kv = formatBytes(kvCacheBytes(shape, report.wantedContext));
  const capped = asked > report.wantedContext ? ` (capped at its train context; asked ${asked})` : "";
  return (
    `${formatParameters(report.parameters)} parameters, ${shape.like} shape: ${shape.layers} layers, ${shape.heads} heads, ${shape.kvHeads} KV heads\n` +
    `KV cache: ${kv} for ${report.wantedContext} tokens of context${capped}\n`
  );
}

function bestLine(chosen: QuantFit | undefined): string {
  if (!chosen) return "";
  return `Best: ${chosen.quant.name}, a ${formatBytes(chosen.fileBytes)} file using ${formatBytes(chosen.vramBytes)} VRAM and ${formatBytes(chosen.ramBytes)} RAM. `;
}

function toJson(report: FitReport) {
  const row = (f: QuantFit) => ({
    quant: f.quant.name,
    bitsPerWeight: f.quant.bitsPerWeight,
    fileBytes: f.fileBytes,
    fit: f.fitsFully ? "full" : f.runnable ? (f.gpuLayers > 0 ? "partial" : "cpu") : "none",
    gpuLayers: f.gpuLayers,
    totalLayers: f.totalLayers,
    contextSize: f.contextSize,
    maxFullContext: f.maxFullContext,
    vramBytes: f.vramBytes,
    ramBytes: f.ramBytes,
    reasons: f.reasons,
  });
  return {
    parameters: report.parameters,
    architecture: report.shape,
    contextSize: report.wantedContext,
    kvCacheBytes: kvCacheBytes(report.shape, report.wantedContext),
    best: report.choice.chosen ? row(report.choice.chosen) : null,
    reason: report.choice.reason,
    quants: report.choice.table.map(row),
  };
}

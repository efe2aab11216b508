import type { CliCommand, CliIO } from "../command.ts";
import { UsageError } from "../command.ts";
import { parseCommandArgs, parseIntegerFlag } from "../args.ts";
import {
  parseHfUri, HfUriError, hubOptionsFromEnv, planPull, pullModel, DownloadCancelledError,
  type HfUri, type RepoModel, type PullPlan, type PullModelOptions, type DownloadRetry,
} from "../../app/downloads.ts";
import type { FitMachine, RepoChoice } from "../../app/planning.ts";
import { formatBytes } from "../../core/units/format.ts";
import { sanitizeForTerminal } from "../../core/text/sanitize.ts";
import { createDownloadProgressReporter } from "../downloadProgress.ts";
import { describeBandwidths, describeShape, formatChoice, formatFitTable } from "../fitTable.ts";
import { machineFlags, machineFromFlags, describeMachine, parseMinSpeed } from "../machineFlags.ts";
import { resolveModelsDir } from "../modelsDir.ts";
import { pullHelp } from "./help.ts";

export const pullCommand: CliCommand = {
  ...pullHelp,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      "dry-run": { type: "boolean" },
      context: { type: "string" },
      "min-speed": { type: "string" },
      "models-dir": { type: "string" },
      ...machineFlags,
    });
    if (positionals.length !== 1) throw new UsageError("give one hf:USER/REPO[:QUANT]");
    const uri = parseUri(positionals[0]!);
    const contextSize = parseIntegerFlag("context", values.context) ?? 8192;
    if (contextSize < 256) throw new UsageError("--context must be at least 256");
    const minSpeed = parseMinSpeed(values["min-speed"]);
    const hub = hubOptionsFromEnv(io.env);
    const machine = uri.quant || uri.file ? undefined : await machineFromFlags(values, io.env);
    const show = (plan: PullPlan) => {
      say(io, `${uri.repo}: ${plan.models.map(describeRepoModel).join(", ")}\n`);
      if (plan.headerError) io.stderr.write(sanitizeForTerminal(`taproom pull: could not read the GGUF header (${plan.headerError}); assuming a current GQA shape for the size\n`));
      if (machine && plan.choice) printChoice(plan.choice, machine, io);
    };
    const request = { uri: positionals[0]!, hub, contextSize, minSpeed, ...(machine ? { machine } : {}) };
    if (!values["dry-run"]) return download(request, resolveModelsDir(values["models-dir"], io), show, io);
    const plan = await planPull(request);
    show(plan);
    const model = plan.model;
    if (!model) {
      io.stderr.write(`taproom pull: nothing to download for this machine; name a quant (hf:${uri.repo}:Q2_K) to download anyway\n`);
      return 1;
    }
    say(io, `Would download ${model.files.map((f) => f.path).join(", ")} (${formatBytes(model.totalBytes)}).\n`);
    return 0;
  },
};

/** File names and paths come from the hub: nothing in them reaches the terminal as a control sequence. */
function say(io: CliIO, text: string): void {
  io.stdout.write(sanitizeForTerminal(text));
}

function parseUri(text: string): HfUri {
  try {
    return parseHfUri(text);
  } catch (error) {
    if (error instanceof HfUriError) throw new UsageError(error.message);
    throw error;
  }
}

function describeRepoModel(model: RepoModel): string {
  const parts = model.files.length > 1 ? ` in ${model.files.length} parts` : "";
  return `${model.quantLabel ?? model.name} (${formatBytes(model.totalBytes)}${parts})`;
}

function printChoice(result: RepoChoice<RepoModel>, machine: FitMachine, io: CliIO): void {
  say(io, `Machine: ${describeMachine(machine)}\n`);
  say(io, describeShape({ parameters: result.parameters, shape: result.shape, source: result.shapeSource, contextSize: result.wantedContext }));
  say(io, describeBandwidths(result.bandwidths, result.choice.minSpeed));
  say(io, `\n${formatFitTable(result.choice.table, result.choice.chosen)}\n`);
  say(io, formatChoice(result.choice, result.model?.quantLabel));
}

async function download(request: Omit<PullModelOptions, "modelsDir">, modelsDir: string, show: (plan: PullPlan) => void, io: CliIO): Promise<number> {
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once("SIGINT", onSigint);
  const reporter = createDownloadProgressReporter({
    write: (t) => io.stderr.write(t),
    isTTY: Boolean((io.stderr as { isTTY?: boolean }).isTTY),
  });
  try {
    const onRetry = (r: DownloadRetry) => {
      reporter.finish();
      io.stderr.write(`taproom pull: connection dropped at ${formatBytes(r.bytesSoFar)}; resuming in ${Math.round(r.delayMs / 100) / 10}s (retry ${r.attempt} of ${r.retries})\n`);
    };
    const result = await pullModel({ ...request, modelsDir, signal: controller.signal, onPlan: show, onProgress: reporter.update, onRetry });
    reporter.finish();
    say(io, `Saved ${result.paths.join(", ")}${result.alreadyPresent ? " (already in the library)" : ""}\n`);
    return 0;
  } catch (error) {
    reporter.finish();
    if (error instanceof DownloadCancelledError) {
      io.stderr.write(`taproom pull: ${error.message}\n`);
      return 130;
    }
    throw error;
  } finally {
    process.removeListener("SIGINT", onSigint);
  }
}

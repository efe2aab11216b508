import type { CliCommand, CliIO } from "../command.ts";
import { UsageError } from "../command.ts";
import { parseCommandArgs, parseIntegerFlag } from "../args.ts";
import {
  parseHfUri, HfUriError, hubOptionsFromEnv, planPull, pullModel, DownloadCancelledError,
  type HfUri, type RepoModel, type RepoChoice, type PullPlan, type PullModelOptions, type FitMachine, type DownloadRetry,
} from "../../app/planning.ts";
import { formatBytes } from "../../core/units/format.ts";
import { sanitizeForTerminal } from "../../core/text/sanitize.ts";
import { createDownloadProgressReporter } from "../downloadProgress.ts";
import { describeBandwidths, describeShape, formatChoice, formatFitTable } from "../fitTable.ts";
import { machineFlags, machineFromFlags, describeMachine, parseMinSpeed } from "../machineFlags.ts";
import { resolveModelsDir } from "../modelsDir.ts";

const usage = `Usage: taproom pull hf:USER/REPO[:QUANT] [options]

Downloads a GGUF model from Hugging Face into the models folder. Without :QUANT,
picks the best quality that still runs at reading speed on this machine with the
wanted context (the rule of taproom fit), reading the model's shape from the first
megabytes of one file.

Options:
  --dry-run           show the files and the choice, download nothing
  --context N         context you want to use (default 8192)
  --min-speed N       reading-speed floor in tokens/s (default 8)
  --vram SIZE         plan for this much GPU memory instead of this machine's (e.g. 12GB)
  --ram SIZE          plan for this much RAM
  --gpu TYPE          cuda | vulkan | metal | cpu
  --gpu-bandwidth N   GPU memory bandwidth in GB/s (default: by GPU name, else assumed)
  --ram-bandwidth N   RAM bandwidth in GB/s (default: assumed 60)
  --models-dir DIR    where models are kept (default: the data directory's models/)

Environment: HF_TOKEN for gated repositories, HF_ENDPOINT for another hub.
A dropped connection is resumed by itself (3 tries); Ctrl+C cancels, and running
the same command again resumes.`;

export const pullCommand: CliCommand = {
  name: "pull",
  summary: "download a GGUF model from Hugging Face (best quant for this machine)",
  usage,
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
    const machine = uri.quant || uri.file ? undefined : await machineFromFlags(values);
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

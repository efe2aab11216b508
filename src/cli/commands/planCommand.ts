import { basename, resolve } from "node:path";
import type { CliCommand } from "../command.ts";
import { UsageError } from "../command.ts";
import { parseCommandArgs, parseIntegerFlag } from "../args.ts";
import { formatParameters, formatSpeed, modelFileBytes, planLoad, readModelFacts, type LibraryFacts, type LoadPlan } from "../../app/planning.ts";
import { formatBytes } from "../../core/units/format.ts";
import { describeMachine, machineFlags, machineFromFlags } from "../machineFlags.ts";

const usage = `Usage: taproom plan --model FILE [options]

How taproom would load a model on this machine (or another): GPU layers, context,
threads and flash attention, with the reasons and what to change. Loads nothing.

Options:
  --model FILE       the .gguf file (the first part of a split model)
  --context N        context you want (default 8192, capped at the model's train context)
  --gpu-layers N     layers to put on the GPU, fitting or not
  --threads N        CPU threads (default: from the cores)
  --vram SIZE        GPU memory to plan for (default: this machine's free VRAM), e.g. 24GB
  --ram SIZE         RAM to plan for (default: this machine's)
  --gpu TYPE         cuda | vulkan | metal | cpu
  --cores N          CPU cores to plan for (default: this machine's)
  --gpu-bandwidth N  GPU memory bandwidth in GB/s, for the speed estimate (default: by GPU name)
  --ram-bandwidth N  RAM bandwidth in GB/s (default: assumed 60)
  --json             machine-readable output
With --vram, --ram and --gpu all given, llama.cpp is not even loaded.`;

export const planCommand: CliCommand = {
  name: "plan",
  summary: "how a model would load here: GPU layers, context, threads, and why",
  usage,
  async run(argv, io) {
    const { values } = parseCommandArgs(
      argv,
      {
        model: { type: "string" },
        context: { type: "string" },
        "gpu-layers": { type: "string" },
        threads: { type: "string" },
        cores: { type: "string" },
        json: { type: "boolean" },
        ...machineFlags,
      },
      false,
    );
    if (!values.model) throw new UsageError("--model FILE is required");
    const contextSize = positive("context", values.context);
    const gpuLayers = parseIntegerFlag("gpu-layers", values["gpu-layers"]);
    if (gpuLayers !== undefined && gpuLayers < 0) throw new UsageError("--gpu-layers must be 0 or more");
    const threads = positive("threads", values.threads);
    const cores = positive("cores", values.cores);
    const path = resolve(io.cwd, values.model);
    const facts = await readModelFacts(path);
    const fileBytes = await modelFileBytes(path);
    const { cores: _cores, ...machineValues } = values;
    const machine = await machineFromFlags({ ...machineValues, ...(cores !== undefined ? { cores } : {}) });
    const wishes = { ...(contextSize !== undefined ? { contextSize } : {}), ...(gpuLayers !== undefined ? { gpuLayers } : {}), ...(threads !== undefined ? { threads } : {}) };
    const plan = planLoad({ model: { ...facts, fileBytes }, machine, wishes });
    if (values.json) {
      io.stdout.write(`${JSON.stringify({ model: { path, fileBytes, ...facts }, machine, plan }, null, 2)}\n`);
    } else {
      io.stdout.write(describe(facts, fileBytes, path, plan));
      io.stdout.write(`Machine: ${describeMachine(machine)}, ${machine.cpuCores} cores\n\n`);
      io.stdout.write(planLines(plan));
    }
    return plan.runnable ? 0 : 1;
  },
};

function positive(name: string, value: string | undefined): number | undefined {
  const number = parseIntegerFlag(name, value);
  if (number !== undefined && number < 1) throw new UsageError(`--${name} must be at least 1`);
  return number;
}

function describe(facts: LibraryFacts, fileBytes: number, path: string, plan: LoadPlan): string {
  const name = facts.name ?? basename(path);
  const quant = facts.quant ? `, ${facts.quant}` : "";
  return `Model: ${name} (${facts.architecture}, ${formatParameters(facts.parameters)} parameters${quant}, ${formatBytes(fileBytes)}, ${plan.totalLayers} layers, trained on ${facts.trainContext} tokens)\n`;
}

function planLines(plan: LoadPlan): string {
  const lines = [
    `Plan: ${plan.runnable ? `${plan.backend}, ${plan.gpuLayers}/${plan.totalLayers} layers on the GPU, ${plan.contextSize} context, ${plan.threads} threads, flash attention ${plan.flashAttention ? "on" : "off"}` : "cannot run on this machine"}`,
    `Memory: ${formatBytes(plan.memory.vramBytes)} VRAM, ${formatBytes(plan.memory.ramBytes)} RAM`,
    ...(plan.runnable ? [`Speed: about ${formatSpeed(plan.tokensPerSecond)} tokens/s generated (an estimate from memory bandwidth)`] : []),
    "",
    "Why:",
    ...plan.reasons.map((r) => `  - ${r}`),
  ];
  if (plan.suggestions.length > 0) lines.push("", "You could:", ...plan.suggestions.map((s) => `  - ${s}`));
  return `${lines.join("\n")}\n`;
}

import { createApp } from "../../app/app.ts";
import { basename } from "node:path";
import type { CliCommand } from "../command.ts";
import { UsageError } from "../command.ts";
import { parseCommandArgs, parseIntegerFlag } from "../args.ts";
import { formatParameters, formatSpeed, modelFileBytes, planLoad, readModelFacts, type LibraryFacts, type LoadPlan } from "../../app/planning.ts";
import { formatBytes } from "../../core/units/format.ts";
import { describeMachine, machineFlags, machineFromFlags } from "../machineFlags.ts";
import { planHelp } from "./help.ts";

export const planCommand: CliCommand = {
  ...planHelp,
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
    const path = await createApp({ env: io.env, cwd: io.cwd }).models.find(values.model);
    const facts = await readModelFacts(path);
    const fileBytes = await modelFileBytes(path);
    const { cores: _cores, ...machineValues } = values;
    const machine = await machineFromFlags({ ...machineValues, ...(cores !== undefined ? { cores } : {}) }, io.env);
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

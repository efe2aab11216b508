import { estimateParameters, typicalArchitecture, type ArchitectureShape } from "../quants/index.ts";
import { chooseQuant, type QuantChoice } from "../fit/chooseQuant.ts";
import { machineHasGpu, planQuantFits, type FitMachine } from "../fit/planQuantFits.ts";
import type { RepoModel } from "./repoModels.ts";

export interface RepoChoice {
  /** Estimated from the file sizes and their quants' bits per weight. */
  parameters: number;
  shape: ArchitectureShape;
  wantedContext: number;
  choice: QuantChoice;
  /** The repository model behind choice.chosen. */
  model: RepoModel | undefined;
}

export interface ChooseRepoModelOptions {
  models: RepoModel[];
  machine: FitMachine;
  contextSize: number;
}

/**
 * Picks the repository file to download for this machine. The hub's listing gives
 * exact file sizes but not the architecture: the parameter count is estimated from
 * sizes and quants (the median over the files) and the KV cache from the typical
 * shape for that count.
 */
export function chooseRepoModel(options: ChooseRepoModelOptions): RepoChoice {
  const known = options.models.filter((m) => m.quant && m.missingParts.length === 0);
  const estimates = known.map((m) => estimateParameters(m.totalBytes, m.quant!)).sort((a, b) => a - b);
  const parameters = estimates[Math.floor(estimates.length / 2)] ?? 0;
  const base = typicalArchitecture(Math.max(parameters, 1));
  const shape = { ...base, parameters };
  const wantedContext = Math.min(options.contextSize, shape.trainContext);
  const candidates = known.map((m) => ({ quant: m.quant!, fileBytes: m.totalBytes }));
  const fits = planQuantFits({ shape, candidates, machine: options.machine, contextSize: wantedContext });
  const choice = chooseQuant({ fits, wantedContext, hasGpu: machineHasGpu(options.machine) });
  const model = choice.chosen ? known.find((m) => m.quant === choice.chosen!.quant) : undefined;
  return { parameters, shape, wantedContext, choice, model };
}

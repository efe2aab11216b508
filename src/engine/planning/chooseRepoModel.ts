import { estimateParameters, typicalArchitecture, type ArchitectureShape } from "../quants/index.ts";
import { chooseQuant, type QuantChoice } from "../fit/chooseQuant.ts";
import { machineHasGpu, planQuantFits, type FitMachine } from "../fit/planQuantFits.ts";
import type { RepoModel } from "./repoModels.ts";
import type { LibraryFacts } from "../library/readModelFacts.ts";

export interface RepoChoice {
  /** From the GGUF header when read, else estimated from file sizes and bits per weight. */
  parameters: number;
  shape: ArchitectureShape;
  /** Whether the shape came from a real GGUF header rather than the typical one for the size. */
  shapeFromHeader: boolean;
  wantedContext: number;
  choice: QuantChoice;
  /** The repository model behind choice.chosen. */
  model: RepoModel | undefined;
}

export interface ChooseRepoModelOptions {
  models: RepoModel[];
  machine: FitMachine;
  contextSize: number;
  /** Metadata read from one of the repository's files (all quants share the architecture). */
  header?: LibraryFacts;
}

/**
 * Picks the repository file to download for this machine. The hub's listing gives
 * exact file sizes; the architecture (and so the KV cache) comes from a GGUF header
 * when one was read, else from the typical shape for the parameter count estimated
 * from sizes and quants (the median over the files).
 */
export function chooseRepoModel(options: ChooseRepoModelOptions): RepoChoice {
  const known = options.models.filter((m) => m.quant && m.missingParts.length === 0);
  const estimates = known.map((m) => estimateParameters(m.totalBytes, m.quant!)).sort((a, b) => a - b);
  const estimated = estimates[Math.floor(estimates.length / 2)] ?? 0;
  const header = options.header;
  // A split file's header counts only its own tensors: keep the size estimate then.
  const parameters = header && header.parameters > estimated * 0.8 ? header.parameters : estimated;
  const shape: ArchitectureShape = header
    ? { id: header.architecture, like: header.name ?? header.architecture, ...header, vocab: header.vocab || 32000, parameters }
    : { ...typicalArchitecture(Math.max(estimated, 1)), parameters };
  const wantedContext = Math.min(options.contextSize, shape.trainContext);
  const candidates = known.map((m) => ({ quant: m.quant!, fileBytes: m.totalBytes }));
  const fits = planQuantFits({ shape, candidates, machine: options.machine, contextSize: wantedContext });
  const choice = chooseQuant({ fits, wantedContext, hasGpu: machineHasGpu(options.machine) });
  const model = choice.chosen ? known.find((m) => m.quant === choice.chosen!.quant) : undefined;
  return { parameters, shape, shapeFromHeader: Boolean(header), wantedContext, choice, model };
}
